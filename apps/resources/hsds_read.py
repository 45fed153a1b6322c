"""Reading HSDS 3 sources into rows per table: a datapackage folder, a zip of one, or HSDS JSON.

Reading never writes. Nested JSON (a service with its organization, locations, phones...) is unfolded
into the same rows a tabular datapackage would hold, so one validator and one writer serve both.
"""

import csv
import json
import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from apps.resources.hsds import BY_NAME, BY_PATH, NOT_STORED, Table
from apps.resources.hsds_unpack import (
    RowError,
    check_file_size,
    check_folder_total,
    check_plain_file,
    package_file,
    unpack_zip,
)

csv.field_size_limit(10_000_000)


@dataclass
class Problem:
    file: str
    row: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file} row {self.row}: {self.reason}"


@dataclass
class SourceRow:
    file: str
    row: str
    values: dict


# --- sources --------------------------------------------------------------------------------------


def read_source(path: Path) -> tuple[dict[str, list[SourceRow]], list[Problem]]:
    """Turn whatever PATH is into rows per HSDS table, plus warnings about what was skipped."""
    try:
        return _read_source(Path(path))
    except UnicodeDecodeError:
        raise RowError(f"{Path(path).name} could not be read: a file is not UTF-8 text.") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, csv.Error, OSError, EOFError) as error:
        # The error's class only: its text can carry a path or bytes from the file.
        raise RowError(f"{Path(path).name} could not be read ({type(error).__name__}).") from error


def _read_source(path: Path) -> tuple[dict[str, list[SourceRow]], list[Problem]]:
    if path.is_dir():
        return read_datapackage(path)
    if not path.exists():
        raise RowError(f"{path.name} could not be read: no such file or folder.")
    if not path.is_file():
        raise RowError(f"{path.name} is not a plain file; refused.")
    check_file_size(path)
    if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        return read_zip(path)
    if path.suffix.lower() == ".json":
        if path.name == "datapackage.json":
            return read_datapackage(path.parent)
        return read_json(path)
    raise RowError(f"{path.name}: expected a datapackage folder, a .zip of one, or an HSDS .json file")


def read_zip(path: Path) -> tuple[dict[str, list[SourceRow]], list[Problem]]:
    with tempfile.TemporaryDirectory(prefix="hsds-import-") as tmp:
        folder = Path(tmp).resolve()
        unpack_zip(path, folder)
        descriptors = sorted(folder.rglob("datapackage.json"), key=lambda p: len(p.parts))
        root = descriptors[0].parent if descriptors else _csv_root(folder)
        return read_datapackage(root)


def _csv_root(folder: Path) -> Path:
    csvs = sorted(folder.rglob("*.csv"), key=lambda p: len(p.parts))
    if not csvs:
        raise RowError("the zip holds no datapackage.json and no CSV files")
    return csvs[0].parent


def read_datapackage(folder: Path) -> tuple[dict[str, list[SourceRow]], list[Problem]]:
    """Read the CSVs datapackage.json lists (or every CSV): only plain files inside FOLDER."""
    folder = Path(folder).resolve()
    warnings: list[Problem] = []
    files: list[tuple[Table | None, str, Path]] = []
    descriptor = folder / "datapackage.json"
    if descriptor.exists() or descriptor.is_symlink():
        check_plain_file(folder, descriptor)
        check_file_size(descriptor)
        try:
            package = json.loads(descriptor.read_text(encoding="utf-8"))
        except ValueError:
            raise RowError("datapackage.json is not valid JSON.") from None
        resources = package.get("resources", []) if isinstance(package, dict) else None
        if not isinstance(resources, list):
            raise RowError("datapackage.json has no list of resources.")
        for resource in resources:
            if not isinstance(resource, dict):
                continue
            name, rel = resource.get("name", ""), resource.get("path", "")
            if rel in ("", None):
                continue
            csv_path = package_file(folder, rel)  # refuses anything outside the package
            table = BY_NAME.get(name) if isinstance(name, str) else None
            table = table or BY_PATH.get(csv_path.name)
            files.append((table, name if isinstance(name, str) else "", csv_path))
    else:
        for csv_path in sorted(folder.glob("*.csv")):
            check_plain_file(folder, csv_path)
            files.append((BY_PATH.get(csv_path.name), csv_path.stem, csv_path))
    check_folder_total([p for table, _, p in files if table is not None])
    rows: dict[str, list[SourceRow]] = {}
    for table, name, csv_path in files:
        if table is None:
            reason = "not stored by Firstline; skipped" if name in NOT_STORED else "unknown HSDS table; skipped"
            warnings.append(Problem(csv_path.name, "-", reason))
            continue
        if not csv_path.exists():
            warnings.append(Problem(csv_path.name, "-", "listed in datapackage.json but missing"))
            continue
        check_plain_file(folder, csv_path)
        rows.setdefault(table.name, []).extend(_read_csv(table, csv_path, warnings))
    return rows, warnings


