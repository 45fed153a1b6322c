"""A served process loads its URL map and sets its startup objects aside from the garbage collector
(apps/common/startup.py), so requests do not pay for walking the whole program on each full pass."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils.functional import SimpleLazyObject
from django_otp.middleware import OTPMiddleware

from apps.accounts.models import User
from apps.accounts.selectors import acting_user

ROOT = Path(__file__).resolve().parents[2]

COUNT_FROZEN = """
import gc, sys
before = gc.get_freeze_count()
import config.{module}
print(before, gc.get_freeze_count(), 'django.urls.resolvers' in sys.modules)
"""


@pytest.mark.parametrize("module", ["asgi", "wsgi"])
def test_a_served_process_freezes_what_it_loaded(module):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", COUNT_FROZEN.format(module=module)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    before, after = int(out[-3]), int(out[-2])
    assert before == 0
    assert after > 50_000  # the program's modules, models and URL patterns
    assert out[-1] == "True"


@pytest.mark.django_db
def test_acting_user_is_the_user_behind_the_requests_stand_in():
    user = User.objects.create_user(username="stand-in", password="long-enough-password-1", role="responder")
    lazy = SimpleLazyObject(lambda: user)
    assert acting_user(lazy) is lazy  # not yet looked up: left as it is
    assert lazy.pk == user.pk
    assert acting_user(lazy) is user
    assert type(acting_user(lazy)) is User
    assert acting_user(user) is user
    anonymous = SimpleLazyObject(AnonymousUser)
    assert not anonymous.is_authenticated
    assert acting_user(anonymous) is anonymous


@pytest.mark.django_db
def test_acting_user_sees_through_every_stand_in_a_request_carries():
    """django-otp wraps the session's lazy user in a lazy user of its own: two proxies to see through."""
    user = User.objects.create_user(username="stand-in-2", password="long-enough-password-1", role="responder")
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    request = RequestFactory().get("/", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={cookie}")
    seen = {}

    def view(request):
        seen["user"] = request.user
        return HttpResponse()

    SessionMiddleware(AuthenticationMiddleware(OTPMiddleware(view)))(request)
    stand_in = seen["user"]
    assert isinstance(stand_in, SimpleLazyObject)
    assert stand_in.pk == user.pk
    assert type(acting_user(stand_in)) is User
    assert acting_user(stand_in).pk == user.pk
