"""Django's sign-in signals, turned into one audit row per attempt through every door.

The sign-in page, the admin's login and the API all call django.contrib.auth.authenticate/login, so
listening here is the one place that sees them all. django-axes listens to the same signals first
(it is installed before this app) and has counted the attempt by the time we record it.
"""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from apps.accounts.services import login_attempt_record


@receiver(user_logged_in, dispatch_uid="firstline-login-succeeded")
def login_succeeded(sender, request, user, **kwargs):
    login_attempt_record(request=request, username=user.get_username(), user=user)


@receiver(user_login_failed, dispatch_uid="firstline-login-failed")
def login_failed(sender, credentials, request=None, **kwargs):
    login_attempt_record(request=request, username=str(credentials.get("username") or ""))
