"""Security headers: the Content-Security-Policy, the Permissions-Policy per path, and caching.

apps/common/headers.py and docs/security/headers-and-sessions.md. No inline script or style anywhere:
values a page's script needs travel in data attributes or json_script blocks. Imported by base.py.
"""

from urllib.parse import urlsplit

from config.settings.environment import env_list
from config.settings.program import FIRSTLINE_MAP_TILE_URL


def tile_source(url: str | None) -> list[str]:
    """The map tile host as a CSP source: scheme://host[:port], with a {s} subdomain as a wildcard."""
    if not url:
        return []
    parts = urlsplit(url)
    host = ".".join("*" if "{" in label else label for label in parts.netloc.split("."))
    return [f"{parts.scheme}://{host}"] if parts.scheme in {"http", "https"} and host else []


_SELF = "'self'"
_NONE = "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, *tile_source(FIRSTLINE_MAP_TILE_URL)],
        # 'self' plus ws:// and wss:// of the host that served the page, added per request.
        "connect-src": [_SELF],
        "font-src": [_SELF],
        "manifest-src": [_SELF],
        "worker-src": [_SELF],
        "object-src": [_NONE],
        "frame-src": [_NONE],
        "frame-ancestors": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
    },
}
# Browser features each page may use: geolocation only where the field app runs.
FIRSTLINE_PERMISSIONS_POLICY = {
    "accelerometer": "()",
    "autoplay": "()",
    "camera": "()",
    "display-capture": "()",
    "geolocation": "()",
    "gyroscope": "()",
    "magnetometer": "()",
    "microphone": "()",
    "midi": "()",
    "payment": "()",
    "usb": "()",
}
FIRSTLINE_PERMISSIONS_POLICY_BY_PATH = {"/field/": {"geolocation": "(self)"}}
# API paths that hold no personal data and may be cached; every other /api/ answer is no-store.
FIRSTLINE_CACHEABLE_API_PREFIXES = env_list("FIRSTLINE_CACHEABLE_API_PREFIXES", "/api/hsds/")
