"""Timeline entries written before entries kept their sentence (0008) get it back from their English
text, so a Spanish reader sees old calls in Spanish too. An entry that matches no sentence (or was
stored in another language before 5accd45) keeps an empty message and shows its text as written.

The sentences and the English labels are copied here as they were: a migration must not follow the
code it predates.
"""

import re

from django.db import migrations

SOURCES = {
    "911": "911",
    "988 crisis line": "988",
    "211": "211",
    "311": "311",
    "Police request": "police_request",
    "Self-initiated (on view)": "self_initiated",
    "Walk-up": "walk_up",
}
DISPOSITIONS = {
    "Resolved on scene": "resolved_on_scene",
    "Transported": "transported",
    "Referred": "referred",
    "Declined services": "declined_services",
    "No person found": "no_person_found",
    "Police requested": "police_requested",
    "EMS requested": "ems_requested",
    "Involuntary hold": "involuntary_hold",
    "Arrest by police": "arrest_by_police",
}
STATUSES = {
    "dispatched": "dispatched",
    "acknowledged": "acknowledged",
    "en route": "en_route",
    "on scene": "on_scene",
    "transporting": "transporting",
    "at destination": "at_destination",
    "cleared": "cleared",
    "cancelled": "cancelled",
}

# (kind pattern, text pattern, message, params from the match); the first that matches wins.
RULES = [
    (
        r"incident\.created",
        r"Call received from (?P<s>.+)\.",
        "Call received from %(source)s.",
        lambda m: {"source": SOURCES[m["s"]]} if m["s"] in SOURCES else None,
    ),
    (
        r"incident\.updated",
        r"Details changed: (?P<f>.+)\.",
        "Details changed: %(fields)s.",
        lambda m: {"fields": m["f"].split(", ")},
    ),
    (r"incident\.cancelled", r"Call cancelled: (?P<r>.*)", "Call cancelled: %(reason)s", lambda m: {"reason": m["r"]}),
    (r"incident\.cancelled", r"Screened out: (?P<r>.*)", "Screened out: %(reason)s", lambda m: {"reason": m["r"]}),
    (r"incident\.closed", r"Call closed: every team cleared\.", "Call closed: every team cleared.", lambda m: {}),
    (
        r"incident\.closed",
        r"Call closed: (?P<d>.+)\.",
        "Call closed: %(disposition)s.",
        lambda m: {"disposition": DISPOSITIONS[m["d"]]} if m["d"] in DISPOSITIONS else None,
    ),
    (
        r"assignment\.escalated",
        r"(?P<t>.+) has not acknowledged after (?P<n>\d+) seconds\.",
        "%(team)s has not acknowledged after %(seconds)s seconds.",
        lambda m: {"team": m["t"], "seconds": int(m["n"])},
    ),
    (
        r"assignment\.cancelled",
        r"(?P<t>.+) cancelled \((?P<r>.*)\)\.",
        "%(team)s cancelled (%(reason)s).",
        lambda m: {"team": m["t"], "reason": m["r"]},
    ),
    (r"assignment\.created", r"(?P<t>.+) dispatched\.", "%(team)s dispatched.", lambda m: {"team": m["t"]}),
    (r"assignment\.acknowledged", r"(?P<t>.+) acknowledged\.", "%(team)s acknowledged.", lambda m: {"team": m["t"]}),
    (
        r"assignment\.\w+",
        r"(?P<t>.+) (?P<s>en route|on scene|transporting|at destination|cleared|cancelled)\.",
        "%(team)s %(status)s.",
        lambda m: {"team": m["t"], "status": STATUSES[m["s"]]},
    ),
    (
        r"encounter\.recorded",
        r"Encounter documented \(version (?P<v>\d+)\)\.",
        "Encounter documented (version %(version)s).",
        lambda m: {"version": int(m["v"])},
    ),
    (r"encounter\.note", r"Note added to an encounter\.", "Note added to an encounter.", lambda m: {}),
]
COMPILED = [(re.compile(k), re.compile(t, re.DOTALL), message, params) for k, t, message, params in RULES]


def sentence_of(kind: str, text: str):
    for kind_pattern, text_pattern, message, params in COMPILED:
        if not kind_pattern.fullmatch(kind):
            continue
        match = text_pattern.fullmatch(text)
        if match is None:
            continue
        values = params(match)
        if values is not None:
            return message, values
    return None


def backfill(apps, schema_editor):
    IncidentLogEntry = apps.get_model("incidents", "IncidentLogEntry")
    batch = []
    for entry in IncidentLogEntry.objects.filter(message="").only("id", "kind", "text").iterator(chunk_size=2000):
        found = sentence_of(entry.kind, entry.text)
        if found is None:
            continue
        entry.message, entry.params = found
        batch.append(entry)
        if len(batch) >= 2000:
            IncidentLogEntry.objects.bulk_update(batch, ["message", "params"])
            batch = []
    IncidentLogEntry.objects.bulk_update(batch, ["message", "params"])


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0008_timeline_messages_and_call_type_names"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
