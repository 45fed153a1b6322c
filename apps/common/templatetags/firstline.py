"""Template filters every server page shares (dates and numbers: apps.common.formats)."""

from urllib.parse import parse_qsl, urlencode

from django import template

from apps.common import formats
from apps.common.language import QUERY_PARAMETER

register = template.Library()


@register.filter
def when(value, style="datetime"):
    return formats.when(value, style)


@register.filter
def number(value, decimals=None):
    return formats.number(value, None if decimals is None else int(decimals))


@register.simple_tag(takes_context=True)
def path_without_language(context) -> str:
    """This page's path and query without `?lang=`, so a language switch is not undone on return."""
    request = context.get("request")
    if request is None:
        return "/"
    query = [(key, value) for key, value in parse_qsl(request.META.get("QUERY_STRING", "")) if key != QUERY_PARAMETER]
    return request.path + (f"?{urlencode(query)}" if query else "")
