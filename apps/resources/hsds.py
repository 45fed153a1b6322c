"""The HSDS 3 tables Firstline stores: columns, types, required flags and links, in import order.

Import, export and the datapackage descriptor all read this one table of tables, so a column added
here is imported, exported and re-imported the same way. It describes data only; it never writes.
"""

from dataclasses import dataclass, field

from apps.resources import models as m

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://openreferral.org/imls/hsds/"


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"  # string | uuid | integer | number | date | datetime | time
    required: bool = False
    fk: str | None = None  # the HSDS table this column points at
    attname: str | None = None  # the model attribute, when it differs from the HSDS column name

    @property
    def attr(self) -> str:
        return self.attname or self.name


@dataclass(frozen=True)
class Table:
    name: str
    path: str
    model: type
    columns: tuple[Column, ...]
    extra: dict = field(default_factory=dict)

    @property
    def by_name(self) -> dict[str, Column]:
        return {c.name: c for c in self.columns}


def C(name, type="string", required=False, fk=None, attname=None):
    return Column(name, type, required, fk, attname)


ID = C("id", "uuid", True)

TABLES: tuple[Table, ...] = (
    Table("organization", "organizations.csv", m.Organization, (
        ID, C("name", required=True), C("alternate_name"), C("description", required=True), C("email"),
        C("website"), C("tax_status"), C("tax_id"), C("year_incorporated", "integer"), C("legal_status"),
        C("logo"), C("uri"), C("parent_organization_id", "uuid", fk="organization"),
    )),
    Table("program", "programs.csv", m.Program, (
        ID, C("organization_id", "uuid", True, "organization"), C("name", required=True), C("alternate_name"),
        C("description", required=True),
    )),
    Table("taxonomy", "taxonomies.csv", m.Taxonomy, (
        ID, C("name", required=True), C("description", required=True), C("uri"), C("version"),
    )),
    Table("taxonomy_term", "taxonomy_terms.csv", m.TaxonomyTerm, (
        ID, C("code"), C("name", required=True), C("description", required=True),
        C("parent_id", "uuid", fk="taxonomy_term"), C("taxonomy"), C("language"),
        C("taxonomy_id", "uuid", fk="taxonomy", attname="taxonomy_detail_id"), C("term_uri"),
    )),
    Table("service", "services.csv", m.Service, (
        ID, C("organization_id", "uuid", True, "organization"), C("program_id", "uuid", fk="program"),
        C("name", required=True), C("alternate_name"), C("description"), C("url"), C("email"),
        C("status", required=True), C("interpretation_services"), C("application_process"),
        C("fees_description"), C("wait_time"), C("fees"), C("accreditations"), C("eligibility_description"),
        C("minimum_age", "integer"), C("maximum_age", "integer"), C("assured_date", "date"), C("assurer_email"),
        C("licenses"), C("alert"), C("last_modified", "datetime"),
    )),
    Table("location", "locations.csv", m.Location, (
        ID, C("location_type", required=True), C("url"), C("organization_id", "uuid", fk="organization"),
        C("name"), C("alternate_name"), C("description"), C("transportation"), C("latitude", "number"),
        C("longitude", "number"), C("external_identifier"), C("external_identifier_type"),
    )),
    Table("service_at_location", "service_at_location.csv", m.ServiceAtLocation, (
        ID, C("service_id", "uuid", True, "service"), C("location_id", "uuid", True, "location"), C("description"),
    )),
    Table("contact", "contacts.csv", m.Contact, (
        ID, C("organization_id", "uuid", fk="organization"), C("service_id", "uuid", fk="service"),
        C("service_at_location_id", "uuid", fk="service_at_location"), C("location_id", "uuid", fk="location"),
        C("name"), C("title"), C("department"), C("email"),
    )),
    Table("phone", "phones.csv", m.Phone, (
        ID, C("location_id", "uuid", fk="location"), C("service_id", "uuid", fk="service"),
        C("organization_id", "uuid", fk="organization"), C("contact_id", "uuid", fk="contact"),
        C("service_at_location_id", "uuid", fk="service_at_location"), C("number", required=True),
        C("extension", "integer"), C("type"), C("description"),
    )),
    Table("address", "addresses.csv", m.Address, (
        ID, C("location_id", "uuid", fk="location"), C("attention"), C("address_1", required=True), C("address_2"),
        C("city", required=True), C("region"), C("state_province", required=True),
        C("postal_code", required=True), C("country", required=True), C("address_type", required=True),
    )),
    Table("schedule", "schedules.csv", m.Schedule, (
        ID, C("service_id", "uuid", fk="service"), C("location_id", "uuid", fk="location"),
        C("service_at_location_id", "uuid", fk="service_at_location"), C("valid_from", "date"),
        C("valid_to", "date"), C("dtstart", "date"), C("timezone", "number"), C("until", "date"),
        C("count", "integer"), C("wkst"), C("freq"), C("interval", "integer"), C("byday"), C("byweekno"),
        C("bymonthday"), C("byyearday"), C("description"), C("opens_at", "time"), C("closes_at", "time"),
        C("schedule_link"), C("attending_type"), C("notes"),
    )),
    Table("funding", "funding.csv", m.Funding, (
        ID, C("organization_id", "uuid", fk="organization"), C("service_id", "uuid", fk="service"), C("source"),
    )),
    Table("service_area", "service_areas.csv", m.ServiceArea, (
        ID, C("service_id", "uuid", fk="service"), C("name"), C("description"), C("extent"), C("extent_type"),
        C("uri"),
    )),
    Table("required_document", "required_documents.csv", m.RequiredDocument, (
        ID, C("service_id", "uuid", fk="service"), C("document"), C("uri"),
    )),
    Table("language", "languages.csv", m.Language, (
        ID, C("service_id", "uuid", fk="service"), C("location_id", "uuid", fk="location"),
        C("phone_id", "uuid", fk="phone"), C("name"), C("code"), C("note"),
    )),
    Table("accessibility", "accessibility.csv", m.Accessibility, (
        ID, C("location_id", "uuid", fk="location"), C("description"), C("details"), C("url"),
    )),
    Table("cost_option", "cost_options.csv", m.CostOption, (
        ID, C("service_id", "uuid", True, "service"), C("valid_from", "date"), C("valid_to", "date"), C("option"),
        C("currency"), C("amount", "number"), C("amount_description"),
    )),
    Table("organization_identifier", "organization_identifiers.csv", m.OrganizationIdentifier, (
        ID, C("organization_id", "uuid", True, "organization"), C("identifier_scheme"),
        C("identifier_type", required=True), C("identifier", required=True),
    )),
    Table("attribute", "attributes.csv", m.Attribute, (
        ID, C("link_id", "uuid", True), C("taxonomy_term_id", "uuid", True, "taxonomy_term"), C("link_type"),
        C("link_entity", required=True), C("value"),
    )),
)  # fmt: skip

BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
BY_PATH: dict[str, Table] = {t.path: t for t in TABLES}
# HSDS tables Firstline reads past without storing (reported as skipped, not as errors).
NOT_STORED = {"metadata", "meta_table_description"}

DATAPACKAGE_TYPES = {
    "uuid": ("string", "uuid"),
    "string": ("string", None),
    "integer": ("number", None),
    "number": ("number", None),
    "date": ("date", None),
    "datetime": ("datetime", None),
    "time": ("time", None),
}


def datapackage_descriptor() -> dict:
    """A Frictionless datapackage.json describing the CSVs export_hsds writes."""
    resources = []
    for table in TABLES:
        fields = []
        for column in table.columns:
            kind, fmt = DATAPACKAGE_TYPES[column.type]
            spec = {"name": column.name, "type": kind, "constraints": {"required": column.required}}
            if fmt:
                spec["format"] = fmt
            fields.append(spec)
        foreign_keys = [
            {"fields": c.name, "reference": {"resource": c.fk, "fields": "id"}}
            for c in table.columns
            if c.fk and c.fk != table.name
        ]
        schema = {"primaryKey": "id", "fields": fields}
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": table.name,
                "path": table.path,
                "format": "csv",
                "mediatype": "text/csv",
                "profile": "tabular-data-resource",
                "schema": schema,
            }
        )
    return {
        "name": "firstline-hsds-export",
        "title": "Firstline resource directory (HSDS 3)",
        "profile": "tabular-data-package",
        "version": HSDS_VERSION,
        "license": {"name": "CC-BY-SA-4.0"},
        "resources": resources,
    }
