"""Field encryption: what reaches the database is ciphertext, old keys still read, plain rows read."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from apps.common import crypto


def test_round_trip_and_ciphertext_hides_the_text(settings):
    settings.FIRSTLINE_FIELD_KEYS = [Fernet.generate_key().decode()]
    stored = crypto.encrypt("on methadone, lives at 12 Elm")
    assert stored.startswith(crypto.PREFIX)
    assert "methadone" not in stored
    assert crypto.decrypt(stored) == "on methadone, lives at 12 Elm"


def test_rotation_reads_old_keys_and_flags_rows_to_rewrite(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIRSTLINE_FIELD_KEYS = [old]
    stored = crypto.encrypt("narrative")
    settings.FIRSTLINE_FIELD_KEYS = [new, old]
    assert crypto.decrypt(stored) == "narrative"
    assert crypto.needs_rewrite(stored)
    assert not crypto.needs_rewrite(crypto.encrypt("narrative"))
    assert crypto.needs_rewrite("plain text written before encryption")
    settings.FIRSTLINE_FIELD_KEYS = [new]
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(stored)


def test_plain_rows_still_read_and_empty_stays_empty():
    field = crypto.EncryptedTextField()
    assert field.from_db_value("written before", None, None) == "written before"
    assert field.get_prep_value("") == ""
    assert field.get_prep_value(None) is None


def test_production_style_settings_refuse_to_run_without_keys(settings):
    settings.FIRSTLINE_FIELD_KEYS = []
    settings.FIRSTLINE_FIELD_KEYS_REQUIRED = True
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")
