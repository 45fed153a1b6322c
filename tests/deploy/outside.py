"""The outside clients of the production test (tests/deploy/test_production.py): plain HTTP with a
cookie jar, CSRF and the proxy's https header, as a browser behind nginx; and a real websocket that
waits for one event.
"""

import asyncio
import json
import urllib.error
import urllib.request
from http.cookies import SimpleCookie

from websockets.asyncio.client import connect

PASSWORD = "production-test-password"  # a throwaway account in a throwaway database
HTTPS = {"X-Forwarded-Proto": "https"}


class Browser:
    """Plain HTTP with a cookie jar, CSRF and the proxy's https header, against one web process."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect())

    def request(self, method: str, path: str, body=None, headers=None, proxied: bool = True):
        headers = {**(HTTPS if proxied else {}), **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
            headers["Origin"] = self.base.replace("http://", "https://")
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)  # noqa: S310
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        response.content = response.read()
        return response

    def sign_in(self, username: str, **tablet) -> "Browser":
        """Sign in through the API; a responder names the enrolled tablet (`device`, `device_key`)."""
        self.request("GET", "/accounts/login/")
        response = self.request("POST", "/api/v1/auth/login/", {"username": username, "password": PASSWORD, **tablet})
        assert response.status == 200, response.content
        return self


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


async def first_event(url: str, cookie: str, stream: str, kind: str, action, timeout: float) -> dict:
    """Follow `stream` from its head over a real websocket, run `action`, wait for an event of `kind`."""
    origin = url.replace("ws://", "https://").split("/ws/")[0]
    headers = {"Cookie": f"sessionid={cookie}", "X-Forwarded-Proto": "https"}
    async with connect(url, origin=origin, additional_headers=headers, open_timeout=10, ping_interval=None) as ws:
        await ws.send(json.dumps({"type": "hello", "cursors": {stream: None}}))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        acted = False
        seen = []
        while loop.time() < deadline:
            try:
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout=max(0.1, deadline - loop.time())))
            except TimeoutError:
                break
            seen.append(message)
            if message["type"] == "welcome" and not acted:
                acted = True
                await asyncio.to_thread(action)
            elif message["type"] == "event" and message["kind"] == kind:
                return message
        raise AssertionError(f"no {kind} event on {stream} within {timeout}s; saw {seen}")
