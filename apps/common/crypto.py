"""Encryption at rest for the most sensitive fields (narratives, person details, callbacks, notes).

Keys come from the environment (``FIRSTLINE_FIELD_KEYS``: comma-separated Fernet keys, newest
first). Values are written with the newest key and read with any of them, so a program rotates by
putting a new key in front and running ``manage.py rotate_keys``; the old key leaves the list once
that command has finished. A stolen database dump without the keys shows no narrative.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

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


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (a dict of person details) stored as encrypted text. Not searchable, by design."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        text = decrypt(value)
        return json.loads(text) if text else self.get_default()

    def to_python(self, value):
        if isinstance(value, str):
            text = decrypt(value)
            try:
                return json.loads(text) if text else self.get_default()
            except ValueError as exc:
                raise ValidationError(_("Enter valid JSON.")) from exc
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt(json.dumps(value, sort_keys=True))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), sort_keys=True)

    def formfield(self, **kwargs):
        return super(models.TextField, self).formfield(**{"form_class": forms.JSONField, **kwargs})


def lookup_digest(value: str) -> str:
    """A keyed hash of a value kept encrypted, for equality lookups (e.g. every call from one number).

    The key is derived from SECRET_KEY, so a stolen dump cannot be matched against a list of phone
    numbers; after SECRET_KEY changes, `manage.py rotate_keys` recomputes every digest.
    """
    if not value:
        return ""
    key = hashlib.sha256(f"firstline-lookup-key:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.strip().lower().encode(), hashlib.sha256).hexdigest()


def encrypted_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def reencrypt_model(model, *, batch_size: int = 500, digests: dict | None = None) -> int:
    """Rewrite every row of `model` whose encrypted fields are plain or not under the newest key,
    and every stale lookup digest (the model's DIGESTS: digest field -> source field).

    Works on historical models in migrations too (it needs only the field classes and
    `model.DIGESTS` if present). Batched by primary key; running it twice rewrites nothing.
    Returns how many rows it rewrote.
    """
    fields = encrypted_fields(model)
    digests = getattr(model, "DIGESTS", {}) if digests is None else digests
    if not fields:
        return 0
    columns = {name: model._meta.get_field(name).column for name in fields}
    pk = model._meta.pk
    rewritten, after = 0, None
    while True:
        rows = model._base_manager.order_by("pk")
        if after is not None:
            rows = rows.filter(pk__gt=after)
        batch = list(rows.values_list("pk", flat=True)[:batch_size])
        if not batch:
            return rewritten
        after = batch[-1]
        raw = _raw_rows(model, pk.column, list(columns.values()), batch)
        with transaction.atomic():
            for obj in model._base_manager.filter(pk__in=batch):
                stored = raw[_raw_key(obj.pk)]
                changes = {
                    name: getattr(obj, name)
                    for name, stored_value in zip(fields, stored, strict=True)
                    if needs_rewrite(stored_value)
                }
                for digest_field, source in digests.items():
                    fresh = lookup_digest(getattr(obj, source))
                    if getattr(obj, digest_field) != fresh:
                        changes[digest_field] = fresh
                if changes:
                    model._base_manager.filter(pk=obj.pk).update(**changes)
                    rewritten += 1


def _raw_key(value) -> str:
    return str(value).replace("-", "")


def _raw_rows(model, pk_column: str, columns: list[str], pks: list) -> dict:
    """The stored (encrypted or plain) text of `columns`, by primary key, read past the field classes."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    placeholders = ", ".join(["%s"] * len(pks))
    params = [model._meta.pk.get_db_prep_value(pk, connection) for pk in pks]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(pk_column)}, {', '.join(quote(c) for c in columns)} FROM {table} "  # noqa: S608
            f"WHERE {quote(pk_column)} IN ({placeholders})",
            params,
        )
        return {_raw_key(row[0]): row[1:] for row in cursor.fetchall()}
