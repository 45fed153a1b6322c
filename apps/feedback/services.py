"""Writes about feedback and outreach: a message from the public form, a supervisor reviewing and
answering it, and outreach or training events recorded by supervisors. Each is audited."""

import hashlib
import hmac
import re
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.roles import is_responder, is_supervisor
from apps.accounts.selectors import user_team_id
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, Conflict, NotFound, PermissionRefused, TooManyAttempts
from apps.common.sms import SmsNotSent, send_sms
from apps.feedback import conf
from apps.feedback.models import (
    CommunityFeedback,
    FeedbackCard,
    FeedbackKind,
    FeedbackStatus,
    OutreachEvent,
    Reply,
    Theme,
)
from apps.incidents.models import Encounter

MESSAGE_LIMIT = 3000
CONTACT_LIMIT = 200


def count_address(address: str, *, bucket: str, limit: int, refusal: str) -> None:
    """At most `limit` posts an hour from one address into `bucket` (a hash of the address is the
    key, so the cache never holds the address itself)."""
    key = f"feedback:{bucket}:" + hashlib.sha256((address or "unknown").encode()).hexdigest()[:32]
    cache.add(key, 0, timeout=3600)
    try:
        sent = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        sent = 1
    if sent > limit:
        raise TooManyAttempts(refusal)


def _count_sender(address: str) -> None:
    count_address(
        address,
        bucket="sent",
        limit=conf.community_per_hour(),
        refusal=_("Thank you: we have several messages from this connection in the last hour. Please try again later."),
    )


def community_feedback_submit(
    *, kind: str, message: str, contact: str = "", language: str = "", address: str
) -> CommunityFeedback:
    """A message from the public form. Nothing identifies the sender but what they choose to write."""
    message, contact = (message or "").strip(), (contact or "").strip()
    errors = {}
    if kind not in FeedbackKind.values:
        errors["kind"] = [_("Choose compliment, concern or suggestion.")]
    if not message:
        errors["message"] = [_("Write your message.")]
    elif len(message) > MESSAGE_LIMIT:
        errors["message"] = [_("Keep it under %(limit)s characters.") % {"limit": MESSAGE_LIMIT}]
    if len(contact) > CONTACT_LIMIT:
        errors["contact"] = [_("Keep it under %(limit)s characters.") % {"limit": CONTACT_LIMIT}]
    if errors:
        raise ApplicationError(_("Please check the form."), extra=errors)
    _count_sender(address)
    with transaction.atomic():
        feedback = CommunityFeedback.objects.create(
            kind=kind, message=message, contact=contact, language=language[:10], received_at=timezone.now()
        )
        audit_record(actor=None, action="community_feedback.receive", obj=feedback, detail={"kind": kind})
    return feedback


def community_feedback_handle(
    *, actor, feedback: CommunityFeedback, status: str, answer: str = ""
) -> CommunityFeedback:
    """A supervisor marks a message reviewed, or answered with what was said or done. The first
    time each step happens is kept: the program's response time is measured from them."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only a supervisor handles community feedback."))
    if status not in FeedbackStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    answer = (answer or "").strip()
    if status == FeedbackStatus.ANSWERED and not answer:
        raise ValidationError({"answer": _("Write what was answered or done before marking it answered.")})
    now = timezone.now()
    with transaction.atomic():
        feedback.status, feedback.answer, feedback.handled_by = status, answer, actor
        if status in {FeedbackStatus.REVIEWED, FeedbackStatus.ANSWERED} and feedback.reviewed_at is None:
            feedback.reviewed_at = now
        if status == FeedbackStatus.ANSWERED and feedback.answered_at is None:
            feedback.answered_at = now
        feedback.save()
        audit_record(actor=actor, action="community_feedback.handle", obj=feedback, detail={"status": status})
    return feedback


def outreach_save(*, actor, event: OutreachEvent, changed: list[str] | None = None) -> OutreachEvent:
    """A supervisor records an outreach event or a call-center training session."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only a supervisor records outreach and training."))
    creating = event.pk is None
    if creating:
        event.recorded_by = actor
    event.full_clean()
    with transaction.atomic():
        event.save()
        audit_record(
            actor=actor,
            action="outreach.create" if creating else "outreach.update",
            obj=event,
            detail={"fields": sorted(changed or []), "kind": event.kind},
        )
    return event


# --- themes and review for publication: a supervisor reads the words (issue 17, item 6) --------------------


