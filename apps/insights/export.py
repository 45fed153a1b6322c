"""The analysts' de-identified export: one CSV row per call, and its data dictionary.

Every column is declared once in COLUMNS (name, type, what it means, its values or unit); the CSV's
header, the dictionary page and the dictionary file all come from that list, so they cannot drift
apart. The rows come from `apps.insights.rows.deidentified_call_rows`, which never reads a direct
identifier. Never add a column holding a name, a phone, an address, coordinates, free text, a record
id, a date finer than the month or a place finer than the district.
"""

import csv
import io
from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.incidents.answers import exported_questions
from apps.questions.models import QuestionKind


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # "string" | "integer" | "number" | "boolean" (as in a Table Schema)
    description: str
    values: str = ""  # the codes it takes, or its unit


COLUMNS = (
    Column("row", "integer", _("Position of the row in this file; it links to no record.")),
    Column("month", "string", _("Month the call reached the program, in the program's time zone."), "YYYY-MM"),
    Column(
        "source",
        "string",
        _("Where the call came from."),
        "911, 988, 211, 311, police_request, self_initiated, walk_up",
    ),
    Column("call_type", "string", _("The call type's code; empty when none was set.")),
    Column("priority", "integer", _("Priority, 1 the most urgent."), "1–4"),
    Column("district", "string", _("The district of the call's location; empty when unknown.")),
    Column(
        "screening",
        "string",
        _("The screening decision's response type; empty when the call was not screened in Firstline."),
        "alternative, co_response_police, co_response_ems, secondary, not_eligible",
    ),
    Column(
        "screening_overridden",
        "boolean",
        _("Whether the call-taker overrode the policy's recommendation; empty when not screened."),
    ),
    Column(
        "status",
        "string",
        _("The call's status when the file was made."),
        "pending, dispatched, on_scene, closed, cancelled",
    ),
    Column("disposition", "string", _("How the call ended; empty while it is open or when cancelled.")),
    Column(
        "police_involved",
        "boolean",
        _("Police were requested or arrested someone (disposition), or the call was screened for co-response."),
    ),
    Column("teams", "integer", _("How many teams were assigned to the call.")),
    Column("first_team", "string", _("Call sign of the first team dispatched; empty when none was.")),
    Column("minutes_to_dispatch", "number", _("From the call reaching the program to the first dispatch."), "min"),
    Column(
        "minutes_dispatch_to_en_route",
        "number",
        _("From the first dispatch to the first team en route."),
        "min",
    ),
    Column(
        "minutes_en_route_to_on_scene",
        "number",
        _("From the first team en route to the first team on scene."),
        "min",
    ),
    Column("minutes_to_on_scene", "number", _("From the call reaching the program to the first team on scene."), "min"),
    Column("minutes_on_scene", "number", _("From the first team on scene to the last team clearing."), "min"),
    Column("people_served", "integer", _("People served, from the current version of each encounter.")),
    Column("referral_made", "boolean", _("At least one referral to a partner was sent from the call.")),
)
QUESTION_VALUES = {QuestionKind.YES_NO: "yes, no", QuestionKind.DATE: "YYYY-MM", QuestionKind.NUMBER: ""}


def question_columns() -> tuple[Column, ...]:
    """One column `q_<key>` per question the program asks on encounters (apps/questions), short text
    left out. A call's answers over its encounters' current versions, each once, joined by ";"."""
    return tuple(
        Column(
            f"q_{q.key}",
            "string",
            format_lazy(_("Encounter question: {label}"), label=q.label),
            QUESTION_VALUES.get(q.kind, ", ".join(str(c["value"]) for c in q.choices or [])),
        )
        for q in exported_questions()
    )


def export_columns() -> tuple[Column, ...]:
    """The file's columns: the fixed ones, then the program's own questions."""
    return COLUMNS + question_columns()


MISSING = ""  # how the CSV writes a value that does not exist (a call never dispatched has no interval)


def _cell(value) -> str:
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rows_csv(rows: list[dict]) -> str:
    columns = export_columns()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in columns])
    for number, row in enumerate(rows, start=1):
        writer.writerow([_cell(number if c.name == "row" else row[c.name]) for c in columns])
    return out.getvalue()


def dictionary_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["column", "type", "description", "values"])
    for c in export_columns():
        writer.writerow([c.name, c.type, str(c.description), c.values])
    return out.getvalue()
