"""Every door of the project, found by walking the URL resolver, with its URL filled in from a World."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Not doors this suite judges: the admin has its own matrix, every role (finance staff: the funding
# pages only) against every registered model's pages (tests/security/test_admin_matrix.py), the schema and docs
# describe the API without reading any record, static files are files.
SKIPPED_PREFIXES = ("admin/", "static/", "api/schema/", "api/docs/")


@dataclass(frozen=True)
class Door:
    name: str
    route: str
    methods: frozenset

    def url(self, kwargs: dict) -> str:
        path = self.route
        if path.startswith("^"):
            path = path[1:].rstrip("$").replace("\\.", ".")
            path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: "<" + m.group(1) + ">", path)
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), path)
        return "/" + path


HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _methods(callback) -> frozenset:
    actions = getattr(callback, "actions", None)
    if actions:  # a DRF viewset: the methods its router mapped
        return frozenset(m.upper() for m in actions)
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        return frozenset(m.upper() for m in HTTP_METHODS if hasattr(view_class, m))
    # Function views: those wrapped in require_POST say so in their closure; the rest answer GET.
    return frozenset({"POST"} if _requires_post(callback) else {"GET", "POST"})


def _requires_post(callback) -> bool:
    seen = callback
    while seen is not None:
        for cell in getattr(seen, "__closure__", None) or ():
            if cell.cell_contents == ["POST"]:
                return True
        seen = getattr(seen, "__wrapped__", None)
    return False


def _walk(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def all_doors() -> list[Door]:
    """Each named URL pattern once (the HSDS aliases with a trailing slash share their view)."""
    doors = {}
    for route, pattern in _walk(get_resolver()):
        if route.lstrip("^").startswith(SKIPPED_PREFIXES) or not pattern.name or pattern.name in doors:
            continue
        doors[pattern.name] = Door(name=pattern.name, route=route, methods=_methods(pattern.callback))
    return list(doors.values())
