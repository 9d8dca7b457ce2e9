"""gunicorn's settings for digiansvar: an access log without query strings.

The documented command is `gunicorn -c gunicorn.conf.py digiansvar.wsgi …`
(docs/operations.md); gunicorn also reads this file by itself when started
in this folder.

The access log keeps gunicorn's usual columns (Apache's combined format),
but no line holds a query string, on any path:

- the request line logs the path as sent, without its query: at
  /oidc/callback/ the query holds the provider's authorization code and the
  state (docs/oidc.md), and elsewhere search words and people's initials.
  Cutting it everywhere needs no list of sign-in paths to keep up to date;
  the path is enough to follow traffic and errors;
- the Referer is logged without its query: with Referrer-Policy same-origin
  a page's own requests (its stylesheet, its icon) send the page's full
  address, so the sign-in error page at /oidc/callback/?code=… would pass
  the code on to the log lines of the requests that follow it.

tests/production/test_access_log.py starts the documented command and looks
for a code and state in its log.
"""

from gunicorn.glogging import Logger


def without_query(url):
    return url.partition("?")[0]


class QuerylessLogger(Logger):
    """gunicorn's logger, with the query cut from every access log atom that holds one."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # The raw (still percent-encoded) path: a decoded one (%(U)s) could
        # write a line break into the log.
        path = without_query(environ["RAW_URI"])
        atoms["r"] = f"{environ['REQUEST_METHOD']} {path} {environ['SERVER_PROTOCOL']}"
        atoms["q"] = "-"
        for referer in ("f", "{referer}i"):
            if referer in atoms:
                atoms[referer] = without_query(atoms[referer])
        return atoms


logger_class = QuerylessLogger
