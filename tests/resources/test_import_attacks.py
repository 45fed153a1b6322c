"""Hostile HSDS packages through the real doors: the admin upload form and the import_hsds command.

Each test makes the attack a supervisor account (or a poisoned partner export) could make: a
datapackage.json naming a server file, a zip member that is a link, a zip bomb. Each is refused
with a clear message, nothing is imported, and no byte of the server file comes back.
"""

import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.audit.models import AuditEntry
from apps.resources.models import Organization
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CANARY = "FIRSTLINE-CANARY-7f3a91"
ORGANIZATIONS = "id,name,description\n5a7d2d5e-8c1e-4d8e-9a55-1f0c7c5e2b11,Riverton Shelter,Beds tonight\n"
UPLOAD = "/admin/resources/directoryimport/"


@pytest.fixture
def server_secret(tmp_path_factory) -> Path:
    """A file outside every package, as the server's environment file with SECRET_KEY would be."""
    path = tmp_path_factory.mktemp("server") / "firstline.env"
    path.write_text(f"{CANARY}\nSECRET_KEY={CANARY}-key\n")
    return path


def escapes(secret: Path) -> list[str]:
    return [
        str(secret),  # absolute
        "../" * 12 + str(secret).lstrip("/"),  # climbing out of the unpack folder
        "data/../../" + secret.name,
        "/etc/hostname",
        "../../proc/self/environ",
        "../" * 12 + "proc/self/environ",
        "file://" + str(secret),
    ]


def package(path: Path, paths: list[str], files: dict[str, bytes] | None = None) -> Path:
    """A zip whose datapackage.json lists PATHS as the organization table."""
    resources = [{"name": "organization", "path": p} for p in paths]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", json.dumps({"name": "hostile", "resources": resources}))
        for name, content in (files or {}).items():
            archive.writestr(name, content)
    return path


def upload(client, supervisor, path: Path):
    assert client.login(username=supervisor.username, password=PASSWORD)
    with path.open("rb") as handle:
        return client.post(UPLOAD, {"package": handle})


def run_command(path: Path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_hsds", str(path), "--no-progress", stdout=out, stderr=err)
    return str(refused.value), out.getvalue() + err.getvalue()


def assert_refused_without_leak(text: str, secret: Path) -> None:
    assert "refused" in text
    assert CANARY not in text
    assert os.environ.get("DATABASE_URL", "postgres://never") not in text
    assert not Organization.objects.exists()


@pytest.mark.parametrize("which", range(7))
def test_an_uploaded_package_naming_a_server_file_is_refused_without_its_content(
    client, supervisor, tmp_path, server_secret, which
):
    listed = escapes(server_secret)[which]
    response = upload(client, supervisor, package(tmp_path / "hostile.zip", [listed]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "could not be read" in body and "outside the package" in body
    assert_refused_without_leak(body, server_secret)
    entry = AuditEntry.objects.get(action="resources.import")
    assert entry.outcome == "denied" and entry.door == "admin" and entry.actor == supervisor


@pytest.mark.parametrize("which", range(7))
def test_the_import_command_refuses_a_package_naming_a_server_file(tmp_path, server_secret, which):
    listed = escapes(server_secret)[which]
    message, output = run_command(package(tmp_path / "hostile.zip", [listed]))
    assert "outside the package" in message
    assert_refused_without_leak(message + output, server_secret)


def test_a_folder_package_naming_a_server_file_is_refused(tmp_path, server_secret):
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "organization", "path": "../../" + server_secret.name}]})
    )
    message, output = run_command(folder)
    assert_refused_without_leak(message + output, server_secret)


def test_a_zip_member_that_is_a_symbolic_link_is_refused(client, supervisor, tmp_path, server_secret):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("datapackage.json", json.dumps({"resources": [{"name": "organization", "path": "o.csv"}]}))
        link = zipfile.ZipInfo("o.csv")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, str(server_secret))
    body = upload(client, supervisor, path).content.decode()
    assert "symbolic link" in body
    assert_refused_without_leak(body, server_secret)
    message, _ = run_command(path)
    assert "symbolic link" in message


def test_a_folder_whose_csv_is_a_symbolic_link_is_refused(tmp_path, server_secret):
    with_descriptor = tmp_path / "listed"
    with_descriptor.mkdir()
    (with_descriptor / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "organization", "path": "organizations.csv"}]})
    )
    (with_descriptor / "organizations.csv").symlink_to(server_secret)
    message, output = run_command(with_descriptor)
    assert "symbolic link" in message
    assert_refused_without_leak(message + output, server_secret)

    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "organizations.csv").symlink_to(server_secret)
    message, output = run_command(bare)
    assert "symbolic link" in message and CANARY not in message + output


