"""Writing address data: the OpenAddresses CSV import and the landmarks supervisors keep.

The import is bulk and idempotent: a row is known by the source's HASH (or, without one, a digest
of its columns), so importing the same file twice changes nothing. A bad row is skipped with its
line number and reason; it never stops the import. Nothing here calls an outside service.
"""

import csv
import hashlib
import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.common.errors import ApplicationError
from apps.places import parsing
from apps.places.models import AddressPoint, PlaceAlias, Street

COLUMNS = ["LON", "LAT", "NUMBER", "STREET", "UNIT", "CITY", "DISTRICT", "REGION", "POSTCODE", "ID", "HASH"]
REQUIRED = ["LON", "LAT", "NUMBER", "STREET"]
BATCH = 2000
MAX_SKIPPED_KEPT = 1000


@dataclass
class RowProblem:
    line: int
    reason: str


@dataclass
class ImportResult:
    read: int = 0
    created: int = 0
    unchanged: int = 0
    streets_created: int = 0
    skipped: list[RowProblem] = field(default_factory=list)
    skipped_count: int = 0

    def summary_lines(self) -> list[str]:
        lines = [
            f"Read {self.read} rows: {self.created} address points added, {self.unchanged} already known, "
            f"{self.skipped_count} skipped; {self.streets_created} new streets."
        ]
        lines += [f"  line {p.line}: {p.reason}" for p in self.skipped]
        if self.skipped_count > len(self.skipped):
            lines.append(f"  ... and {self.skipped_count - len(self.skipped)} more skipped rows")
        return lines


@dataclass(frozen=True)
class _Row:
    line: int
    point: dict
    street: parsing.Street
    street_label: str
    city: str


def _digest(values: dict) -> str:
    text = "\x1f".join(values.get(c, "") for c in COLUMNS[:-1])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _row(line: int, raw: dict) -> _Row | RowProblem:
    values = {c: (raw.get(c) or "").strip() for c in COLUMNS}
    try:
        lon, lat = float(values["LON"]), float(values["LAT"])
    except ValueError:
        return RowProblem(line, "LON and LAT must be numbers")
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        return RowProblem(line, "LON/LAT out of range")
    if not values["NUMBER"]:
        return RowProblem(line, "NUMBER is empty")
    if len(values["NUMBER"]) > 20:
        return RowProblem(line, "NUMBER is longer than 20 characters")
    street = parsing.street_parts(values["STREET"])
    if not street.name:
        return RowProblem(line, "STREET is empty")
    if len(street.key) > 200 or len(values["STREET"]) > 200:
        return RowProblem(line, "STREET is longer than 200 characters")
    if "\x00" in "".join(values.values()):
        return RowProblem(line, "holds a NUL character")
    if "\ufffd" in "".join(values.values()):
        return RowProblem(line, "is not UTF-8 text")
    too_long = next(
        (c for c, n in (("UNIT", 40), ("CITY", 100), ("DISTRICT", 100), ("REGION", 60), ("POSTCODE", 20), ("ID", 100))
         if len(values[c]) > n),
        None,
    )  # fmt: skip
    if too_long:
        return RowProblem(line, f"{too_long} is too long")
    city = values["CITY"]
    return _Row(
        line=line,
        street=street,
        street_label=values["STREET"],
        city=city,
        point={
            "number": values["NUMBER"],
            "number_value": parsing.house_number_value(values["NUMBER"]),
            "unit": parsing.unit_normal(values["UNIT"]) if values["UNIT"] else "",
            "latitude": lat,
            "longitude": lon,
            "district": values["DISTRICT"],
            "region": values["REGION"],
            "postcode": values["POSTCODE"],
            "source_id": values["ID"],
            "source_hash": (values["HASH"] or _digest(values))[:64],
        },
    )


def _streets_for(rows: list[_Row], cache: dict, result: ImportResult) -> None:
    """Ids of the batch's streets, creating the ones not seen before."""
    wanted = {(r.city, r.street.key): r for r in rows if (r.city, r.street.key) not in cache}
    if not wanted:
        return
    for city, key, pk in Street.objects.filter(key__in={k for _c, k in wanted}).values_list("city", "key", "pk"):
        cache[(city, key)] = pk
    new = [
        Street(
            city=city,
            key=key,
            name_key=r.street.name,
            predir=r.street.predir,
            street_type=r.street.street_type,
            postdir=r.street.postdir,
            label=r.street_label,
        )
        for (city, key), r in wanted.items()
        if (city, key) not in cache
    ]
    if new:
        Street.objects.bulk_create(new, ignore_conflicts=True)
        result.streets_created += len(new)
        for city, key, pk in Street.objects.filter(key__in={s.key for s in new}).values_list("city", "key", "pk"):
            cache[(city, key)] = pk


