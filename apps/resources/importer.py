"""Reading HSDS 3 (a tabular datapackage, a zip of one, or HSDS JSON) into the directory.

Every row is validated, then upserted by its HSDS id: an unchanged row is not written, a bad row is
rejected with file, row and reason while the rest imports, and no row is ever half-written (rows go
in batches; a batch the database refuses is retried row by row, each in its own savepoint).
Importing never touches what HSDS does not describe (capacity, partnerships, need codes).
"""

import json
import math
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime, parse_time

from apps.incidents.vocab import NEEDS
from apps.resources.hsds import BY_NAME, TABLES, Column, Table
from apps.resources.hsds_read import Problem, RowError, SourceRow, read_source
from apps.resources.models import Service

BATCH = 500
PROGRESS_THRESHOLD = 1000


@dataclass
class ImportResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def totals(self) -> dict:
        return {
            "created": sum(self.created.values()),
            "updated": sum(self.updated.values()),
            "unchanged": sum(self.unchanged.values()),
            "rejected": len(self.rejected),
        }

    def as_dict(self) -> dict:
        tables = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return {
            **self.totals(),
            "tables": {
                t: {"created": self.created[t], "updated": self.updated[t], "unchanged": self.unchanged[t]}
                for t in tables
            },
            "rejections": [vars(p) for p in self.rejected],
            "warnings": [vars(p) for p in self.warnings],
        }

    def summary_lines(self) -> list[str]:
        t = self.totals()
        lines = [
            f"Created {t['created']}, updated {t['updated']}, unchanged {t['unchanged']}, rejected {t['rejected']}."
        ]
        for name in sorted(set(self.created) | set(self.updated) | set(self.unchanged)):
            lines.append(
                f"  {name}: {self.created[name]} created, {self.updated[name]} updated, "
                f"{self.unchanged[name]} unchanged"
            )
        if self.rejected:
            lines.append("Rejected rows:")
            lines += [f"  {p}" for p in self.rejected]
        if self.warnings:
            lines.append("Warnings:")
            lines += [f"  {p}" for p in self.warnings]
        return lines


ProgressFn = Callable[[str, int, int], None]


# --- validating -----------------------------------------------------------------------------------


def _shown(value) -> str:
    """A bad value quoted back to the importer, clipped: a message points at data, it does not copy it."""
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _parse(column: Column, raw, max_length: int | None, required: bool):
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if required:
            raise RowError(f"{column.name} is required")
        return "" if column.type == "string" else None
    kind = column.type
    if kind == "string":
        value = raw if isinstance(raw, str) else json.dumps(raw) if isinstance(raw, (dict, list)) else str(raw)
        if "\x00" in value:
            raise RowError(f"{column.name} contains a NUL character")
        if max_length and len(value) > max_length:
            raise RowError(f"{column.name} is longer than {max_length} characters")
        return value
    text = str(raw).strip()
    if kind == "uuid":
        try:
            return uuid.UUID(text)
        except ValueError:
            raise RowError(f"{column.name} '{_shown(text)}' is not a valid UUID") from None
    if kind in ("integer", "number"):
        if isinstance(raw, bool):
            raise RowError(f"{column.name} must be a number")
        try:
            number = float(text)
        except ValueError:
            raise RowError(f"{column.name} '{_shown(text)}' is not a number") from None
        if not math.isfinite(number):
            raise RowError(f"{column.name} '{_shown(text)}' is not a finite number")
        if kind == "integer":
            if number != int(number):
                raise RowError(f"{column.name} '{_shown(text)}' is not a whole number")
            if abs(number) > 2**31 - 1:
                raise RowError(f"{column.name} '{_shown(text)}' is out of range")
            return int(number)
        return number
    if kind == "date":
        try:
            return raw if isinstance(raw, date) else date.fromisoformat(text[:10])
        except ValueError:
            raise RowError(f"{column.name} '{_shown(text)}' is not a date (YYYY-MM-DD)") from None
    if kind == "datetime":
        try:
            value = parse_datetime(text.replace("Z", "+00:00"))
        except ValueError:
            value = None
        if value is None:
            try:
                value = datetime.combine(date.fromisoformat(text), time(0))
            except ValueError:
                raise RowError(f"{column.name} '{_shown(text)}' is not a date-time (ISO 8601)") from None
        return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
    if kind == "time":
        cleaned = text[:-1] if text.upper().endswith("Z") else text
        try:
            value = parse_time(cleaned)
        except ValueError:
            value = None
        if value is None or "+" in cleaned or len(cleaned) < 4:
            raise RowError(f"{column.name} '{_shown(text)}' is not a time (HH:MM or HH:MM:SS)")
        return value.replace(tzinfo=None, microsecond=0)
    raise RowError(f"{column.name}: unsupported type {kind}")


