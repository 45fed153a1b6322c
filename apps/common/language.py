"""Which language each request is answered in, chosen once here for pages, the API and emails alike.

In order: `?lang=xx` on the URL (a public page can be linked to in a language), the signed-in
person's own choice (User.language), this device's choice (the `django_language` cookie that
Django's set_language view writes: a shared tablet keeps its language), the browser's
Accept-Language, then settings.LANGUAGE_CODE. Paths never change with the language: they are a
contract (docs/i18n.md).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation

QUERY_PARAMETER = "lang"


def supported(code: str | None) -> str | None:
    """The supported language for a code such as 'es' or 'es-MX', or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.strip().lower())
    except LookupError:
        return None


def language_for(request) -> str:
    chosen = supported(request.GET.get(QUERY_PARAMETER))
    if chosen:
        return chosen
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        chosen = supported(getattr(user, "language", ""))
        if chosen:
            return chosen
    return translation.get_language_from_request(request)


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (Content-Language, Vary) with the person's and the URL's choice first.

    It sits after AuthenticationMiddleware so it can read the person's choice, and before every
    middleware that answers people (session guard, second factor), so their refusals are translated.
    When a signed-in person uses the language switch, their choice is remembered as theirs.
    """

    def process_request(self, request):
        translation.activate(language_for(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if request.method == "POST" and request.path == reverse("set_language") and response.status_code in (302, 204):
            self._remember(request)
        return super().process_response(request, response)

    @staticmethod
    def _remember(request) -> None:
        user = getattr(request, "user", None)
        chosen = supported(request.POST.get("language"))
        if user is None or not user.is_authenticated or not chosen:
            return
        from apps.accounts.services import user_language_set

        user_language_set(user=user, language=chosen)


def language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)
