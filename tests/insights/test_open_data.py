"""Open data (issue 15, item 5): each complete month is a Frictionless Data Package whose numbers
are the dashboard's, validated here with the `frictionless` library itself."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from frictionless import Package, validate

from apps.insights.services import releases_publish
from tests.insights import public_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(db):
    cache.clear()
    public_data.write()
    releases_publish()
    yield
    cache.clear()


def download(client, tmp_path, month):
    for name in ("datapackage.json", "counts.csv", "shares.csv", "response_times.csv"):
        answer = client.get(f"/open-data/{month}/{name}")
        assert answer.status_code == 200, name
        (tmp_path / name).write_bytes(answer.content)
    return tmp_path / "datapackage.json"


def test_the_list_names_every_complete_month_and_the_licence(client, history):
    body = client.get("/open-data/").content.decode()
    assert "/open-data/2026-10/datapackage.json" in body and "/open-data/2026-09/counts.csv" in body
    assert "https://opendatacommons.org/licenses/pddl/1-0/" in body


@pytest.mark.parametrize("month", ["2026-09", "2026-10"])
def test_each_release_is_a_valid_data_package(client, history, tmp_path, month):
    descriptor = download(client, tmp_path, month)
    report = validate(str(descriptor))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(descriptor))
    assert {r.name for r in package.resources} == {"counts", "shares", "response_times"}
    for resource in package.resources:
        assert resource.schema.missing_values == ["suppressed"]
        assert all(field.description for field in resource.schema.fields)
    assert json.loads(descriptor.read_text())["licenses"][0]["name"] == "ODC-PDDL-1.0"


def test_the_csv_numbers_are_the_apis_with_the_same_suppression(client, history, tmp_path):
    download(client, tmp_path, "2026-09")
    api = client.get("/api/v1/public/summary/", {"from": "2026-09-01", "to": "2026-09-30"}).json()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "counts.csv").read_text())))
    published = {(r["measure"], r["breakdown"], r["group"]): r["value"] for r in rows}
    compared = 0
    for m in api["measures"]:
        if m["kind"] != "count":
            continue
        expected = {(m["key"], "total", ""): m["total"]}
        for by, values in m["breakdowns"].items():
            expected |= {(m["key"], by, r["group"]): r["value"] for r in values}
        for key, value in expected.items():
            assert published[key] == ("suppressed" if value is None else str(value)), key
            compared += 1
    assert compared > 50
    assert published[("calls", "source", "988")] == "suppressed"
    assert published[("calls", "total", "")] == "81"


def test_a_licence_from_the_settings(client, history, settings, tmp_path):
    settings.FIRSTLINE_OPEN_DATA_LICENSE = "CC-BY-4.0"
    descriptor = download(client, tmp_path, "2026-10")
    assert json.loads(descriptor.read_text())["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert validate(str(descriptor)).valid


@pytest.mark.parametrize(
    "path", ["/open-data/2026-08/counts.csv", "/open-data/2031-01/counts.csv", "/open-data/2026-09/x.csv"]
)
def test_a_month_not_released_or_an_unknown_file_is_a_404(client, history, path):
    assert client.get(path).status_code == 404
