"""PostgreSQL text and jsonb cannot hold U+0000: input carrying one is refused at the door, not on save."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

NUL = "\x00"


def find_nul(value: Any, path: str = "$") -> str | None:
    """The JSON path of the first string (key or value) that holds a NUL character, or None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and NUL in key:
                return path
            found = find_nul(item, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = find_nul(item, f"{path}[{index}]")
            if found:
                return found
    return None


def refuse_nul(value: Any) -> None:
    """A DRF field validator for JSON-shaped fields (DictField, JSONField, ListField of them)."""
    if find_nul(value):
        raise serializers.ValidationError(_("Must not contain the invisible NUL character."))
