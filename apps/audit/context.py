"""Which door a request came through and from where, so services can audit without being told."""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from apps.audit.models import Door
from apps.common.net import client_address


@dataclass(frozen=True)
class AccessContext:
    door: str = Door.COMMAND
    ip: str | None = None


_current: contextvars.ContextVar[AccessContext] = contextvars.ContextVar(
    "firstline_access_context",
    default=AccessContext(),  # noqa: B039 (frozen)
)


def current_context() -> AccessContext:
    return _current.get()


@contextmanager
def access_context(*, door: str, ip: str | None = None) -> Iterator[AccessContext]:
    context = AccessContext(door=door, ip=ip)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def door_for_path(path: str) -> str:
    if path.startswith("/admin/"):
        return Door.ADMIN
    if path.startswith(("/api/", "/open311/")):
        return Door.API
    return Door.PAGE


def client_ip(meta: dict) -> str | None:
    """The real client address (apps.common.net): trusted proxies only, always a valid IP or None."""
    return client_address(meta)