def _words_of(item) -> tuple[str, str]:
    """The audit name of a message or a card, and its words."""
    if isinstance(item, CommunityFeedback):
        return "community_feedback", item.message
    if isinstance(item, FeedbackCard):
        return "feedback_card", item.comment
    raise TypeError(item)


def feedback_themes_set(*, actor, item: CommunityFeedback | FeedbackCard, themes) -> CommunityFeedback | FeedbackCard:
    """A supervisor tags a message or a card's words with themes (none clears them)."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only a supervisor tags feedback with themes."))
    chosen = set(themes or [])
    if chosen - set(Theme.values):
        raise ValidationError({"themes": _("Choose themes from the list.")})
    name, _words = _words_of(item)
    ordered = [t for t in Theme.values if t in chosen]
    if ordered == list(item.themes or []):
        return item
    with transaction.atomic():
        item.themes = ordered
        item.save(update_fields=["themes"])
        if name == "community_feedback":
            audit_record(actor=actor, action="community_feedback.themes", obj=item, detail={"themes": ordered})
        else:
            audit_record(actor=actor, action="feedback_card.themes", obj=item, detail={"themes": ordered})
    return item


def feedback_text_publishable(
    *, actor, item: CommunityFeedback | FeedbackCard, publishable: bool
) -> CommunityFeedback | FeedbackCard:
    """A supervisor has read the words and found nothing that identifies anyone (publishable), or
    takes that back. Only words marked so appear outside the admin; who and when are kept."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only a supervisor reviews words for publication."))
    name, words = _words_of(item)
    if publishable and not (words or "").strip():
        raise ValidationError({"publishable": _("There are no words to publish.")})
    if bool(item.publishable_at) == bool(publishable):
        return item
    with transaction.atomic():
        item.publishable_at, item.publishable_by = (timezone.now(), actor) if publishable else (None, None)
        item.save(update_fields=["publishable_at", "publishable_by"])
        detail = {"publishable": bool(publishable)}
        if name == "community_feedback":
            audit_record(actor=actor, action="community_feedback.publishable", obj=item, detail=detail)
        else:
            audit_record(actor=actor, action="feedback_card.publishable", obj=item, detail=detail)
    return item


# --- feedback cards: the person served answers a few questions about one encounter --------------------

TOKEN_HASH = re.compile(r"^[0-9a-f]{64}$")
COMMENT_LIMIT = 2000
PHONE_DIGITS = (7, 15)


class CardExpired(ApplicationError):
    """The card's link is past its date."""

    status_code = 410


class CardAnswered(Conflict):
    """The card was answered already: it is answered once."""


def _may_issue_for(actor, encounter: Encounter) -> bool:
    if is_supervisor(actor):
        return True
    team_id = user_team_id(actor)
    if not is_responder(actor) or team_id is None:
        return False
    return team_id in {encounter.team_id, encounter.assignment.team_id if encounter.assignment_id else None}


def feedback_card_issue(
    *, actor, card_id, encounter_id, token_hash: str, issued_at: datetime | None = None
) -> FeedbackCard:
    """The tablet offered a card after an encounter (maybe offline, hours before this sync). Only the
    token's digest arrives; the link works for `conf.card_days()` days from when it was offered."""
    token_hash = (token_hash or "").strip().lower()
    if not TOKEN_HASH.match(token_hash):
        raise ApplicationError(
            _("The card's token digest is not valid."), extra={"token_hash": [_("64 hexadecimal characters.")]}
        )
    encounter = Encounter.objects.select_related("assignment").filter(pk=encounter_id).first()
    if encounter is None:
        raise NotFound(_("No such encounter."))
    if not _may_issue_for(actor, encounter):
        raise PermissionRefused(_("Only the team that met the person offers them a feedback card."))
    issued_at = issued_at or timezone.now()
    with transaction.atomic():
        if FeedbackCard.objects.filter(pk=card_id).exists():
            raise Conflict(_("A feedback card with this id exists already."))
        if FeedbackCard.objects.filter(token_hash=token_hash).exists():
            raise ApplicationError(_("Draw a new token for this card."), extra={"token_hash": [_("Already used.")]})
        card = FeedbackCard(
            id=card_id,
            encounter=encounter,
            team_id=encounter.team_id or (encounter.assignment.team_id if encounter.assignment_id else None),
            token_hash=token_hash,
            issued_at=issued_at,
            expires_at=issued_at + timedelta(days=conf.card_days()),
            issued_by=actor,
        )
        card.save(force_insert=True)
        audit_record(actor=actor, action="feedback_card.issue", obj=card, detail={"encounter": str(encounter.pk)})
    return card


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_phone(phone: str) -> str:
    raw = (phone or "").strip()
    digits = "".join(c for c in raw if c.isdigit())
    allowed = set("0123456789+-(). ")
    low, high = PHONE_DIGITS
    if not raw or set(raw) - allowed or not low <= len(digits) <= high:
        raise ApplicationError(
            _("Check the phone number."), extra={"phone": [_("Write a phone number: digits, with + for abroad.")]}
        )
    return ("+" if raw.startswith("+") else "") + digits


