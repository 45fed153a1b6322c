"""Pages of signing in: the lockout answer, and enrolling or giving a second factor.

Thin doors: every decision is in apps.accounts.services and selectors.
"""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe

from apps.accounts import selectors, services
from apps.common.errors import ApplicationError


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in on the page and admin doors (AXES_LOCKOUT_CALLABLE)."""
    message = services.locked_out_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/"
    return target


def _qr_svg(text: str) -> str:
    return segno.make(text, error="m").svg_inline(scale=5)


@login_required
def second_factor(request):
    """Enroll (no device yet) or verify (a device exists) the second factor for this session.

    Only roles listed in FIRSTLINE_MFA_ROLES come here; anyone else is sent on to where they were going.
    """
    state = selectors.second_factor_state(request.user, request.session)
    next_url = _next_url(request)
    if state in ("verified", "not_required"):
        return redirect(next_url)
    error = None
    if request.method == "POST":
        try:
            if state == "verify":
                services.second_factor_verify(request=request, code=request.POST.get("code", ""))
            else:
                services.second_factor_enrollment_confirm(request=request, code=request.POST.get("code", ""))
        except ApplicationError as refusal:
            error = refusal.message
        else:
            return redirect(next_url)
    context = {"state": state, "error": error, "next": next_url}
    if state != "verify":
        device, codes = services.second_factor_enrollment_start(user=request.user)
        context.update(
            secret=b32encode(device.bin_key).decode("ascii"),
            qr_svg=mark_safe(_qr_svg(device.config_url)),  # noqa: S308 (SVG we generated, no user text)
            recovery_codes=codes,
        )
    status = 400 if error else 200
    return render(request, "accounts/second_factor.html", context, status=status)


@login_required
def language(request):
    """A person's own language for every screen, on any device they sign in to."""
    error = None
    if request.method == "POST":
        try:
            services.user_language_set(user=request.user, language=request.POST.get("language", ""))
        except ApplicationError as refusal:
            error = refusal.message
        else:
            return redirect(_next_url(request) if request.POST.get("next") else "language")
    context = {"languages": settings.LANGUAGES, "error": error, "next": request.GET.get("next", "")}
    return render(request, "accounts/language.html", context, status=400 if error else 200)
