"""Querysets compiled to SQL once per shape, then run with other ids: for the reads of a page
built on every cache miss, where building and compiling the queryset cost the ORM more than
the database takes to answer it (the poster's entries, the people they name, who holds a
role).

`statement(name, build, **ids)` returns the SQL and parameters of `build(**ids)`. The first
call of a shape (the name, and the length of each list of ids) compiles `build` for
stand-in ids that no row has, finds where each one went among the parameters, and keeps
that; later calls put the real ids there. A stand-in that does not come out as a parameter
of its own (the queryset changed) is an error at the first call, never a wrong read.
"""

from django.db import connection

# Stand-in ids, from here down: negative, and far below any id a table hands out.
_FIRST_STAND_IN = -2_000_000_001
_kept = {}
_KEPT_SHAPES = 256


def statement(name, build, **ids):
    """(sql, params) of `build(**ids)`: each value of `ids` an int or a list of ints."""
    shape = tuple(
        (key, len(value) if isinstance(value, list) else None) for key, value in ids.items()
    )
    key = (connection.alias, name, shape)
    compiled = _kept.get(key)
    if compiled is None:
        compiled = _compile(build, shape)
        if len(_kept) >= _KEPT_SHAPES:
            _kept.clear()
        _kept[key] = compiled
    sql, params, places = compiled
    params = list(params)
    for n, (key, index) in places.items():
        params[n] = ids[key] if index is None else ids[key][index]
    return sql, params


def _compile(build, shape):
    stand_ins, where = {}, {}
    number = _FIRST_STAND_IN
    for key, length in shape:
        if length is None:
            stand_ins[key], where[number] = number, (key, None)
            number -= 1
        else:
            stand_ins[key] = list(range(number, number - length, -1))
            where |= {number - index: (key, index) for index in range(length)}
            number -= length
    sql, params = build(**stand_ins).query.sql_with_params()
    places = {
        n: where[value]
        for n, value in enumerate(params)
        if isinstance(value, int) and value in where
    }
    if set(places.values()) != set(where.values()):
        raise RuntimeError(f"{build!r} does not hold every id it is given as a parameter")
    return sql, list(params), places


def kept_clear():
    """Forget the compiled statements (tests)."""
    _kept.clear()
