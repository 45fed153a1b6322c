"""The language middleware: answers each request in the language apps/common/language.py picks, and
remembers a signed-in person's choice from the language switch as theirs (User.language, audited by
the accounts service). It never decides the order of choices itself.
"""

from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation

from apps.accounts.services import user_language_set
from apps.common.language import language_for, supported


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
        user_language_set(user=user, language=chosen)
