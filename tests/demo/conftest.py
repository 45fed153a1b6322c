"""One full `load_demo` for every test module in tests/demo/: committed, then flushed at the end."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

# When the one load began: the demo's calls hang off that moment, not off when a test runs (a load
# on a busy machine takes minutes).
STARTED: dict = {}


@pytest.fixture(scope="package")
def demo_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        try:
            out = StringIO()
            STARTED["at"] = timezone.now()
            call_command("load_demo", stdout=out)
            yield out.getvalue()
        finally:  # committed data must not leak into other test modules
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo_started_at(demo_output):
    return STARTED["at"]