def _store(rows: list[_Row], cache: dict, result: ImportResult) -> None:
    hashes = {r.point["source_hash"] for r in rows}
    known = set(AddressPoint.objects.filter(source_hash__in=hashes).values_list("source_hash", flat=True))
    fresh, seen = [], set()
    for r in rows:
        h = r.point["source_hash"]
        if h in known or h in seen:
            result.unchanged += 1
            continue
        seen.add(h)
        fresh.append(r)
    _streets_for(fresh, cache, result)
    points = [AddressPoint(street_id=cache[(r.city, r.street.key)], **r.point) for r in fresh]
    AddressPoint.objects.bulk_create(points, ignore_conflicts=True, batch_size=BATCH)
    result.created += len(points)


def _lines(source) -> Iterable[str]:
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8-sig", errors="replace", newline="") as handle:
            yield from handle
    elif isinstance(source, io.TextIOBase):
        yield from source
    else:  # an uploaded or binary file
        yield from io.TextIOWrapper(source, encoding="utf-8-sig", errors="replace", newline="")


def _total_lines(source) -> int | None:
    if isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            return max(sum(1 for _line in handle) - 1, 0)
    return None


def addresses_import(
    *,
    source,
    actor=None,
    progress: Callable[[int, int | None], None] | None = None,
    batch_size: int = BATCH,
) -> ImportResult:
    """Load address points from an OpenAddresses CSV (a path or an open file).

    Each batch is written in its own transaction, so a long import shows progress and an
    interrupted one resumes where it stopped when run again.
    """
    reader = csv.DictReader(_lines(source))
    header = [h.strip().upper() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ApplicationError(
            _("This is not an OpenAddresses CSV: the columns %(columns)s are missing.")
            % {"columns": ", ".join(missing)}
        )
    reader.fieldnames = header
    total = _total_lines(source)
    result = ImportResult()
    cache: dict = {}
    batch: list[_Row] = []
    line = 1
    try:
        for raw in reader:
            line = reader.line_num
            result.read += 1
            extra = None in raw  # more cells than the header names
            row = RowProblem(line, "more cells than the header has columns") if extra else _row(line, raw)
            if isinstance(row, RowProblem):
                result.skipped_count += 1
                if len(result.skipped) < MAX_SKIPPED_KEPT:
                    result.skipped.append(row)
                continue
            batch.append(row)
            if len(batch) >= batch_size:
                with transaction.atomic():
                    _store(batch, cache, result)
                batch = []
                if progress:
                    progress(result.read, total)
    except csv.Error as error:
        result.skipped_count += 1
        result.skipped.append(RowProblem(line + 1, f"unreadable CSV, import stopped here ({error})"))
    if batch:
        with transaction.atomic():
            _store(batch, cache, result)
    if progress:
        progress(result.read, total)
    if result.created or result.skipped_count:  # a re-import that changes nothing leaves no trace
        audit_record(
            actor=actor,
            action="places.import",
            object_type="places.addresspoint",
            detail={
                "read": result.read,
                "created": result.created,
                "unchanged": result.unchanged,
                "skipped": result.skipped_count,
            },
        )
    return result


def place_alias_save(*, actor, alias: PlaceAlias) -> PlaceAlias:
    """Add or change a landmark; its matching key follows its name."""
    alias.name = (alias.name or "").strip()
    alias.name_key = parsing.alias_key(alias.name)
    if not alias.name_key:
        raise ApplicationError(_("Give the landmark a name."), extra={"name": [_("This field is required.")]})
    clash = PlaceAlias.objects.filter(name_key=alias.name_key).exclude(pk=alias.pk).first()
    if clash is not None:
        raise ApplicationError(
            _("Another landmark already has this name."), extra={"name": [_("Choose another name.")]}
        )
    alias.full_clean()
    with transaction.atomic():
        alias.save()
        audit_record(actor=actor, action="places.landmark.save", obj=alias, detail={"name": alias.name})
    return alias