def test_a_linked_folder_inside_a_package_is_refused(tmp_path, server_secret):
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "data").symlink_to(server_secret.parent)
    (folder / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "organization", "path": "data/" + server_secret.name}]})
    )
    message, output = run_command(folder)
    assert "symbolic link" in message or "outside the package" in message
    assert_refused_without_leak(message + output, server_secret)


def test_a_zip_member_named_outside_the_package_is_refused(client, supervisor, tmp_path, server_secret):
    path = package(tmp_path / "slip.zip", ["organizations.csv"], {"../../escaped.csv": ORGANIZATIONS})
    body = upload(client, supervisor, path).content.decode()
    assert "points outside the package" in body
    assert not Organization.objects.exists()
    assert not (tmp_path.parent / "escaped.csv").exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(client, supervisor, tmp_path, server_secret):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("datapackage.json", json.dumps({"resources": [{"name": "organization", "path": "o.csv"}]}))
        archive.writestr("o.csv", "id,name,description\n" + "," * (8 * 2**20))
    assert path.stat().st_size < 100_000
    body = upload(client, supervisor, path).content.decode()
    assert "zip bomb" in body
    assert_refused_without_leak(body, server_secret)


def test_a_package_that_unpacks_past_the_cap_is_refused(client, supervisor, tmp_path, server_secret, settings):
    settings.FIRSTLINE_HSDS_MAX_UNZIPPED_BYTES = 64 * 1024
    rows = "".join(f"{os.urandom(16).hex()},name,description\n" for _ in range(3000))
    path = package(tmp_path / "big.zip", ["organizations.csv"], {"organizations.csv": "id,name,description\n" + rows})
    body = upload(client, supervisor, path).content.decode()
    assert "unzipped it would exceed" in body
    assert_refused_without_leak(body, server_secret)
    message, _ = run_command(path)
    assert "unzipped it would exceed" in message


def test_a_zip_of_too_many_files_is_refused(client, supervisor, tmp_path, server_secret):
    files = {f"extra/{i}.txt": b"" for i in range(150)}
    body = upload(client, supervisor, package(tmp_path / "many.zip", ["organizations.csv"], files)).content.decode()
    assert "at most 100 may be imported" in body
    assert_refused_without_leak(body, server_secret)


def test_an_upload_larger_than_the_cap_is_refused_by_the_form_and_the_command(
    client, supervisor, tmp_path, server_secret, settings
):
    rows = "".join(f"{os.urandom(16).hex()},name,description\n" for _ in range(200))
    path = package(tmp_path / "large.zip", ["organizations.csv"], {"organizations.csv": "id,name,description\n" + rows})
    settings.FIRSTLINE_HSDS_MAX_UPLOAD_BYTES = path.stat().st_size - 1
    response = upload(client, supervisor, path)
    assert response.status_code == 200
    assert "FIRSTLINE_HSDS_MAX_UPLOAD_BYTES" in response.content.decode()
    assert not Organization.objects.exists()
    message, _ = run_command(path)
    assert "larger than" in message


def test_an_upload_far_past_the_cap_is_refused_before_its_body_is_read(client, supervisor, tmp_path, settings):
    settings.FIRSTLINE_HSDS_MAX_UPLOAD_BYTES = 1024
    path = tmp_path / "huge.zip"
    path.write_bytes(os.urandom(200 * 1024))
    response = upload(client, supervisor, path)
    assert response.status_code == 413
    assert "larger than an import may be" in response.content.decode()


def test_a_well_formed_package_in_a_subfolder_still_imports(client, supervisor, tmp_path):
    path = package(tmp_path / "good.zip", ["data/organizations.csv"], {"data/organizations.csv": ORGANIZATIONS})
    response = upload(client, supervisor, path)
    assert response.status_code == 200
    assert Organization.objects.get().name == "Riverton Shelter"
    assert AuditEntry.objects.get(action="resources.import").outcome == "ok"


def test_a_header_that_is_not_a_column_name_is_not_echoed(tmp_path):
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "organizations.csv").write_text(
        f"id,name,description,SECRET_KEY={CANARY}\n5a7d2d5e-8c1e-4d8e-9a55-1f0c7c5e2b11,Shelter,Beds,x\n"
    )
    out = io.StringIO()
    call_command("import_hsds", str(folder), "--no-progress", stdout=out, stderr=io.StringIO())
    assert "not a column name, not shown" in out.getvalue()
    assert CANARY not in out.getvalue()
    assert Organization.objects.exists()
