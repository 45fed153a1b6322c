"""The app shell, its manifest and its service worker.

The shell holds no personal data and no per-user content, because the service worker caches it
and shows it with no network; everything about people arrives through the API into IndexedDB.
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.http import require_GET

STATIC_DIR = Path(settings.BASE_DIR) / "static" / "field"
COMMON_DIR = Path(settings.BASE_DIR) / "static" / "common"
TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates" / "field"
LOCALE_DIR = Path(settings.BASE_DIR) / "locale"

# Files the service worker stores at install so the app opens with no network.
SHELL_STATIC = [
    "css/firstline.css",
    "field/field.css",
    "field/shell.js",
    "field/store.js",
    "field/app.js",
    "field/state.js",
    "field/net.js",
    "field/live.js",
    "field/session.js",
    "field/encounters.js",
    "field/views.js",
    "field/form.js",
    "field/resources.js",
    "field/emergency.js",
    "field/newcall.js",
    "field/position.js",
    "field/premise.js",
    "field/coresponse.js",
    "field/checkin.js",
    "field/questions.js",
    "field/card.js",
    "vendor/qrcode-generator/qrcode.js",
    "common/api.js",
    "common/stream.js",
    "common/format.js",
    "common/coresponse.js",
    "common/i18n.js",
    "field/icons/icon-192.png",
    "field/icons/icon-512.png",
]


def shell_catalogs() -> list[str]:
    """The JavaScript catalog of each language the program is translated into, so the tablet can
    switch language with no network (English is the source and needs none)."""
    return [
        f"/jsi18n/?lang={code}"
        for code, _name in settings.LANGUAGES
        if not code.startswith("en") and (LOCALE_DIR / code / "LC_MESSAGES" / "djangojs.po").exists()
    ]


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for folder in (STATIC_DIR, COMMON_DIR, TEMPLATE_DIR, LOCALE_DIR):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


_cached_fingerprint = lru_cache(maxsize=1)(_fingerprint)


def shell_version() -> str:
    """Changes whenever a shell file changes, so tablets fetch the new shell on their next visit."""
    return _fingerprint() if settings.DEBUG else _cached_fingerprint()


def _no_cache(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def app_shell(request):
    context = {"version": shell_version(), "sw_url": "/field/sw.js"}
    return _no_cache(render(request, "field/app.html", context))


@require_GET
def manifest(request):
    body = {
        "name": f"{settings.FIRSTLINE_PROGRAM_NAME} — Field",
        "short_name": "Firstline Field",
        "description": "Calls, field notes and resources for responders, online or offline.",
        "id": "/field/",
        "start_url": "/field/",
        "scope": "/field/",
        "display": "standalone",
        "orientation": "any",
        "background_color": "#ffffff",
        "theme_color": "#0b0c0e",
        "icons": [
            {"src": static("field/icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("field/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {
                "src": static("field/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return _no_cache(HttpResponse(json.dumps(body), content_type="application/manifest+json"))


@require_GET
def service_worker(request):
    version = shell_version()
    shell = ["/field/", "/field/manifest.webmanifest"] + [static(path) for path in SHELL_STATIC] + shell_catalogs()
    body = render_to_string(
        "field/sw.js",
        {
            "version_json": json.dumps(version),
            "shell_json": json.dumps(shell),
            "store_json": json.dumps(static("field/store.js")),
        },
        request=request,
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/field/"
    return _no_cache(response)
