"""HSDS 3 JSON shapes of the directory, built from the table definitions in hsds.py.

A Graph loads the related rows of a whole page in one query per table (never one per record), then
nests them the way the HSDS 3 compiled schemas describe. Empty optional values are left out, since
the schemas type them as plain strings and numbers (null is not allowed).
"""

import uuid
from collections import defaultdict
from datetime import date, datetime, time

from apps.resources.hsds import BY_NAME

TERM_TABLE = BY_NAME["taxonomy_term"]


def _value(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return value


def flat(table_name: str, row: dict) -> dict:
    """One HSDS record's own fields (no nesting) from a values() row keyed by model attribute."""
    table = BY_NAME[table_name]
    out = {}
    for column in table.columns:
        value = row.get(column.attr)
        if value is None or (value == "" and not column.required):
            continue
        out[column.name] = _value(value)
    return out


class Graph:
    """Lazily loaded HSDS rows with children grouped by parent, for nesting a page of records."""

    def __init__(self):
        self._cache: dict = {}

    def rows(self, table_name: str, attr: str, ids) -> dict:
        """Rows of a table whose `attr` is in ids, grouped by that attr."""
        ids = {i for i in ids if i is not None}
        key = (table_name, attr)
        cache = self._cache.setdefault(key, {"loaded": set(), "by": defaultdict(list)})
        missing = ids - cache["loaded"]
        if missing:
            table = BY_NAME[table_name]
            attrs = [c.attr for c in table.columns]
            qs = table.model.objects.filter(**{f"{attr}__in": list(missing)}).order_by("pk").values(*attrs)
            for row in qs:
                cache["by"][row[attr]].append(row)
            cache["loaded"] |= missing
        return cache["by"]

    def by_id(self, table_name: str, ids) -> dict:
        return {i: rows[0] for i, rows in self.rows(table_name, "id", ids).items()}

    # --- nested pieces --------------------------------------------------------------------------

    def languages(self, attr: str, ids) -> dict:
        return {k: [flat("language", r) for r in v] for k, v in self.rows("language", attr, ids).items()}

    def phones(self, attr: str, ids) -> dict:
        groups = self.rows("phone", attr, ids)
        langs = self.languages("phone_id", [r["id"] for rows in groups.values() for r in rows])
        return {k: [{**flat("phone", r), "languages": langs.get(r["id"], [])} for r in v] for k, v in groups.items()}

    def contacts(self, attr: str, ids) -> dict:
        groups = self.rows("contact", attr, ids)
        phones = self.phones("contact_id", [r["id"] for rows in groups.values() for r in rows])
        return {k: [{**flat("contact", r), "phones": phones.get(r["id"], [])} for r in v] for k, v in groups.items()}

    def simple(self, table_name: str, attr: str, ids) -> dict:
        return {k: [flat(table_name, r) for r in v] for k, v in self.rows(table_name, attr, ids).items()}

    def terms(self, ids) -> dict:
        rows = self.by_id("taxonomy_term", ids)
        taxonomies = self.by_id("taxonomy", [r["taxonomy_detail_id"] for r in rows.values()])
        out = {}
        for term_id, row in rows.items():
            payload = flat("taxonomy_term", row)
            if row["taxonomy_detail_id"] in taxonomies:
                payload["taxonomy_detail"] = flat("taxonomy", taxonomies[row["taxonomy_detail_id"]])
            out[term_id] = payload
        return out

    def attributes(self, entity: str, ids) -> dict:
        groups = defaultdict(list)
        rows = [r for rows in self.rows("attribute", "link_id", ids).values() for r in rows]
        rows = [r for r in rows if r["link_entity"] == entity]
        terms = self.terms([r["taxonomy_term_id"] for r in rows])
        for r in rows:
            payload = flat("attribute", r)
            if r["taxonomy_term_id"] in terms:
                payload["taxonomy_term"] = terms[r["taxonomy_term_id"]]
            groups[r["link_id"]].append(payload)
        return groups

    def locations(self, ids) -> dict:
        rows = self.by_id("location", ids)
        ids = list(rows)
        addresses = self.simple("address", "location_id", ids)
        accessibility = self.simple("accessibility", "location_id", ids)
        languages = self.languages("location_id", ids)
        contacts = self.contacts("location_id", ids)
        phones = self.phones("location_id", ids)
        schedules = self.simple("schedule", "location_id", ids)
        attributes = self.attributes("location", ids)
        return {
            i: {
                **flat("location", row),
                "languages": languages.get(i, []),
                "addresses": addresses.get(i, []),
                "contacts": contacts.get(i, []),
                "accessibility": accessibility.get(i, []),
                "phones": phones.get(i, []),
                "schedules": schedules.get(i, []),
                "attributes": attributes.get(i, []),
            }
            for i, row in rows.items()
        }

    def organizations_basic(self, ids) -> dict:
        return {i: flat("organization", r) for i, r in self.by_id("organization", ids).items()}

    def programs_basic(self, ids) -> dict:
        return {i: flat("program", r) for i, r in self.by_id("program", ids).items()}

    # --- top-level records ----------------------------------------------------------------------

    def service_list_items(self, rows: list[dict]) -> list[dict]:
        orgs = self.organizations_basic([r["organization_id"] for r in rows])
        programs = self.programs_basic([r["program_id"] for r in rows])
        out = []
        for r in rows:
            item = flat("service", r)
            if r["organization_id"] in orgs:
                item["organization"] = orgs[r["organization_id"]]
            if r["program_id"] in programs:
                item["program"] = programs[r["program_id"]]
            out.append(item)
        return out

    def services_full(self, rows: list[dict]) -> list[dict]:
        ids = [r["id"] for r in rows]
        base = self.service_list_items(rows)
        phones = self.phones("service_id", ids)
        schedules = self.simple("schedule", "service_id", ids)
        areas = self.simple("service_area", "service_id", ids)
        languages = self.languages("service_id", ids)
        funding = self.simple("funding", "service_id", ids)
        costs = self.simple("cost_option", "service_id", ids)
        documents = self.simple("required_document", "service_id", ids)
        contacts = self.contacts("service_id", ids)
        attributes = self.attributes("service", ids)
        sal_groups = self.rows("service_at_location", "service_id", ids)
        sal_rows = [r for rows in sal_groups.values() for r in rows]
        sals = {s["id"]: s for s in self.service_at_locations_full(sal_rows, with_service=False)}
        out = []
        for item, row in zip(base, rows, strict=True):
            i = row["id"]
            item.update(
                {
                    "phones": phones.get(i, []),
                    "schedules": schedules.get(i, []),
                    "service_areas": areas.get(i, []),
                    "service_at_locations": [sals[str(s["id"])] for s in sal_groups.get(i, [])],
                    "languages": languages.get(i, []),
                    "funding": funding.get(i, []),
                    "cost_options": costs.get(i, []),
                    "required_documents": documents.get(i, []),
                    "contacts": contacts.get(i, []),
                    "attributes": attributes.get(i, []),
                }
            )
            out.append(item)
        return out

    def service_at_location_list_items(self, rows: list[dict]) -> list[dict]:
        services = {
            s["id"]: s
            for s in self.service_list_items(list(self.by_id("service", [r["service_id"] for r in rows]).values()))
        }
        locations = {
            i: flat("location", r) for i, r in self.by_id("location", [r["location_id"] for r in rows]).items()
        }
        out = []
        for r in rows:
            item = flat("service_at_location", r)
            if r["location_id"] in locations:
                item["location"] = locations[r["location_id"]]
            if str(r["service_id"]) in services:
                item["service"] = services[str(r["service_id"])]
            out.append(item)
        return out

    def service_at_locations_full(self, rows: list[dict], *, with_service: bool = True) -> list[dict]:
        ids = [r["id"] for r in rows]
        contacts = self.contacts("service_at_location_id", ids)
        phones = self.phones("service_at_location_id", ids)
        schedules = self.simple("schedule", "service_at_location_id", ids)
        attributes = self.attributes("service_at_location", ids)
        locations = self.locations([r["location_id"] for r in rows])
        services = {}
        if with_service:
            service_rows = list(self.by_id("service", [r["service_id"] for r in rows]).values())
            services = {s["id"]: s for s in self.service_list_items(service_rows)}
        out = []
        for r in rows:
            i = r["id"]
            item = {
                **flat("service_at_location", r),
                "contacts": contacts.get(i, []),
                "phones": phones.get(i, []),
                "schedules": schedules.get(i, []),
                "attributes": attributes.get(i, []),
            }
            if r["location_id"] in locations:
                item["location"] = locations[r["location_id"]]
            if str(r["service_id"]) in services:
                item["service"] = services[str(r["service_id"])]
            out.append(item)
        return out

    def organizations_full(self, rows: list[dict], *, full_service: bool = False) -> list[dict]:
        ids = [r["id"] for r in rows]
        funding = self.simple("funding", "organization_id", ids)
        contacts = self.contacts("organization_id", ids)
        phones = self.phones("organization_id", ids)
        location_groups = self.rows("location", "organization_id", ids)
        locations = self.locations([r["id"] for rows in location_groups.values() for r in rows])
        programs = self.simple("program", "organization_id", ids)
        identifiers = self.simple("organization_identifier", "organization_id", ids)
        attributes = self.attributes("organization", ids)
        service_groups = self.rows("service", "organization_id", ids)
        all_services = [r for rows in service_groups.values() for r in rows]
        built = self.services_full(all_services) if full_service else [flat("service", r) for r in all_services]
        services = defaultdict(list)
        for row, payload in zip(all_services, built, strict=True):
            services[row["organization_id"]].append(payload)
        out = []
        for r in rows:
            i = r["id"]
            out.append(
                {
                    **flat("organization", r),
                    "funding": funding.get(i, []),
                    "contacts": contacts.get(i, []),
                    "phones": phones.get(i, []),
                    "locations": [locations[x["id"]] for x in location_groups.get(i, []) if x["id"] in locations],
                    "programs": programs.get(i, []),
                    "organization_identifiers": identifiers.get(i, []),
                    "attributes": attributes.get(i, []),
                    "services": services.get(i, []),
                }
            )
        return out


def values_for(table_name: str, queryset):
    """A lazy values() queryset with every HSDS column of the table (count and slice stay in SQL)."""
    return queryset.values(*[c.attr for c in BY_NAME[table_name].columns])
