"""Generated HSDS 3 datapackages for the directory benchmarks (not a benchmark itself).

`write_package(folder, services=N)` writes a tabular datapackage of N services in and around the
fictional Riverton (one organization per 100 services, one location each, 1–2 need terms, 1–2
languages, a phone, and hours: a sixth round the clock, a sixth overnight, the rest daytime).
Seeded, so every run and machine gets the same directory.
"""

import csv
import json
import random
import uuid
from pathlib import Path

NAMESPACE = uuid.UUID("9d0b7d0e-4a4f-4f41-8a8f-6d1d3c0b5e11")
CENTER = (39.747, -104.992)
NEED_CODES = [
    "shelter", "housing", "food", "mental_health", "crisis_stabilization", "substance_use", "detox", "medical",
    "medication", "transportation", "clothing", "hygiene", "id_documents", "benefits", "case_management",
    "domestic_violence", "youth", "veterans", "legal", "family_contact",
]  # fmt: skip
WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"


def sid(kind: str, n) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{n}"))


def _write(folder: Path, name: str, header: list[str], rows) -> int:
    count = 0
    with (folder / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _hours(rng: random.Random) -> list[tuple[str, str, str]]:
    kind = rng.random()
    if kind < 1 / 6:
        return [(EVERY_DAY, "00:00:00", "00:00:00")]
    if kind < 2 / 6:
        opens = rng.choice(["18:00:00", "19:00:00", "20:00:00", "22:00:00"])
        closes = rng.choice(["06:00:00", "07:00:00", "08:00:00"])
        return [(rng.choice([EVERY_DAY, "FR,SA", "MO,TU,WE,TH"]), opens, closes)]
    opens = rng.choice(["07:00:00", "08:00:00", "09:00:00", "10:00:00"])
    closes = rng.choice(["15:00:00", "17:00:00", "18:00:00", "20:00:00"])
    hours = [(WEEKDAYS, opens, closes)]
    if rng.random() < 0.3:
        hours.append(("SA", "10:00:00", "14:00:00"))
    return hours


def write_package(folder: Path, *, services: int, seed: int = 7) -> dict[str, int]:
    """Write the datapackage; answer rows per table."""
    from apps.resources.hsds import datapackage_descriptor

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    organizations = max(1, services // 100)
    counts["organization"] = _write(
        folder, "organizations.csv", ["id", "name", "description"],
        ((sid("org", o), f"Bench organization {o}", "Generated for the benchmark") for o in range(organizations)),
    )  # fmt: skip
    taxonomy = sid("taxonomy", 0)
    counts["taxonomy"] = _write(folder, "taxonomies.csv", ["id", "name", "description"],
                                [(taxonomy, "Bench needs", "Need codes")])  # fmt: skip
    counts["taxonomy_term"] = _write(
        folder, "taxonomy_terms.csv", ["id", "code", "name", "description", "taxonomy_id"],
        ((sid("term", c), c, c.replace("_", " ").title(), c, taxonomy) for c in NEED_CODES),
    )  # fmt: skip
    service_rows, location_rows, sal_rows, schedule_rows, attribute_rows, language_rows, phone_rows = (
        [], [], [], [], [], [], []
    )  # fmt: skip
    for n in range(services):
        service_id, location_id = sid("service", n), sid("location", n)
        need = NEED_CODES[n % len(NEED_CODES)]
        low = rng.choice(["", "", "", "12", "18"])
        service_rows.append((service_id, sid("org", n % organizations), f"Bench service {n} ({need})",
                             f"A generated {need} service", "active", low, "" if low != "12" else "24"))  # fmt: skip
        lat = CENTER[0] + rng.uniform(-0.25, 0.25)
        lon = CENTER[1] + rng.uniform(-0.33, 0.33)
        location_rows.append((location_id, "physical", f"Site {n}", f"{lat:.6f}", f"{lon:.6f}"))
        sal_rows.append((sid("sal", n), service_id, location_id))
        for i, (byday, opens, closes) in enumerate(_hours(rng)):
            schedule_rows.append((sid(f"schedule{i}", n), service_id, "WEEKLY", byday, opens, closes))
        needs = {need} | ({rng.choice(NEED_CODES)} if rng.random() < 0.4 else set())
        for code in sorted(needs):
            attribute_rows.append((sid(f"attribute:{code}", n), service_id, sid("term", code), "service", "need"))
        for code in {"en"} | ({rng.choice(["es", "vi", "am", "ar", "ko"])} if rng.random() < 0.5 else set()):
            language_rows.append((sid(f"language:{code}", n), service_id, code, code))
        phone_rows.append((sid("phone", n), service_id, f"(303) 555-{n % 10000:04d}"))
    columns = ["id", "organization_id", "name", "description", "status", "minimum_age", "maximum_age"]
    counts["service"] = _write(folder, "services.csv", columns, service_rows)
    columns = ["id", "location_type", "name", "latitude", "longitude"]
    counts["location"] = _write(folder, "locations.csv", columns, location_rows)
    counts["service_at_location"] = _write(
        folder, "service_at_location.csv", ["id", "service_id", "location_id"], sal_rows
    )
    columns = ["id", "service_id", "freq", "byday", "opens_at", "closes_at"]
    counts["schedule"] = _write(folder, "schedules.csv", columns, schedule_rows)
    columns = ["id", "link_id", "taxonomy_term_id", "link_entity", "link_type"]
    counts["attribute"] = _write(folder, "attributes.csv", columns, attribute_rows)
    counts["language"] = _write(folder, "languages.csv", ["id", "service_id", "code", "name"], language_rows)
    counts["phone"] = _write(folder, "phones.csv", ["id", "service_id", "number"], phone_rows)
    descriptor = datapackage_descriptor()
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in counts]
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return counts


def map_need_terms() -> None:
    """Imports never set need codes on existing terms; the bench terms' codes are the need codes."""
    from apps.resources.models import TaxonomyTerm

    for term in TaxonomyTerm.objects.filter(need_code=""):
        if term.code in NEED_CODES:
            term.need_code = term.code
            term.save(update_fields=["need_code"])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