def _field_rules(table: Table) -> dict[str, tuple[int | None, bool]]:
    """Per column: the model's max_length, and whether an empty value is refused.

    HSDS marks some descriptions required; where the model allows them blank (so the admin may
    leave them empty), an empty one is accepted, or our own export would not re-import.
    """
    rules = {}
    for column in table.columns:
        field = table.model._meta.get_field(column.attr)
        blank_ok = column.type == "string" and field.blank
        rules[column.name] = (getattr(field, "max_length", None), column.required and not blank_ok)
    return rules


STATUSES = set(Service.Status.values)


def _check_row(table: Table, values: dict, source: SourceRow, warnings: list[Problem]) -> dict:
    """Table-specific rules beyond types."""
    if table.name == "service":
        if values.get("status") is not None and values["status"] not in STATUSES:
            raise RowError(f"status '{_shown(values['status'])}' is not one of {', '.join(sorted(STATUSES))}")
        low, high = values.get("minimum_age"), values.get("maximum_age")
        if low is not None and high is not None and low > high:
            raise RowError("minimum_age is greater than maximum_age")
    elif table.name == "location":
        lat, lon = values.get("latitude"), values.get("longitude")
        if (lat is not None and not -90 <= lat <= 90) or (lon is not None and not -180 <= lon <= 180):
            warnings.append(Problem(source.file, source.row, f"coordinates ({lat}, {lon}) out of range; cleared"))
            values["latitude"] = values["longitude"] = None
    elif table.name == "attribute":
        if values.get("link_entity") not in BY_NAME:
            raise RowError(f"link_entity '{_shown(values.get('link_entity'))}' is not an HSDS table")
    elif table.name == "schedule":
        for name in ("byday",):
            days = [d.strip()[-2:].upper() for d in (values.get(name) or "").split(",") if d.strip()]
            bad = [d for d in days if d not in {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}]
            if bad:
                raise RowError(f"byday has unknown days: {', '.join(bad)}")
    return values


# --- writing --------------------------------------------------------------------------------------


