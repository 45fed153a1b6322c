"""Importing and exporting HSDS 3: the specification's examples, idempotence, round trip and bad rows."""

import csv
import gzip
import hashlib
import io
import json
import re
import shutil
import uuid
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.audit.models import AuditEntry
from apps.resources.exporter import export_hsds, zip_folder
from apps.resources.hsds import TABLES
from apps.resources.importer import import_hsds
from apps.resources.models import (
    Attribute,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceCapacity,
    TaxonomyTerm,
)

pytestmark = pytest.mark.django_db

HSDS = Path(__file__).resolve().parents[1] / "data" / "hsds3"  # vendored with its CC BY-SA attribution
EXAMPLES = HSDS / "examples"

EXAMPLE_SERVICE = uuid.UUID("ac148810-d857-441c-9679-408f346de14b")
EXAMPLE_ORGANIZATION = uuid.UUID("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")


def copy_example(tmp_path: Path) -> Path:
    target = tmp_path / "package"
    shutil.copytree(EXAMPLES / "csv", target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


def rewrite_csv(path: Path, edit) -> None:
    """edit(rows: list[dict], header: list[str]) -> (rows, header)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows, header = list(reader), list(reader.fieldnames)
    rows, header = edit(rows, header)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


def snapshot() -> dict:
    """Every HSDS table's rows, as the exporter sees them: the directory's content."""
    return {
        t.name: sorted(tuple(str(v) for v in row) for row in t.model.objects.values_list(*[c.attr for c in t.columns]))
        for t in TABLES
    }


def test_the_vendored_examples_and_schemas_are_the_specifications_unchanged():
    """tests/data/hsds3/ATTRIBUTION.md names the source and licence and lists each file's digest."""
    note = (HSDS / "ATTRIBUTION.md").read_text()
    listed = {path: digest for digest, path in re.findall(r"^([0-9a-f]{64})  (\S+)$", note, re.M)}
    found = {}
    for path in HSDS.rglob("*"):
        if path.is_file() and path.name != "ATTRIBUTION.md":
            data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            found[path.relative_to(HSDS).as_posix().removesuffix(".gz")] = hashlib.sha256(data).hexdigest()
    assert found == listed and "CC BY-SA 4.0" in note


def test_the_shared_tabular_example_imports_and_reports_its_dangling_links():
    result = import_hsds(EXAMPLES / "csv")
    service = Service.objects.get(pk=EXAMPLE_SERVICE)
    assert service.organization_id == EXAMPLE_ORGANIZATION
    assert service.minimum_age == 12 and service.maximum_age == 100
    schedule = Schedule.objects.get(service=service)
    assert (schedule.freq, schedule.byday, str(schedule.opens_at)) == ("WEEKLY", "TH,FR", "10:00:00")
    assert result.created["service"] == 1 and result.created["schedule"] == 1
    # The example's attribute names no real table: rejected with file, row and reason.
    assert [(p.file, p.row) for p in result.rejected] == [("attributes.csv", "2")]
    assert "link_entity" in result.rejected[0].reason
    warnings = " ".join(str(w) for w in result.warnings)
    assert "parent_organization_id" in warnings and "out of range" in warnings
    assert Location.objects.get().latitude is None


def test_importing_the_same_package_twice_changes_nothing():
    import_hsds(EXAMPLES / "csv")
    before = snapshot()
    again = import_hsds(EXAMPLES / "csv")
    assert again.totals()["created"] == 0
    assert again.totals()["updated"] == 0
    assert again.totals()["unchanged"] == 18
    assert snapshot() == before


@pytest.mark.parametrize(
    "name",
    [
        "service_full.json",
        "service_list.json",
        "organization_full.json",
        "organization_list.json",
        "service_at_location_full.json",
        "service_at_location_list.json",
        "taxonomy_term_list.json",
    ],
)
def test_the_shared_json_examples_import_and_reimport_unchanged(name):
    result = import_hsds(EXAMPLES / name)
    assert not result.rejected, result.rejected
    assert result.totals()["created"] > 0
    again = import_hsds(EXAMPLES / name)
    assert again.totals()["created"] == again.totals()["updated"] == 0


def test_a_nested_service_document_links_its_taxonomy_term_to_the_service():
    import_hsds(EXAMPLES / "service_full.json")
    service = Service.objects.get(pk=EXAMPLE_SERVICE)
    attribute = Attribute.objects.get(link_id=service.pk)
    assert attribute.link_entity == "service"
    assert attribute.taxonomy_term.taxonomy_detail is not None
    assert service.service_at_locations.get().location.addresses.exists()


def test_export_then_import_into_an_empty_directory_gives_the_same_data(tmp_path):
    import_hsds(EXAMPLES / "service_full.json")
    import_hsds(EXAMPLES / "csv")
    Organization.objects.create(name="Added in the admin, no description")
    before = snapshot()
    export_hsds(tmp_path / "out")
    for table in reversed(TABLES):
        if table.name == "service":
            Service.objects.all().delete()
        elif table.name != "organization":
            table.model.objects.all().delete()
    Organization.objects.all().delete()
    assert snapshot() != before
    result = import_hsds(tmp_path / "out")
    assert not result.rejected, result.rejected
    assert snapshot() == before
    # and the export is itself stable: importing it again changes nothing
    assert import_hsds(tmp_path / "out").totals()["updated"] == 0


def test_a_row_with_a_bad_uuid_is_rejected_and_the_rest_imports(tmp_path):
    package = copy_example(tmp_path)

    def add_bad(rows, header):
        bad = dict(rows[0], id="not-a-uuid", name="Broken")
        good = dict(rows[0], id=str(uuid.uuid4()), name="Second service")
        return [*rows, bad, good], header

    rewrite_csv(package / "services.csv", add_bad)
    result = import_hsds(package)
    assert any(p.file == "services.csv" and p.row == "3" and "not a valid UUID" in p.reason for p in result.rejected)
    assert set(Service.objects.values_list("name", flat=True)) == {"Community Counselling", "Second service"}


def test_a_service_whose_organization_does_not_exist_is_rejected_and_its_children_with_it(tmp_path):
    package = copy_example(tmp_path)
    rewrite_csv(
        package / "services.csv",
        lambda rows, header: ([dict(rows[0], organization_id=str(uuid.uuid4()))], header),
    )
    result = import_hsds(package)
    reasons = {(p.file, p.reason.split(" ")[0]) for p in result.rejected}
    assert ("services.csv", "organization_id") in reasons
    assert ("service_at_location.csv", "service_id") in reasons
    assert not Service.objects.exists()
    # an optional link to the missing service is cleared, not fatal
    assert Schedule.objects.get().service_id is None


def test_a_service_without_a_name_is_rejected(tmp_path):
    package = copy_example(tmp_path)
    rewrite_csv(package / "services.csv", lambda rows, header: ([dict(rows[0], name="")], header))
    result = import_hsds(package)
    assert any(p.file == "services.csv" and p.reason == "name is required" for p in result.rejected)


def test_a_schedule_with_a_bad_time_is_rejected(tmp_path):
    package = copy_example(tmp_path)
    rewrite_csv(package / "schedules.csv", lambda rows, header: ([dict(rows[0], opens_at="25:99")], header))
    result = import_hsds(package)
    assert any(p.file == "schedules.csv" and "opens_at '25:99' is not a time" in p.reason for p in result.rejected)
    assert not Schedule.objects.exists()
    assert Service.objects.exists()


def test_unknown_columns_are_reported_and_ignored(tmp_path):
    package = copy_example(tmp_path)

    def add_column(rows, header):
        return [dict(r, favourite_colour="teal") for r in rows], [*header, "favourite_colour"]

    rewrite_csv(package / "organizations.csv", add_column)
    result = import_hsds(package)
    assert any("unknown column 'favourite_colour'" in p.reason for p in result.warnings)
    assert Organization.objects.filter(pk=EXAMPLE_ORGANIZATION).exists()


def test_a_changed_row_is_updated_and_only_it(tmp_path):
    package = copy_example(tmp_path)
    import_hsds(package)
    rewrite_csv(package / "services.csv", lambda rows, header: ([dict(rows[0], name="Counselling (new name)")], header))
    result = import_hsds(package)
    assert result.updated["service"] == 1
    assert result.totals()["updated"] == 1
    assert Service.objects.get().name == "Counselling (new name)"


def test_import_leaves_capacity_partnership_and_need_codes_alone(tmp_path):
    import_hsds(EXAMPLES / "csv")
    Organization.objects.filter(pk=EXAMPLE_ORGANIZATION).update(partnership_status="formal")
    ServiceCapacity.objects.create(service_id=EXAMPLE_SERVICE, available=3, total=10)
    TaxonomyTerm.objects.update(need_code="mental_health")
    package = copy_example(tmp_path)
    rewrite_csv(package / "organizations.csv", lambda rows, header: ([dict(rows[0], name="Renamed")], header))
    import_hsds(package)
    organization = Organization.objects.get(pk=EXAMPLE_ORGANIZATION)
    assert (organization.name, organization.partnership_status) == ("Renamed", "formal")
    assert ServiceCapacity.objects.get().available == 3
    assert TaxonomyTerm.objects.get().need_code == "mental_health"


def test_the_commands_print_a_summary_and_export_a_zip(tmp_path):
    out = io.StringIO()
    call_command("import_hsds", str(EXAMPLES / "csv"), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "Created 18, updated 0, unchanged 0, rejected 1." in text
    assert "attributes.csv row 2" in text
    call_command("export_hsds", str(tmp_path / "directory.zip"), stdout=io.StringIO())
    with zipfile.ZipFile(tmp_path / "directory.zip") as archive:
        assert {"datapackage.json", "services.csv", "schedules.csv"} <= set(archive.namelist())
    assert AuditEntry.objects.filter(action="resources.import").exists()


def test_a_large_import_shows_progress_on_stderr(tmp_path):
    package = tmp_path / "big"
    package.mkdir()
    organization = uuid.uuid4()
    (package / "organizations.csv").write_text(f"id,name,description\n{organization},Big org,Lots of services\n")
    lines = ["id,organization_id,name,status"] + [
        f"{uuid.uuid4()},{organization},Service {i},active" for i in range(1200)
    ]
    (package / "services.csv").write_text("\n".join(lines) + "\n")
    err, out = io.StringIO(), io.StringIO()
    call_command("import_hsds", str(package), stdout=out, stderr=err)
    assert "1201/1201 rows" in err.getvalue()
    assert "Created 1201" in out.getvalue()
    assert Service.objects.count() == 1200


def test_a_supervisor_uploads_a_zipped_datapackage_in_the_admin(client, supervisor, tmp_path):
    zip_folder(copy_example(tmp_path), tmp_path / "package.zip")
    client.force_login(supervisor)
    page = client.get("/admin/resources/directoryimport/")
    assert page.status_code == 200
    with (tmp_path / "package.zip").open("rb") as handle:
        response = client.post("/admin/resources/directoryimport/", {"package": handle})
    assert response.status_code == 200
    body = response.content.decode()
    assert "attributes.csv row 2" in body
    assert Service.objects.filter(pk=EXAMPLE_SERVICE).exists()
    entry = AuditEntry.objects.get(action="resources.import")
    assert entry.door == "admin" and entry.actor == supervisor


def test_a_file_that_is_not_a_datapackage_is_refused_with_a_message(client, supervisor, tmp_path):
    (tmp_path / "notes.zip").write_bytes(b"this is not a zip file")
    client.force_login(supervisor)
    with (tmp_path / "notes.zip").open("rb") as handle:
        response = client.post("/admin/resources/directoryimport/", {"package": handle}, follow=True)
    assert response.status_code == 200
    assert "could not be read" in response.content.decode()
    with pytest.raises(CommandError):
        call_command("import_hsds", str(tmp_path / "missing-folder"), stdout=io.StringIO())


def test_the_admin_upload_refuses_people_who_are_not_supervisors(client, dispatcher):
    client.force_login(dispatcher)
    response = client.get("/admin/resources/directoryimport/")
    assert response.status_code == 302


def test_a_json_document_with_a_bad_id_is_rejected_with_its_path(tmp_path):
    document = {
        "id": "12345",
        "name": "Broken service",
        "status": "active",
        "organization": {"id": str(uuid.uuid4()), "name": "Good org", "description": "Fine"},
    }
    (tmp_path / "service.json").write_text(json.dumps(document))
    result = import_hsds(tmp_path / "service.json")
    assert [(p.file, p.row) for p in result.rejected] == [("service.json", "$")]
    assert "not a valid UUID" in result.rejected[0].reason
    assert Organization.objects.filter(name="Good org").exists()


def test_single_json_documents_of_each_kind_are_recognised(tmp_path):
    organization = str(uuid.uuid4())
    service, location = str(uuid.uuid4()), str(uuid.uuid4())
    documents = {
        "org.json": {"id": organization, "name": "Org", "description": "d"},
        "service.json": {"id": service, "organization_id": organization, "name": "S", "status": "active"},
        "location.json": {"id": location, "location_type": "physical", "name": "Site", "latitude": 39.7,
                          "longitude": -104.9},
        "sal.json": {"id": str(uuid.uuid4()), "service_id": service, "location_id": location},
    }  # fmt: skip
    for name, document in documents.items():
        (tmp_path / name).write_text(json.dumps(document))
        result = import_hsds(tmp_path / name)
        assert result.totals()["created"] == 1 and not result.rejected, (name, result.as_dict())
    assert Service.objects.get(pk=service).service_at_locations.get().location.latitude == 39.7


def test_text_with_a_nul_character_is_rejected(tmp_path):
    organization = str(uuid.uuid4())
    document = [
        {"id": organization, "name": "Fine org", "description": "d"},
        {"id": str(uuid.uuid4()), "name": "Bad\x00org", "description": "d"},
    ]
    (tmp_path / "orgs.json").write_text(json.dumps(document))
    result = import_hsds(tmp_path / "orgs.json")
    assert [p.row for p in result.rejected] == ["$[1]"]
    assert Organization.objects.filter(pk=organization).exists()


def test_a_supervisor_downloads_the_directory_and_it_uploads_back_unchanged(client, supervisor, tmp_path):
    from tests.resources.builders import make_service

    make_service("Night shelter", needs=("shelter",), hours=[("FR", "22:00", "06:00")], languages=("es",))
    client.force_login(supervisor)
    response = client.get("/admin/resources/directoryimport/?download=zip")
    assert response.status_code == 200
    (tmp_path / "directory.zip").write_bytes(response.content)
    assert AuditEntry.objects.filter(action="resources.export", door="export").exists()
    result = import_hsds(tmp_path / "directory.zip")
    assert result.totals()["created"] == result.totals()["updated"] == 0
    assert result.unchanged["service"] == 1 and result.unchanged["schedule"] == 1
