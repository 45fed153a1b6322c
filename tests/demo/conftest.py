"""One full `load_demo` for every test module in tests/demo/: committed, then flushed at the end."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture(scope="package")
def demo_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            out = StringIO()
            call_command("load_demo", stdout=out)
            yield out.getvalue()
        finally:  # committed data must not leak into other test modules
            call_command("flush", interactive=False, verbosity=0)
