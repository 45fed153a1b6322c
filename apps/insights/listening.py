"""The sums behind the measures of listening (registry/feedback.py, reader "feedback"): feedback
cards, community feedback, outreach and partners' answers on handoffs, read from apps.feedback and apps.followups
through their selectors for the local days asked, and added up here by local day (or by partner)
into the counters and histograms the registry names, so `selectors.measure_values` shapes them as
it shapes the rollups' (the same suppression on the public side). No words, contact or note."""

from collections import Counter, defaultdict
from datetime import date

from apps.common.days import day_bounds, local_day
from apps.feedback.selectors import (
    feedback_cards_for_measures,
    feedback_for_measures,
    outreach_for_measures,
    themes_for_measures,
)
from apps.followups.selectors import handoff_answers_for_measures
from apps.incidents.answers import answers_for_measures
from apps.insights.registry import Measure, minutes_bin
from apps.insights.registry.feedback import CARD_QUESTIONS

FEEDBACK_COUNTERS = {"feedback", "feedback_compliment", "feedback_concern", "feedback_suggestion", "feedback_answered"}


def listening_sums(
    measure: Measure, *, start: date, end: date, by: str | None
) -> list[tuple[object, Counter, Counter]]:
    """[(local day, or the group of `by` when it is not a period; counters; histogram)]."""
    since, until = day_bounds(start)[0], day_bounds(end)[1]
    counts: dict[object, Counter] = defaultdict(Counter)
    histograms: dict[object, Counter] = defaultdict(Counter)
    wanted = {measure.counter, measure.base, measure.histogram} - {""}
    if wanted & (FEEDBACK_COUNTERS | {"community_feedback_response"}):
        for at, kind, hours, answered in feedback_for_measures(since=since, until=until):
            day = local_day(at)
            counts[day].update({"feedback": 1, f"feedback_{kind}": 1, "feedback_answered": int(answered)})
            if hours is not None:
                histograms[day][minutes_bin(round(hours * 3600))] += 1
    elif "themes" in wanted:
        for at, theme in themes_for_measures(since=since, until=until):
            counts[theme if by == "theme" else local_day(at)]["themes"] += 1
    elif "question_answers" in wanted:
        for at, call_type, key in answers_for_measures(since=since, until=until):
            group = {"call_type": call_type, "question": key}.get(by, local_day(at))
            counts[group]["question_answers"] += 1
    elif any(name.startswith("cards_") for name in wanted):
        for at, team, call_type, answered, *replies in feedback_cards_for_measures(since=since, until=until):
            key = {"team": str(team or ""), "call_type": call_type}.get(by, local_day(at))
            counts[key].update({"cards_issued": 1, "cards_answered": int(answered)})
            for question, reply in zip(CARD_QUESTIONS, replies, strict=True):
                if reply:  # yes counts 2 half-points, partly 1, no 0: the score is points / (2 × answers)
                    points = {"yes": 2, "partly": 1}.get(reply, 0)
                    counts[key].update({f"cards_{question}_answers": 1, f"cards_{question}_double": 2})
                    counts[key][f"cards_{question}_points"] += points
    elif any(name.startswith("outreach_") for name in wanted):
        for day, kind, people in outreach_for_measures(start=start, end=end):
            counts[day].update({f"outreach_events_{kind}": 1, f"outreach_people_{kind}": people})
    else:
        for at, partner, info, timely in handoff_answers_for_measures(since=since, until=until):
            key = str(partner) if by == "partner" else local_day(at)
            counts[key].update(
                {
                    "handoff_info_answers": int(info is not None),
                    "handoff_info_yes": int(info is True),
                    "handoff_timely_answers": int(timely is not None),
                    "handoff_timely_yes": int(timely is True),
                }
            )
    return [(key, counts[key], histograms[key]) for key in set(counts) | set(histograms)]
