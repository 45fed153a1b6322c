"""Encryption at rest for the most sensitive fields (narratives, person details, callbacks, notes).

Keys come from the environment (``FIRSTLINE_FIELD_KEYS``: comma-separated Fernet keys, newest
first). Values are written with the newest key and read with any of them, so a program rotates by
putting a new key in front and running ``manage.py rotate_keys``; the old key leaves the list once
that command has finished. A stolen database dump without the keys shows no narrative.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

# Every encrypted value starts with this marker, so rows written before a field was encrypted
# (plain text) still read, and `rotate_keys` can tell which rows it has to rewrite.
PREFIX = "fl1:"


def derived_key(secret: str) -> bytes:
    """A Fernet key derived from SECRET_KEY: only for the embedded demo and tests."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"firstline-field-key:{secret}".encode()).digest())


def configured_keys() -> list[bytes]:
    keys = [key.strip().encode() for key in settings.FIRSTLINE_FIELD_KEYS if key.strip()]
    if not keys:
        if settings.FIRSTLINE_FIELD_KEYS_REQUIRED:
            raise ImproperlyConfigured("FIRSTLINE_FIELD_KEYS must hold at least one Fernet key.")
        keys = [derived_key(settings.SECRET_KEY)]
    return keys


@lru_cache(maxsize=8)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(f"FIRSTLINE_FIELD_KEYS holds a key that is not a Fernet key: {exc}") from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(configured_keys()))


def encrypt(text: str) -> str:
    return PREFIX + fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        return stored  # written before encryption was turned on; rotate_keys rewrites it
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted with FIRSTLINE_FIELD_KEYS: a key that wrote it is missing."
        ) from exc


def needs_rewrite(stored: str | None) -> bool:
    """True when a stored value is plain text or not written with the newest key."""
    if not stored:
        return False
    if not stored.startswith(PREFIX):
        return True
    newest = Fernet(configured_keys()[0])
    try:
        newest.decrypt(stored[len(PREFIX) :].encode())
    except InvalidToken:
        return True
    return False


class EncryptedTextField(models.TextField):
    """A TextField stored encrypted. It cannot be searched or ordered by in the database, by design."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt(value)

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(PREFIX):
            return decrypt(value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        if value == "":
            return ""  # an empty value discloses nothing and keeps "is blank" filters working
        return encrypt(str(value))
