"""Test-only: django-axes' lockout backend, minus its refusal of Django's test client `login()`.

`Client.login()` calls authenticate without a request, which axes refuses with an exception. No door
of the program does that (tests/accounts/test_lockout.py drives the real doors), so config.settings.test
lets that one call through to the password check instead.
"""

from axes.backends import AxesStandaloneBackend


class LockoutBackendForTestClient(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
