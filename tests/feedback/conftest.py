"""The tablet's fixtures (tests/field/conftest.py), for the feedback card offered from the tablet."""

from tests.field.conftest import field_app, tablet_device  # noqa: F401
