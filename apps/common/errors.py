"""Errors that services raise; every door turns them into the same answer (400/403/404/409)."""

from typing import Any


class ApplicationError(Exception):
    """A rule of the program refused the request; the message is shown to the person as written."""

    status_code = 400

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class PermissionRefused(ApplicationError):
    """The acting user may not do this, whatever the state of the record."""

    status_code = 403


class NotFound(ApplicationError):
    """The record does not exist, or the acting user may not know that it does."""

    status_code = 404


class TooManyAttempts(ApplicationError):
    """Too many tries in a row (sign-in lockout); the message says how long to wait."""

    status_code = 429


class Conflict(ApplicationError):
    """The record changed since the client read it; `extra` carries the server's copy."""

    status_code = 409


class CredentialsRefused(ApplicationError):
    """The request did not prove who (or which tablet) it comes from; signing in again may help."""

    status_code = 401
