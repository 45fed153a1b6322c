"""Pages of signing in: the landing page that sends each role to its own screen, the lockout answer,
and enrolling or giving a second factor.

Thin doors: every decision is in apps.accounts.services and selectors.
"""

from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp_webauthn.templatetags.otp_webauthn import get_configuration as webauthn_configuration

from apps.accounts import selectors, services
from apps.accounts.roles import Role, may_enter_admin, may_keep_funding, may_read_funding_totals
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


def _passkey_step(request, *, done_url: str) -> dict:
    """What the passkey part of a page needs: the name waiting for its key, and where to go after."""
    return {
        "passkey_name": request.session.get(services.PASSKEY_NAME_SESSION_KEY),
        "passkey_done_url": done_url,
        "webauthn_config": webauthn_configuration(request),
    }


def _choose_passkey_name(request) -> str | None:
    """The name form's POST: remember the name (the page then shows the button that creates the key)."""
    try:
        services.passkey_name_choose(request=request, name=request.POST.get("passkey_name", ""))
    except ApplicationError as refusal:
        return refusal.message
    return None


@login_required
def second_factor(request):
    """Enroll (no device yet) or verify (a device exists) the second factor for this session.

    Enrolling is with the authenticator app or with a passkey or security key; verifying takes a
    code or a key. Only roles listed in FIRSTLINE_MFA_ROLES come here; anyone else is sent on.
    """
    state = selectors.second_factor_state(request.user, request.session)
    next_url = _next_url(request)
    if state in ("verified", "not_required"):
        return redirect(next_url)
    error = None
    if request.method == "POST" and "passkey_name" in request.POST and state == "enroll":
        error = _choose_passkey_name(request)
        if error is None:
            return redirect(f"{request.path}?{urlencode({'next': next_url})}#passkey")
    elif request.method == "POST":
        try:
            if state == "verify":
                services.second_factor_verify(request=request, code=request.POST.get("code", ""))
            else:
                services.second_factor_enrollment_confirm(request=request, code=request.POST.get("code", ""))
        except ApplicationError as refusal:
            error = refusal.message
        else:
            return redirect(next_url)
    context = {"state": state, "error": error, "next": next_url, **_passkey_step(request, done_url=next_url)}
    if state == "verify":
        context["has_passkeys"] = selectors.passkeys_of(request.user).exists()
    else:
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


@login_required
def second_factors(request):
    """Your second factors: see them, add a passkey or security key, remove one (not the last)."""
    state = selectors.second_factor_state(request.user, request.session)
    if state != "verified":
        if state == "not_required":
            return redirect("/")
        return redirect("/accounts/second-factor/?" + urlencode({"next": request.path}))
    error = None
    if request.method == "POST":
        try:
            if "passkey_name" in request.POST:
                services.passkey_name_choose(request=request, name=request.POST.get("passkey_name", ""))
                return redirect(f"{request.path}#passkey")
            services.passkey_remove(request=request, passkey_id=request.POST.get("remove", ""))
        except ApplicationError as refusal:
            error = refusal.message
        else:
            return redirect(request.path)
    context = {
        "summary": selectors.second_factor_summary(request.user),
        "error": error,
        **_passkey_step(request, done_url=request.path),
    }
    return render(request, "accounts/second_factors.html", context, status=400 if error else 200)


HOME_FOR_ROLE = {
    Role.RESPONDER: "/field/",
    Role.DISPATCHER: "/board/",
    Role.CALL_TAKER: "/intake/screen/",
    Role.SUPERVISOR: "/admin/",
    Role.ADMINISTRATOR: "/admin/",
    Role.PARTNER: "/partners/",
    Role.ANALYST: "/insights/",
}


# What a role without a screen of its own (finance staff) can open from its start page (an analyst's
# own screen is /insights/, whose menu links the same pages):
# (address, name, what it is for, who may open it). The rules are the pages' own, from roles.py.
SCREENS = [
    (
        "/funding/",
        _("Funding and the cost of the program"),
        _("Calls, people served and spending against the budget, for any period."),
        may_read_funding_totals,
    ),
    (
        "/admin/funding/",
        _("Budgets, sources and spending"),
        _("Enter budget versions, funding sources and spending in the admin."),
        may_enter_admin,
    ),
    ("/funding/billable/", _("Billable encounters"), _("Encounters that meet a payer's criteria."), may_keep_funding),
    ("/funding/import/", _("Import spending"), _("Add the program's spending from a spreadsheet."), may_keep_funding),
    (
        "/public/budget/",
        _("The program's budget"),
        _("The public transparency page: anyone may read it, signed in or not."),
        lambda user: True,
    ),
]


@login_required
def home(request):
    target = HOME_FOR_ROLE.get(request.user.role)
    if target:
        return redirect(target)
    screens = [
        {"url": url, "name": name, "about": about} for url, name, about, may_open in SCREENS if may_open(request.user)
    ]
    return render(request, "home.html", {"screens": screens})