COLUMN_NAME = re.compile(r"[A-Za-z0-9_. -]{1,64}")


def _column_label(name) -> str:
    """Quote a header only when it looks like a column name: a warning never echoes file content."""
    if isinstance(name, str) and COLUMN_NAME.fullmatch(name):
        return f"'{name}'"
    return "(a header that is not a column name, not shown)"


def _read_csv(table: Table, csv_path: Path, warnings: list[Problem]) -> Iterable[SourceRow]:
    known = table.by_name
    with csv_path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for column in header:
            if column not in known:
                warnings.append(Problem(csv_path.name, "1", f"unknown column {_column_label(column)} ignored"))
        out = []
        for number, record in enumerate(reader, start=2):
            values = {k: v for k, v in record.items() if k in known}
            if None in record:
                values["__extra__"] = record[None]
            out.append(SourceRow(csv_path.name, str(number), values))
        return out


def read_json(path: Path) -> tuple[dict[str, list[SourceRow]], list[Problem]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise RowError(f"{path.name} is not valid JSON: {error}") from error
    flattener = _Flattener(path.name)
    flattener.document(document, "$")
    return flattener.result(), flattener.warnings


def _kind_of(doc: dict) -> str | None:
    """Which HSDS object a top-level JSON document is, from the fields only it has."""
    if isinstance(doc.get("contents"), list):
        return "page"
    if "location_type" in doc:
        return "location"
    if "status" in doc or "service_at_locations" in doc:
        return "service"
    if isinstance(doc.get("service"), dict) or isinstance(doc.get("location"), dict):
        return "service_at_location"
    if "service_id" in doc and "location_id" in doc:
        return "service_at_location"
    if "organization_id" in doc and "name" in doc:
        return "service"
    if "taxonomy_detail" in doc or "parent_id" in doc or "code" in doc or "term_uri" in doc:
        return "term"
    if "name" in doc:
        return "organization"
    return None


class _Flattener:
    """Unfold nested HSDS JSON (service, organization, service_at_location, lists, pages) into rows."""

    def __init__(self, file: str):
        self.file = file
        self.rows: dict[str, dict[str, SourceRow]] = {}
        self.warnings: list[Problem] = []

    def result(self) -> dict[str, list[SourceRow]]:
        return {name: list(by_id.values()) for name, by_id in self.rows.items()}

    def add(self, table: str, obj: dict, where: str, **links) -> str | None:
        columns = BY_NAME[table].by_name
        values = {k: v for k, v in obj.items() if k in columns and not isinstance(v, (dict, list))}
        values.update({k: v for k, v in links.items() if v is not None})
        key = str(values.get("id") or f"{where}")
        current = self.rows.setdefault(table, {}).get(key)
        if current is None:
            self.rows[table][key] = SourceRow(self.file, where, values)
        else:  # the same record nested twice: fill in what the first place left out
            for k, v in values.items():
                if current.values.get(k) in (None, ""):
                    current.values[k] = v
        return values.get("id")

    def document(self, doc, where: str) -> None:
        if isinstance(doc, list):
            for i, item in enumerate(doc):
                self.document(item, f"{where}[{i}]")
            return
        if not isinstance(doc, dict):
            self.warnings.append(Problem(self.file, where, "not an HSDS object; skipped"))
            return
        kind = _kind_of(doc)
        if kind == "page":
            self.document(doc["contents"], f"{where}.contents")
        elif kind == "location":
            self.location(doc, where)
        elif kind:
            getattr(self, kind)(doc, where)
        else:
            self.warnings.append(Problem(self.file, where, "could not tell which HSDS object this is; skipped"))

    def _children(self, doc, key, where, fn, **links):
        for i, child in enumerate(doc.get(key) or []):
            if isinstance(child, dict):
                fn(child, f"{where}.{key}[{i}]", **links)

    def organization(self, doc, where, **links):
        org_id = self.add("organization", doc, where, **links)
        self._children(doc, "funding", where, self.simple("funding"), organization_id=org_id)
        self._children(doc, "contacts", where, self.contact, organization_id=org_id)
        self._children(doc, "phones", where, self.phone, organization_id=org_id)
        self._children(doc, "locations", where, self.location, organization_id=org_id)
        self._children(doc, "programs", where, self.simple("program"), organization_id=org_id)
        self._children(doc, "organization_identifiers", where, self.simple("organization_identifier"),
                       organization_id=org_id)  # fmt: skip
        self.attributes(doc, where, "organization", org_id)
        for i, service in enumerate(doc.get("services") or []):
            if isinstance(service, dict) and len(service) > 1:
                self.service(service, f"{where}.services[{i}]", organization_id=org_id)
        return org_id

    def service(self, doc, where, **links):
        organization = doc.get("organization")
        if isinstance(organization, dict):
            links.setdefault("organization_id", self.organization(organization, f"{where}.organization"))
        program = doc.get("program")
        if isinstance(program, dict):
            links["program_id"] = self.add(
                "program", program, f"{where}.program", organization_id=links.get("organization_id")
            )
        service_id = self.add("service", doc, where, **links)
        self._children(doc, "phones", where, self.phone, service_id=service_id)
        self._children(doc, "schedules", where, self.simple("schedule"), service_id=service_id)
        for key in ("service_areas", "languages", "funding", "cost_options", "required_documents"):
            table = {"service_areas": "service_area", "languages": "language", "cost_options": "cost_option",
                     "required_documents": "required_document"}.get(key, key)  # fmt: skip
            self._children(doc, key, where, self.simple(table), service_id=service_id)
        self._children(doc, "contacts", where, self.contact, service_id=service_id)
        self._children(doc, "service_at_locations", where, self.service_at_location, service_id=service_id)
        self.attributes(doc, where, "service", service_id)

    def service_at_location(self, doc, where, **links):
        if isinstance(doc.get("service"), dict):
            self.service(doc["service"], f"{where}.service")
            links.setdefault("service_id", doc["service"].get("id"))
        if isinstance(doc.get("location"), dict):
            links["location_id"] = self.location(doc["location"], f"{where}.location")
        sal_id = self.add("service_at_location", doc, where, **links)
        self._children(doc, "contacts", where, self.contact, service_at_location_id=sal_id)
        self._children(doc, "phones", where, self.phone, service_at_location_id=sal_id)
        self._children(doc, "schedules", where, self.simple("schedule"), service_at_location_id=sal_id)
        self.attributes(doc, where, "service_at_location", sal_id)

    def location(self, doc, where, **links):
        location_id = self.add("location", doc, where, **links)
        for key, table in (("languages", "language"), ("addresses", "address"), ("accessibility", "accessibility"),
                           ("schedules", "schedule")):  # fmt: skip
            self._children(doc, key, where, self.simple(table), location_id=location_id)
        self._children(doc, "contacts", where, self.contact, location_id=location_id)
        self._children(doc, "phones", where, self.phone, location_id=location_id)
        self.attributes(doc, where, "location", location_id)
        return location_id

    def contact(self, doc, where, **links):
        contact_id = self.add("contact", doc, where, **links)
        self._children(doc, "phones", where, self.phone, contact_id=contact_id)

    def phone(self, doc, where, **links):
        phone_id = self.add("phone", doc, where, **links)
        self._children(doc, "languages", where, self.simple("language"), phone_id=phone_id)

    def term(self, doc, where, **links):
        detail = doc.get("taxonomy_detail")
        if isinstance(detail, dict):
            links["taxonomy_id"] = self.add("taxonomy", detail, f"{where}.taxonomy_detail")
        return self.add("taxonomy_term", doc, where, **links)

    def attributes(self, doc, where, entity, link_id):
        for i, attribute in enumerate(doc.get("attributes") or []):
            if not isinstance(attribute, dict):
                continue
            here = f"{where}.attributes[{i}]"
            term_id = attribute.get("taxonomy_term_id")
            if isinstance(attribute.get("taxonomy_term"), dict):
                term_id = self.term(attribute["taxonomy_term"], f"{here}.taxonomy_term")
            # Nesting says what the attribute is about, whatever link_entity/link_id it carries.
            self.add("attribute", attribute, here, link_id=link_id, link_entity=entity, taxonomy_term_id=term_id)

    def simple(self, table):
        return lambda doc, where, **links: self.add(table, doc, where, **links)
