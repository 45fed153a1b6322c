"""The HSDS 3 read API: responses validate against the compiled schemas; pages and filters per spec."""

import gzip
import json
import uuid
from datetime import timedelta
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from django.test import override_settings
from django.utils import timezone

from apps.resources.importer import import_hsds
from apps.resources.models import Organization, Service
from tests.resources.builders import make_service, need_term

pytestmark = pytest.mark.django_db

HSDS = Path(__file__).resolve().parents[1] / "data" / "hsds3"  # vendored with its CC BY-SA attribution
COMPILED = HSDS / "schema" / "compiled"
PAGE_KEYS = ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"]
EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"
EXAMPLE_ORGANIZATION = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"


@cache
def validator(name: str):
    schema = json.loads(gzip.decompress((COMPILED / f"{name}.json.gz").read_bytes()))
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema)


def assert_valid(name: str, document) -> None:
    errors = sorted(validator(name).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def assert_page(body: dict, item_schema: str | None = None) -> None:
    assert list(body) == PAGE_KEYS
    for item in body["contents"]:
        if item_schema:
            assert_valid(item_schema, item)


@pytest.fixture
def examples():
    import_hsds(HSDS / "examples" / "csv")
    import_hsds(HSDS / "examples" / "service_full.json")


def test_the_root_names_the_version_and_profile(client):
    body = client.get("/api/hsds/").json()
    assert body["version"].startswith("3")
    assert body["profile"].startswith("https://")


def test_service_list_and_detail_validate_against_the_compiled_schemas(client, examples):
    page = client.get("/api/hsds/services").json()
    assert page["total_items"] == 1
    assert_page(page, "service_list")
    full = client.get("/api/hsds/services?full=true").json()
    assert_page(full, "service")
    detail = client.get(f"/api/hsds/services/{EXAMPLE_SERVICE}").json()
    assert_valid("service", detail)
    assert detail["organization"]["id"] == EXAMPLE_ORGANIZATION
    assert detail["service_at_locations"][0]["location"]["addresses"][0]["city"] == "MyCity"
    assert detail["attributes"][0]["taxonomy_term"]["taxonomy_detail"]["id"]
    assert detail["schedules"][0]["opens_at"] == "10:00:00"


def test_organizations_validate_and_nest_their_services(client, examples):
    page = client.get("/api/hsds/organizations").json()
    assert_page(page, "organization_list")
    detail = client.get(f"/api/hsds/organizations/{EXAMPLE_ORGANIZATION}").json()
    assert_valid("organization", detail)
    assert [s["id"] for s in detail["services"]] == [EXAMPLE_SERVICE]
    full = client.get(f"/api/hsds/organizations/{EXAMPLE_ORGANIZATION}?full_service=true").json()
    assert_valid("organization", full)
    assert full["services"][0]["schedules"]


def test_services_at_locations_validate(client, examples):
    page = client.get("/api/hsds/service_at_locations").json()
    assert_page(page, "service_at_location_list")
    sal_id = page["contents"][0]["id"]
    detail = client.get(f"/api/hsds/service_at_locations/{sal_id}").json()
    assert_valid("service_at_location", detail)
    assert detail["location"]["id"]
    assert_page(client.get("/api/hsds/service_at_locations?full=true").json(), "service_at_location")


def test_taxonomies_and_terms_are_listed_and_fetched(client, examples):
    terms = client.get("/api/hsds/taxonomy_terms").json()
    assert terms["total_items"] >= 1
    term = terms["contents"][0]
    assert {"id", "name", "description"} <= set(term)
    assert client.get(f"/api/hsds/taxonomy_terms/{term['id']}").json()["id"] == term["id"]
    taxonomies = client.get("/api/hsds/taxonomies").json()
    assert_page(taxonomies)
    taxonomy_id = taxonomies["contents"][0]["id"]
    assert client.get(f"/api/hsds/taxonomies/{taxonomy_id}").json()["id"] == taxonomy_id
    assert client.get(f"/api/hsds/taxonomy_terms?taxonomy_id={taxonomy_id}").json()["total_items"] >= 1


def test_missing_records_are_404_with_a_detail(client):
    response = client.get(f"/api/hsds/services/{uuid.uuid4()}")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_pages_follow_the_spec_at_the_edges(client):
    organization = Organization.objects.create(name="Org", description="d")
    for i in range(5):
        Service.objects.create(organization=organization, name=f"Service {i}")
    first = client.get("/api/hsds/services?per_page=2").json()
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (5, 3, 1, 2)
    assert (first["first_page"], first["last_page"], first["empty"]) == (True, False, False)
    last = client.get("/api/hsds/services?per_page=2&page=3").json()
    assert (last["size"], last["first_page"], last["last_page"], last["empty"]) == (1, False, True, False)
    beyond = client.get("/api/hsds/services?per_page=2&page=9").json()
    assert (beyond["size"], beyond["contents"], beyond["empty"], beyond["last_page"]) == (0, [], True, True)
    names = [
        s["name"] for p in (1, 2, 3) for s in client.get(f"/api/hsds/services?per_page=2&page={p}").json()["contents"]
    ]
    assert names == [f"Service {i}" for i in range(5)]
    for bad in ("page=0", "page=-1", "per_page=0", "page=abc"):
        response = client.get(f"/api/hsds/services?{bad}")
        assert response.status_code == 400, bad
        assert bad.split("=")[0] in response.json()


def test_an_empty_directory_answers_an_empty_first_page(client):
    body = client.get("/api/hsds/services").json()
    assert body == {
        "total_items": 0, "total_pages": 0, "page_number": 1, "size": 0,
        "first_page": True, "last_page": True, "empty": True, "contents": [],
    }  # fmt: skip


def test_services_filter_by_search_organization_term_taxonomy_and_modified_after(client):
    shelter = make_service("Night shelter", needs=("shelter",))
    pantry = make_service("Food pantry", needs=("food",))
    term = need_term("shelter")
    from apps.resources.models import Taxonomy

    taxonomy = Taxonomy.objects.create(name="Firstline needs", description="needs")
    term.taxonomy_detail = taxonomy
    term.save()

    def ids(query):
        response = client.get(f"/api/hsds/services?{query}")
        assert response.status_code == 200, response.content
        return {s["id"] for s in response.json()["contents"]}

    assert ids("search=pantry") == {str(pantry.pk)}
    assert ids(f"organization_id={shelter.organization_id}") == {str(shelter.pk)}
    assert ids(f"taxonomy_term_id={term.pk}") == {str(shelter.pk)}
    assert ids(f"taxonomy_id={taxonomy.pk}") == {str(shelter.pk)}
    Service.objects.filter(pk=pantry.pk).update(last_modified=timezone.now() + timedelta(days=1))
    later = (timezone.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(f"modified_after={later}") == {str(pantry.pk)}
    assert client.get("/api/hsds/services?organization_id=nope").status_code == 400
    for bad in ("yesterday", "2026-13-01", "2026-02-30T10:00:00Z"):
        assert client.get(f"/api/hsds/services?modified_after={bad}").status_code == 400, bad
    assert ids("modified_after=2020-01-01") == {str(shelter.pk), str(pantry.pk)}
    minimal = client.get("/api/hsds/services?minimal=true").json()["contents"]
    assert set(minimal[0]) == {"id", "name", "status", "last_modified"}


def test_ndjson_streams_every_service_without_pages(client):
    for i in range(3):
        make_service(f"Service {i}", at=None)
    response = client.get("/api/hsds/services?format=ndjson")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["Service 0", "Service 1", "Service 2"]


def test_the_list_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for i in range(15):
        make_service(f"Service {i}", needs=("food",), languages=("es",), hours=[("MO", "09:00", "17:00")])
    with django_assert_max_num_queries(40):
        body = client.get("/api/hsds/services?full=true&per_page=15").json()
    assert body["size"] == 15


@override_settings(FIRSTLINE_HSDS_PUBLIC=False)
def test_a_private_directory_needs_a_signed_in_user(client, responder):
    assert client.get("/api/hsds/services").status_code == 403
    client.force_login(responder)
    assert client.get("/api/hsds/services").status_code == 200


def test_a_public_directory_is_readable_without_signing_in(client):
    assert client.get("/api/hsds/services").status_code == 200
    assert client.get("/api/hsds/services/").status_code == 200
