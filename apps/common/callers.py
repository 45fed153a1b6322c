"""What a call carries about the caller, made safe to store: a callback in E.164, bounded text, a language.

Every door (EIDO, Open311, the screening page, the JSON API, the incident API) reaches these rules
through the incident and intake services, so a callback of "not a phone" or a 5,000-character
summary is refused the same way wherever it comes from. Text is kept as text: it is never cleaned
into HTML here, and templates and the board escape it when they show it.
"""

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.common.errors import ApplicationError

# Longest text the program stores per field; forms and serializers use the same numbers.
SUMMARY_MAX = 2000
LOCATION_MAX = 300
CALLER_NAME_MAX = 120
CALLER_NOTES_MAX = 5000
SAFETY_NOTES_MAX = 2000
CALLBACK_INPUT_MAX = 60
LANGUAGE_MAX = 40

# The languages a call-taker picks from: (ISO 639-1 or sign-language code, ISO 639-3, name).
# Names in English (EIDO and Open311 carry them so); pages translate them: {% translate name %}.
LANGUAGES = [
    ("en", "eng", gettext_noop("English")),
    ("es", "spa", gettext_noop("Spanish")),
    ("vi", "vie", gettext_noop("Vietnamese")),
    ("zh", "zho", gettext_noop("Chinese")),
    ("tl", "tgl", gettext_noop("Tagalog")),
    ("ko", "kor", gettext_noop("Korean")),
    ("ar", "ara", gettext_noop("Arabic")),
    ("ru", "rus", gettext_noop("Russian")),
    ("fr", "fra", gettext_noop("French")),
    ("ht", "hat", gettext_noop("Haitian Creole")),
    ("so", "som", gettext_noop("Somali")),
    ("ase", "ase", gettext_noop("American Sign Language")),
]


def phone_region() -> str:
    """Where a number without a country code is dialled from (a program setting; default US)."""
    return str(getattr(settings, "FIRSTLINE_PHONE_REGION", "US")).upper()


def callback_e164(raw, *, field: str = "callback") -> str:
    """A callback number in E.164 ('+13035550100'), '' when none was given.

    Takes what people and systems write: '303-555-0100', '(303) 555 0100', '+1 303 555 0100',
    'tel:+13035550100', 'tel:3035550100;phone-context=…'. Anything that is not a valid number of a
    real numbering plan is refused with the field named, so a bad number never reaches the board.
    """
    text = str(raw or "").strip()
    if not text:
        return ""
    if len(text) > CALLBACK_INPUT_MAX:
        raise ApplicationError(
            _("That callback number is too long."),
            extra={field: [_("At most %(limit)d characters.") % {"limit": CALLBACK_INPUT_MAX}]},
        )
    if text.lower().startswith("tel:"):
        text = text[4:].split(";", 1)[0]
    try:
        number = phonenumbers.parse(text, phone_region())
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ApplicationError(
            _("That callback is not a phone number."),
            extra={
                field: [
                    _("'%(given)s' is not a phone number (e.g. 303-555-0100 or +1 303 555 0100).")
                    % {"given": str(raw)[:40]}
                ]
            },
        )
    if number.extension:
        raise ApplicationError(
            _("Give the callback without an extension."),
            extra={field: [_("Put the extension in the notes; the callback is the number alone.")]},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def callback_display(e164: str) -> str:
    """How a stored callback reads to a person in this program's region ('(303) 555-0100')."""
    try:
        number = phonenumbers.parse(e164, phone_region())
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == phone_region():
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def bounded(value, *, field: str, limit: int, label: str) -> str:
    """The text stripped, or a field error if it is longer than the program stores."""
    text = str(value or "").strip()
    if len(text) > limit:
        raise ApplicationError(
            _("%(label)s is too long.") % {"label": label},
            extra={
                field: [_("At most %(limit)d characters (%(given)d given).") % {"limit": limit, "given": len(text)}]
            },
        )
    return text


def language_code(value) -> str:
    """A caller's language as the program records it: 'es' for 'es', 'spa', 'Spanish' or 'es-MX'.

    A language outside the list is kept as given (lower case, bounded), so nothing the caller
    said is lost; it simply matches no team capability.
    """
    text = str(value or "").strip().lower()
    if not text:
        return ""
    base = text.replace("_", "-").split("-", 1)[0]
    for short, long, name in LANGUAGES:
        if base in {short, long} or text == name.lower():
            return short
    return text[:LANGUAGE_MAX]


def language_name(code: str) -> str:
    return next((name for short, _long, name in LANGUAGES if short == code), code)


def language_iso639_3(code: str) -> str | None:
    """The ISO 639-3 code NENA's EIDO carries for a recorded language, if the program knows it."""
    return next((long for short, long, _name in LANGUAGES if short == code), None)


def language_capabilities(code: str) -> list[str]:
    """Team capabilities that mean a team speaks this language (a program setting; Spanish by default)."""
    mapping = getattr(settings, "FIRSTLINE_LANGUAGE_CAPABILITIES", {"es": "spanish"})
    found = mapping.get(code)
    return [found] if isinstance(found, str) else list(found or [])
