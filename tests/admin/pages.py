"""Every admin page a user can open, derived from the admin registry, and the text a reader sees.

`admin_pages` walks admin.site: the site's own pages (index, one per app,
password change) and, for each registered model admin, every URL its
`get_urls()` names (changelist, add, change, history, one history version,
delete, and what the admin adds: import, export, object permissions, …),
with an object from the user's own queryset. A new admin or a new admin URL
is walked without a line here.
"""

import html
import re

from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import URLPattern, reverse

# Pages that only answer a POST of another page (import's second step).
POST_ONLY = ("_process_import",)


def visible_words(content):
    """The words a reader sees or hears: text outside tags, scripts, styles and comments,
    plus the attributes that are read out (title, aria-label, placeholder, button values)."""
    content = re.sub(r"<(script|style|template)\b.*?</\1>", " ", content, flags=re.S)
    content = re.sub(r"<!--.*?-->", " ", content, flags=re.S)
    attributes = re.findall(r'\s(?:title|aria-label|placeholder)="([^"]*)"', content)
    for tag in re.findall(r"<input\b[^>]*>", content):
        if re.search(r'type="(?:submit|button|reset)"', tag):
            attributes += re.findall(r'\svalue="([^"]*)"', tag)
    text = re.sub(r"<[^>]+>", " ", content)
    return html.unescape(" ".join([text, *attributes])).split()


def contains(words, phrase):
    """Whether `phrase` stands as whole words in `words` (case as written)."""
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", " ".join(words)) is not None


def _object_arguments(pattern, obj, user):
    """The URL arguments for `obj`, or None when the pattern needs something else."""
    names = list(pattern.pattern.converters)
    if not names:
        groups = pattern.pattern.regex.groups
        if groups == 0:
            return []
        if groups == 2 and hasattr(obj, "history"):  # simple_history: object, version
            record = obj.history.order_by("-history_id").first()
            return None if record is None else [obj.pk, record.history_id]
        return None
    values = {
        "object_id": obj.pk,
        "object_pk": obj.pk,
        "id": obj.pk,
        "user_id": user.pk,
        "group_id": Group.objects.order_by("pk").values_list("pk", flat=True).first(),
    }
    if any(values.get(name) is None for name in names):
        return None
    return [values[name] for name in names]


def admin_pages(user, site=admin.site):
    """[(url name, path)] of every admin page `user` may reach, objects from their own scope."""
    pages = [("admin:index", reverse("admin:index"))]
    if hasattr(site, "password_change"):
        pages.append(("admin:password_change", reverse("admin:password_change")))
    request = RequestFactory().get("/")
    request.user = user
    app_labels = set()
    for model, model_admin in site._registry.items():
        app_labels.add(model._meta.app_label)
        obj = model_admin.get_queryset(request).order_by("pk").first()
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            if pattern.name.endswith(POST_ONLY):
                continue
            if pattern.pattern.converters or pattern.pattern.regex.groups:
                if obj is None:
                    continue
                arguments = _object_arguments(pattern, obj, user)
                if arguments is None:
                    continue
            else:
                arguments = []
            name = f"{site.name}:{pattern.name}"
            pages.append((name, reverse(name, args=arguments)))
    pages += [
        ("admin:app_list", reverse("admin:app_list", args=[label])) for label in sorted(app_labels)
    ]
    return pages
