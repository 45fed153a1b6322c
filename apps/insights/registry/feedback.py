"""The measures of listening (issue 17, item 6): the feedback cards of the people served, community
feedback, outreach and call-center training, and partners' word on the handoff of a referral.
Read from apps.feedback and apps.followups directly (reader "feedback"), not from the rollups: a
program records a few thousand of these a year. None of them reads a comment, a message's words,
a contact or a note."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.insights.registry.base import count, duration, share

FEEDBACK = ("feedback.CommunityFeedback",)
OUTREACH = ("feedback.OutreachEvent",)
HANDOFF = ("followups.Referral", "resources.Organization")
PERIODS = ("week", "month")
HANDOFF_BREAKDOWNS = ("week", "month", "partner")
CARDS = ("feedback.FeedbackCard", "incidents.Encounter", "incidents.Incident")
CARD_BREAKDOWNS = ("week", "month", "team", "call_type")
# The feedback card's questions (apps.feedback.selectors.CARD_QUESTIONS) and their names here.
CARD_QUESTIONS = ("respect", "needs_met", "call_again")
CARD_SCORES = {
    "respect": (_("Treated with respect (score)"), _("treated with respect")),
    "needs_met": (_("Got what they needed (score)"), _("got what they needed")),
    "call_again": (_("Would call again (score)"), _("would call again")),
}
# The kinds of community feedback (apps.feedback.models.FeedbackKind) and of outreach (OutreachKind).
FEEDBACK_KINDS = ("compliment", "concern", "suggestion")
OUTREACH_KINDS = ("community", "call_center_training")
RESPONSE_RULE = _(
    "Minutes are counted whole and rounded up; the median (p50) and the 90th percentile (p90) are the "
    "nearest-rank values. Messages nobody has responded to yet are left out."
)


def _feedback_count(key, name, definition, formula, counter, privacy="public"):
    return count(
        key, name, definition, formula, unit="messages", sources=FEEDBACK, privacy=privacy,
        breakdowns=PERIODS, counter=counter, reader="feedback",
    )  # fmt: skip


def _outreach_count(key, name, definition, formula, counter, unit):
    return count(
        key, name, definition, formula, unit=unit, sources=OUTREACH, privacy="public",
        breakdowns=PERIODS, counter=counter, reader="feedback",
    )  # fmt: skip


def _card_score(question: str):
    name, words = CARD_SCORES[question]
    return share(
        f"card_{question}_score",
        name,
        format_lazy(
            _(
                "How the people served answered whether they were {question}, on the cards issued in the period: "
                "yes counts 100, partly 50, no 0, averaged over the answers given."
            ),
            question=words,
        ),
        _("(yes + ½ partly) ÷ answers × 100"),
        sources=CARDS,
        privacy="program",
        breakdowns=CARD_BREAKDOWNS,
        counter=f"cards_{question}_points",
        base=f"cards_{question}_double",
        records=f"cards_{question}_answers",
        reader="feedback",
    )


THEMED = ("feedback.CommunityFeedback", "feedback.FeedbackCard")
ANSWERS = ("questions.Question", "incidents.EncounterVersion", "incidents.Incident")

MEASURES = [
    count(
        "feedback_themes",
        _("Themes in feedback"),
        _(
            "The themes supervisors tagged on community feedback and on the words written on feedback cards, "
            "on the local day the message arrived or the card was answered. One message may carry several "
            "themes; messages nobody has tagged are not counted."
        ),
        _("count of theme tags on messages and cards in the period"),
        unit="tags",
        sources=THEMED,
        privacy="program",
        breakdowns=("week", "month", "theme"),
        counter="themes",
        reader="feedback",
    ),
    count(
        "question_answers",
        _("Answers to the program's encounter questions"),
        _(
            "Answers given to the questions the program added to the encounter form, on the local day the "
            "encounter was recorded, in each encounter's current version. A question answered with several "
            "choices counts once; short-text answers count as answered and are never shown."
        ),
        _("count of questions answered on encounters recorded in the period"),
        unit="answers",
        sources=ANSWERS,
        privacy="program",
        breakdowns=("week", "month", "call_type", "question"),
        counter="question_answers",
        reader="feedback",
    ),
    count(
        "cards_issued",
        _("Feedback cards offered"),
        _("Feedback cards a team offered after an encounter, on the local day they were issued."),
        _("count of cards issued in the period"),
        unit="cards",
        sources=CARDS,
        privacy="program",
        breakdowns=CARD_BREAKDOWNS,
        counter="cards_issued",
        reader="feedback",
    ),
    share(
        "card_response_rate",
        _("Feedback cards answered"),
        _("Of the feedback cards issued in the period, the share the person served answered."),
        _("answered ÷ issued × 100"),
        sources=CARDS,
        privacy="program",
        breakdowns=CARD_BREAKDOWNS,
        counter="cards_answered",
        base="cards_issued",
        reader="feedback",
    ),
    *(_card_score(q) for q in CARD_QUESTIONS),
    _feedback_count(
        "community_feedback",
        _("Community feedback received"),
        _("Messages sent through the public feedback form, counted on the local day they arrived."),
        _("count of messages received in the period"),
        "feedback",
    ),
    _feedback_count(
        "community_compliments",
        _("Compliments received"),
        _("Messages through the public feedback form sent as a compliment."),
        _("count of compliments received in the period"),
        "feedback_compliment",
    ),
    _feedback_count(
        "community_concerns",
        _("Concerns received"),
        _("Messages through the public feedback form sent as a concern."),
        _("count of concerns received in the period"),
        "feedback_concern",
    ),
    _feedback_count(
        "community_suggestions",
        _("Suggestions received"),
        _("Messages through the public feedback form sent as a suggestion."),
        _("count of suggestions received in the period"),
        "feedback_suggestion",
    ),
    _feedback_count(
        "community_feedback_answered",
        _("Community feedback answered"),
        _("Of the messages received in the period, those the program has answered (so far)."),
        _("count of messages received in the period with an answer"),
        "feedback_answered",
        privacy="program",
    ),
    duration(
        "community_feedback_response",
        _("Time to respond to community feedback"),
        _("From a message's arrival to the program's first response (a supervisor reviewed it)."),
        _("p50 / p90 of reviewed − received, messages received in the period"),
        sources=FEEDBACK,
        privacy="program",
        breakdowns=PERIODS,
        rule=RESPONSE_RULE,
        reader="feedback",
    ),
    _outreach_count(
        "outreach_community_events",
        _("Community outreach events"),
        _("Outreach events the program held in the community, on the day they were held."),
        _("count of community outreach events held in the period"),
        "outreach_events_community",
        "events",
    ),
    _outreach_count(
        "outreach_community_people",
        _("People reached by community outreach"),
        _("The number of people each community outreach event reached, as recorded, added up."),
        _("sum of people reached by community outreach events held in the period"),
        "outreach_people_community",
        "people",
    ),
    _outreach_count(
        "outreach_training_events",
        _("Call-center training sessions"),
        _("Training sessions for 911, 988 or other call-takers on which calls go to the team."),
        _("count of call-center training sessions held in the period"),
        "outreach_events_call_center_training",
        "events",
    ),
    _outreach_count(
        "outreach_training_people",
        _("Call-takers trained"),
        _("The number of people each call-center training session reached, as recorded, added up."),
        _("sum of people reached by call-center training sessions held in the period"),
        "outreach_people_call_center_training",
        "people",
    ),
    count(
        "handoff_answers",
        _("Partners' answers on the handoff"),
        _(
            "Referrals a partner closed in the period (on the day it closed them) where it answered whether "
            "the information it got was enough."
        ),
        _("count of referrals closed in the period with an answer on the information"),
        unit="referrals",
        sources=HANDOFF,
        privacy="program",
        breakdowns=HANDOFF_BREAKDOWNS,
        counter="handoff_info_answers",
        reader="feedback",
    ),
    share(
        "handoff_info_enough",
        _("Handoffs with enough information"),
        _("Of the partners' answers on closed referrals, the share saying the information they got was enough."),
        _("information enough ÷ answers on the information × 100"),
        sources=HANDOFF,
        privacy="program",
        breakdowns=HANDOFF_BREAKDOWNS,
        counter="handoff_info_yes",
        base="handoff_info_answers",
        reader="feedback",
    ),
    share(
        "handoff_timely",
        _("Timely handoffs"),
        _("Of the partners' answers on closed referrals, the share saying the referral came in time."),
        _("timely ÷ answers on timeliness × 100"),
        sources=HANDOFF,
        privacy="program",
        breakdowns=HANDOFF_BREAKDOWNS,
        counter="handoff_timely_yes",
        base="handoff_timely_answers",
        reader="feedback",
    ),
]