class Importer:
    def __init__(self, *, progress: ProgressFn | None = None):
        self.result = ImportResult()
        self.progress = progress

    def run(self, rows_by_table: dict[str, list[SourceRow]]) -> ImportResult:
        totals = sum(len(v) for v in rows_by_table.values())
        done = 0
        for table in TABLES:
            rows = rows_by_table.get(table.name) or []
            if not rows:
                continue
            done = self.import_table(table, rows, done, totals)
        return self.result

    def import_table(self, table: Table, rows: list[SourceRow], done: int, totals: int) -> int:
        rules = _field_rules(table)
        self_fks = [c for c in table.columns if c.fk == table.name]
        seen: set = set()
        deferred: dict = {}  # id -> (source, {attr: wanted self-reference})
        status: dict = {}
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            parsed: list[tuple[SourceRow, dict, set]] = []
            for source in chunk:
                try:
                    if "__extra__" in source.values:
                        raise RowError("the row has more values than the header has columns")
                    values = {}
                    for name, raw in source.values.items():
                        column = table.by_name[name]
                        values[column.attr] = _parse(column, raw, *rules[name])
                    for column in table.columns:
                        if rules[column.name][1] and column.attr not in values:
                            raise RowError(f"{column.name} is required")
                    values = _check_row(table, values, source, self.result.warnings)
                    if values["id"] in seen:
                        raise RowError(f"id {values['id']} appears twice in this import")
                except RowError as error:
                    self.result.rejected.append(Problem(source.file, source.row, str(error)))
                    continue
                seen.add(values["id"])
                wanted = {c.attr: values.pop(c.attr) for c in self_fks if c.attr in values}
                if wanted:
                    deferred[values["id"]] = (source, wanted)
                parsed.append((source, values, set()))
            parsed = self._check_links(table, parsed)
            self._write(table, parsed, status)
            done += len(chunk)
            if self.progress and totals >= PROGRESS_THRESHOLD:
                self.progress(table.path, done, totals)
        if deferred:
            self._write_self_links(table, deferred, status)
        for verdict in status.values():
            getattr(self.result, verdict)[table.name] += 1
        return done

    def _check_links(self, table: Table, parsed):
        """Dangling required links reject the row; dangling optional links are cleared with a warning."""
        for column in table.columns:
            if not column.fk or column.fk == table.name:
                continue
            wanted = {values[column.attr] for _, values, _ in parsed if values.get(column.attr) is not None}
            if not wanted:
                continue
            target = BY_NAME[column.fk].model
            found = set(target.objects.filter(pk__in=wanted).values_list("pk", flat=True))
            kept = []
            for source, values, flags in parsed:
                value = values.get(column.attr)
                if value is not None and value not in found:
                    if column.required:
                        reason = f"{column.name} {value} points at no {column.fk} (not in the import or directory)"
                        self.result.rejected.append(Problem(source.file, source.row, reason))
                        continue
                    self.result.warnings.append(
                        Problem(source.file, source.row, f"{column.name} {value} points at no {column.fk}; cleared")
                    )
                    values[column.attr] = None
                kept.append((source, values, flags))
            parsed = kept
        if table.name == "attribute":
            parsed = self._check_attribute_targets(parsed)
        return parsed

    def _check_attribute_targets(self, parsed):
        by_entity: dict[str, set] = {}
        for _, values, _ in parsed:
            by_entity.setdefault(values["link_entity"], set()).add(values["link_id"])
        found = {
            entity: set(BY_NAME[entity].model.objects.filter(pk__in=ids).values_list("pk", flat=True))
            for entity, ids in by_entity.items()
        }
        kept = []
        for source, values, flags in parsed:
            if values["link_id"] not in found[values["link_entity"]]:
                reason = f"link_id {values['link_id']} points at no {values['link_entity']}"
                self.result.rejected.append(Problem(source.file, source.row, reason))
                continue
            kept.append((source, values, flags))
        return kept

    def _write(self, table: Table, parsed, status: dict) -> None:
        if not parsed:
            return
        model = table.model
        attrs = [c.attr for c in table.columns if c.fk != table.name]
        existing = {
            row["id"]: row for row in model.objects.filter(pk__in=[v["id"] for _, v, _ in parsed]).values(*attrs)
        }
        creates, updates, changed_fields = [], [], set()
        timestamps = hasattr(model, "updated_at")
        now = timezone.now()
        for source, values, _ in parsed:
            current = existing.get(values["id"])
            if current is None:
                obj = model(**values)
                if table.name == "taxonomy_term" and values.get("code") in NEEDS:
                    obj.need_code = values["code"]
                creates.append((source, obj))
                status[values["id"]] = "created"
                continue
            changed = {k for k, v in values.items() if current.get(k) != v}
            if not changed:
                status[values["id"]] = "unchanged"
                continue
            changed_fields |= changed
            obj = model(**{**current, **values})
            if timestamps:
                obj.updated_at = now
            updates.append((source, obj))
            status[values["id"]] = "updated"
        fields = sorted(changed_fields) + (["updated_at"] if timestamps and updates else [])
        try:
            with transaction.atomic():
                if creates:
                    model.objects.bulk_create([obj for _, obj in creates], batch_size=BATCH)
                if updates:
                    model.objects.bulk_update([obj for _, obj in updates], fields, batch_size=BATCH)
        except DatabaseError:
            self._write_one_by_one(creates, updates, fields, status)

    def _write_one_by_one(self, creates, updates, fields, status) -> None:
        for is_new, batch in ((True, creates), (False, updates)):
            for source, obj in batch:
                try:
                    with transaction.atomic():
                        if is_new:
                            obj.save(force_insert=True)
                        else:
                            obj.save(update_fields=fields)
                except DatabaseError as error:
                    status.pop(obj.pk, None)
                    reason = f"the database refused the row: {str(error).splitlines()[0]}"
                    self.result.rejected.append(Problem(source.file, source.row, reason))

    def _write_self_links(self, table: Table, deferred: dict, status: dict) -> None:
        ids = [i for i in deferred if i in status]
        wanted_targets = {v for i in ids for v in deferred[i][1].values() if v is not None}
        found = set(table.model.objects.filter(pk__in=wanted_targets).values_list("pk", flat=True))
        attrs = sorted({a for i in ids for a in deferred[i][1]})
        current = {row["id"]: row for row in table.model.objects.filter(pk__in=ids).values("id", *attrs)}
        for record_id in ids:
            source, wanted = deferred[record_id]
            updates = {}
            for attr, target in wanted.items():
                if target is not None and target not in found:
                    self.result.warnings.append(
                        Problem(source.file, source.row, f"{attr} {target} points at no {table.name}; cleared")
                    )
                    target = None
                if current.get(record_id, {}).get(attr) != target:
                    updates[attr] = target
            if updates:
                table.model.objects.filter(pk=record_id).update(**updates)
                if status.get(record_id) == "unchanged":
                    status[record_id] = "updated"


def import_hsds(path, *, progress: ProgressFn | None = None) -> ImportResult:
    """Import PATH and return what happened; raises RowError only when PATH itself cannot be read."""
    rows, warnings = read_source(Path(path))
    importer = Importer(progress=progress)
    importer.result.warnings.extend(warnings)
    return importer.run(rows)
