"""Screening reasons in the reader's language.

A decision stores its reasons in English, as the policy engine wrote them (they are data: audited,
exported in EIDO, compared by the engine itself). Pages and the screening API show them through
here: each sentence the engine writes is recognised and rebuilt from the catalog, with the call type
in the reader's language (its `names`, else the catalog), and the response and the questions it
names translated too when the catalog knows them (the demo's vocabulary); anything else is shown as
stored.
"""

import re

from django.utils import translation
from django.utils.translation import gettext as _

from apps.incidents.models import CallType
from apps.intake.models import ResponseType


def _term(text: str) -> str:
    return _(text) if text else text


def _call_type(name: str) -> str:
    """A call type the engine named (by its English name): its name in the reader's language."""
    call_type = CallType.objects.filter(name=name).first()
    if call_type is not None and call_type.shown_name() != call_type.name:
        return call_type.shown_name()
    return _term(name)


def _question(text: str) -> str:
    """A question the engine quoted without its question mark, translated the same way."""
    for candidate in (f"{text}?", f"{text}.", text):
        translated = _(candidate)
        if translated != candidate:
            return translated.strip("¿?.")
    return text


def _response(label: str) -> str:
    """A response as the engine wrote it (its English label, lower case), in the reader's words."""
    with translation.override("en"):
        values = {str(english).lower(): value for value, english in ResponseType.choices}
    value = values.get(label)
    return str(ResponseType(value).label).lower() if value else label


def _questions(joined: str) -> str:
    return "; ".join(_question(part) for part in joined.split("; "))


PATTERNS = [
    (
        re.compile(r"^(?P<call_type>.+) calls are taken: (?P<response>.+)\.$"),
        lambda m: (
            _("%(call_type)s calls are taken: %(response)s.")
            % {"call_type": _call_type(m["call_type"]), "response": _response(m["response"])}
        ),
    ),
    (
        re.compile(r"^(?P<call_type>.+) calls are not taken under policy v(?P<version>\d+)\.$"),
        lambda m: (
            _("%(call_type)s calls are not taken under policy v%(version)s.")
            % {"call_type": _call_type(m["call_type"]), "version": m["version"]}
        ),
    ),
    (
        re.compile(r"^Not answered, treated as yes: (?P<reason>.+)$"),
        lambda m: _("Not answered, treated as yes: %(reason)s") % {"reason": _term(m["reason"])},
    ),
    (
        re.compile(r"^Not yet safe to decide: no answer to (?P<questions>.+)\.$"),
        lambda m: _("Not yet safe to decide: no answer to %(questions)s.") % {"questions": _questions(m["questions"])},
    ),
    (
        re.compile(r"^Not asked or unknown: (?P<questions>.+)\.$"),
        lambda m: _("Not asked or unknown: %(questions)s.") % {"questions": _questions(m["questions"])},
    ),
]


def reason_text(reason: str) -> str:
    """One stored screening reason, as the reader reads it."""
    if not reason:
        return ""
    for pattern, build in PATTERNS:
        match = pattern.match(reason)
        if match:
            return build(match)
    return _term(reason)


def reasons_text(reasons: list[str]) -> list[str]:
    """A decision's or an evaluation's reasons, as the reader reads them."""
    return [reason_text(reason) for reason in reasons]
