"""Which language each request is answered in, chosen once here for pages, the API and emails alike.

In order: `?lang=xx` on the URL (a public page can be linked to in a language), the signed-in
person's own choice (User.language), this device's choice (the `django_language` cookie that
Django's set_language view writes: a shared tablet keeps its language), the browser's
Accept-Language, then settings.LANGUAGE_CODE. Paths never change with the language: they are a
contract (docs/i18n.md). The middleware that applies this order and remembers a signed-in person's
choice is apps/accounts/language.py: saving the choice is the accounts service's job.
"""

from django.conf import settings
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


def language_choices() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)