def feedback_card_text(*, actor, card_id, token: str, phone: str, link_base: str, language: str = "") -> FeedbackCard:
    """Send the card's link by text message. The number is handed to the SMS backend and forgotten:
    it is not stored, logged or audited. The token proves the tablet holds the card."""
    number = _clean_phone(phone)
    card = FeedbackCard.objects.select_related("encounter__assignment").filter(pk=card_id).first()
    if card is None or not hmac.compare_digest(card.token_hash, token_digest(token or "")):
        raise NotFound(_("This feedback card has not reached the server yet. Try again when the tablet has synced."))
    if not _may_issue_for(actor, card.encounter):
        raise PermissionRefused(_("Only the team that met the person offers them a feedback card."))
    if card.answered_at is not None:
        raise ApplicationError(_("This card was answered already."))
    if card.expires_at <= timezone.now():
        raise ApplicationError(_("This card has expired. Offer a new one."))
    if card.texts_sent >= conf.card_texts():
        raise ApplicationError(_("This card's link was already texted several times. Show the QR code instead."))
    suffix = "?lang=es" if (language or "").startswith("es") else ""
    link = f"{link_base.rstrip('/')}/f/{token}/{suffix}"
    with translation.override(language or None):
        body = _("How did we do? Four short questions, no name needed: %(link)s") % {"link": link}
    try:
        send_sms(to=number, body=body)
    except SmsNotSent:
        raise ApplicationError(_("The text message could not be sent. Show the QR code instead.")) from None
    with transaction.atomic():
        FeedbackCard.objects.filter(pk=card.pk).update(texts_sent=F("texts_sent") + 1)
        card.refresh_from_db(fields=["texts_sent"])
        audit_record(actor=actor, action="feedback_card.text", obj=card, detail={"texts_sent": card.texts_sent})
    return card


def feedback_card_answer(
    *,
    token: str,
    respect: str = "",
    needs_met: str = "",
    call_again: str = "",
    comment: str = "",
    language: str = "",
    address: str,
) -> FeedbackCard:
    """The person's answers, once. Unknown and malformed tokens are the same NotFound; every post
    counts against the address's hourly allowance first, so guessing links gets nowhere."""
    count_address(
        address,
        bucket="card",
        limit=conf.card_answers_per_hour(),
        refusal=_(
            "Thank you. We have received many answers from this connection in the last hour. "
            "Please try again in an hour."
        ),
    )
    replies = {"respect": respect or "", "needs_met": needs_met or "", "call_again": call_again or ""}
    comment = (comment or "").strip()
    allowed = {"", *Reply.values}
    errors = {name: [_("Choose one of the answers.")] for name, value in replies.items() if value not in allowed}
    if len(comment) > COMMENT_LIMIT:
        errors["comment"] = [_("Keep it under %(limit)s characters.") % {"limit": COMMENT_LIMIT}]
    if not errors and not comment and not any(replies.values()):
        errors["respect"] = [_("Answer at least one question, or write a few words.")]
    if errors:
        raise ApplicationError(_("Please check your answers."), extra=errors)
    with transaction.atomic():
        card = FeedbackCard.objects.select_for_update().filter(token_hash=token_digest(token or "")).first()
        if card is None:
            raise NotFound(_("We could not find this feedback card."))
        if card.answered_at is not None:
            raise CardAnswered(_("This card was answered already. Thank you."))
        if card.expires_at <= timezone.now():
            raise CardExpired(_("This feedback card has expired."))
        for name, value in replies.items():
            setattr(card, name, value)
        card.comment, card.language, card.answered_at = comment, language[:10], timezone.now()
        card.save(update_fields=["respect", "needs_met", "call_again", "comment", "language", "answered_at"])
        audit_record(actor=None, action="feedback_card.answer", obj=card, detail={"language": card.language})
    return card
