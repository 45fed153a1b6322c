"""`import_addresses`: OpenAddresses CSV in bulk, with progress, bad rows skipped, a re-import a no-op."""

import pytest
from django.core.management import CommandError, call_command

from apps.audit.models import AuditEntry
from apps.places.models import AddressPoint, Street
from apps.places.services import addresses_import

pytestmark = pytest.mark.django_db
HEADER = "LON,LAT,NUMBER,STREET,UNIT,CITY,DISTRICT,REGION,POSTCODE,ID,HASH\n"
GOOD = [
    "-104.99,39.74,1450,North Elm Street,,Riverton,Downtown,CO,80201,a1,h1",
    "-104.99,39.741,1452,N Elm St,Apt 3B,Riverton,Downtown,CO,80201,a2,h2",
    "-104.98,39.75,12,W. 5th Ave,,Riverton,Northside,CO,80205,a3,",
]
BAD = [
    "x,39.74,1,Elm St,,Riverton,,,,b1,hb1",  # LON not a number
    "-104.99,99,2,Elm St,,Riverton,,,,b2,hb2",  # LAT out of range
    "-104.99,39.74,,Elm St,,Riverton,,,,b3,hb3",  # no number
    "-104.99,39.74,3,,,Riverton,,,,b4,hb4",  # no street
    "-104.99,39.74,4,Elm St,,Riverton,,,,b5,hb5,surplus",  # a cell too many
]


def write(tmp_path, lines, name="points.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_points_are_stored_with_normal_street_keys(tmp_path):
    result = addresses_import(source=write(tmp_path, GOOD))
    assert (result.read, result.created, result.skipped_count) == (3, 3, 0)
    elm = Street.objects.get(key="N ELM ST")
    assert (elm.name_key, elm.predir, elm.street_type, elm.city) == ("ELM", "N", "ST", "Riverton")
    assert elm.points.count() == 2  # "North Elm Street" and "N Elm St" are one street
    assert set(elm.points.values_list("unit", flat=True)) == {"", "3B"}
    fifth = AddressPoint.objects.get(street__key="W 5TH AVE")
    assert (fifth.number, fifth.number_value, fifth.latitude, fifth.longitude) == ("12", 12, 39.75, -104.98)
    assert fifth.source_hash  # no HASH in the file: a digest of the row stands in
    assert AuditEntry.objects.filter(action="places.import").exists()


def test_bad_rows_are_skipped_with_their_line_and_reason(tmp_path):
    result = addresses_import(source=write(tmp_path, [GOOD[0], *BAD, GOOD[1]]))
    assert result.created == 2 and result.skipped_count == 5
    assert [(p.line, p.reason) for p in result.skipped] == [
        (3, "LON and LAT must be numbers"),
        (4, "LON/LAT out of range"),
        (5, "NUMBER is empty"),
        (6, "STREET is empty"),
        (7, "more cells than the header has columns"),
    ]


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path, GOOD)
    addresses_import(source=path)
    before = list(AddressPoint.objects.order_by("pk").values())
    audited = AuditEntry.objects.count()
    again = addresses_import(source=path)
    assert AuditEntry.objects.count() == audited
    assert (again.created, again.unchanged, again.streets_created) == (0, 3, 0)
    assert list(AddressPoint.objects.order_by("pk").values()) == before
    assert Street.objects.count() == 2


def test_a_row_repeated_inside_one_file_is_stored_once(tmp_path):
    result = addresses_import(source=write(tmp_path, [GOOD[0], GOOD[0]]))
    assert (result.created, result.unchanged) == (1, 1)


def test_progress_is_reported_per_batch_up_to_the_total(tmp_path):
    lines = [f"-104.99,39.74,{n},Elm St,,Riverton,,,,id{n},h{n}" for n in range(1, 26)]
    seen = []
    addresses_import(
        source=write(tmp_path, lines), progress=lambda done, total: seen.append((done, total)), batch_size=10
    )
    assert seen == [(10, 25), (20, 25), (25, 25)]
    assert AddressPoint.objects.count() == 25


def test_a_file_without_the_openaddresses_columns_is_refused_whole(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("x,y,house\n1,2,3\n")
    with pytest.raises(CommandError, match="LON, LAT, NUMBER, STREET"):
        call_command("import_addresses", str(path), "--no-progress")
    assert not AddressPoint.objects.exists()


def test_the_command_shows_progress_the_summary_and_each_skipped_row(tmp_path, capsys):
    call_command("import_addresses", str(write(tmp_path, [*GOOD, BAD[0]])))
    out, err = capsys.readouterr()
    assert "4 rows read" in err
    assert "Read 4 rows: 3 address points added, 0 already known, 1 skipped; 2 new streets." in out
    assert "line 5: LON and LAT must be numbers" in out


def test_a_missing_file_is_a_command_error_not_a_traceback(tmp_path):
    with pytest.raises(CommandError):
        call_command("import_addresses", str(tmp_path / "nope.csv"), "--no-progress")


def test_a_row_that_is_not_utf8_is_skipped_and_the_rest_imported(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes((HEADER + GOOD[0] + "\n").encode() + b"-104.9,39.7,5,Caf\xe9 St,,,,,,z,hz\n" + GOOD[1].encode())
    result = addresses_import(source=path)
    assert result.created == 2
    assert [(p.line, p.reason) for p in result.skipped] == [(3, "is not UTF-8 text")]
