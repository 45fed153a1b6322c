"""The measures of supervisors' reviews of screened-out calls (issue 15, item 1): of the calls the
eligibility policy screened out, how many a supervisor, looking back, marked as ones the team
could have served. Read from apps.intake directly (reader "screening_review", apps/insights/reviews.py),
not from the rollups: a program screens out a few hundred calls a year. Never the review's note."""

from django.utils.translation import gettext_lazy as _

from apps.insights.registry.base import count, share

REVIEWS = ("intake.ScreeningReview", "intake.ScreeningDecision", "intake.PolicyVersion")
REVIEW_BREAKDOWNS = ("week", "month", "call_type", "policy_version")

MEASURES = [
    count(
        "screened_out_reviewed",
        _("Screened-out calls reviewed"),
        _(
            "Calls screened out under the eligibility policy that a supervisor has since reviewed, answering "
            "whether the team could have served them; counted on the local day of the screening decision."
        ),
        _("count of screened-out decisions in the period with a review"),
        unit="calls",
        sources=REVIEWS,
        privacy="program",
        breakdowns=REVIEW_BREAKDOWNS,
        reader="screening_review",
    ),
    count(
        "screened_out_could_have_served",
        _("Screened-out calls the team could have served"),
        _(
            "Calls screened out under the eligibility policy that a supervisor, reviewing them, marked as ones "
            "the team could have served (the current review of each call; unsure counts as not marked)."
        ),
        _("count of screened-out decisions in the period whose review answers yes"),
        unit="calls",
        sources=REVIEWS,
        privacy="program",
        breakdowns=REVIEW_BREAKDOWNS,
        reader="screening_review",
    ),
    share(
        "screened_out_could_have_served_share",
        _("Share of reviewed screened-out calls the team could have served"),
        _(
            "Of the screened-out calls a supervisor reviewed, the share marked as ones the team could have "
            "served. Calls not yet reviewed are left out, so the share says nothing about them."
        ),
        _("screened-out decisions reviewed yes ÷ screened-out decisions reviewed × 100"),
        sources=REVIEWS,
        privacy="program",
        breakdowns=REVIEW_BREAKDOWNS,
        counter="screened_out_could_have_served",
        base="screened_out_reviewed",
        reader="screening_review",
    ),
]
