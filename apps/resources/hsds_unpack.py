"""Opening an HSDS package without trusting it: size caps, zip bombs, member names, symlinks, and
resource paths that must stay inside the package.

A package comes from outside the program (a partner's export, a file a supervisor downloaded), so
it is read as hostile: nothing outside the package folder is ever opened, nothing is unpacked past
the configured caps, and no refusal quotes the content of any file. This module only reads and
unpacks into a folder it is given; it never writes to the database.
"""

import os
import stat
import zipfile
from pathlib import Path, PurePosixPath

from apps.resources import conf


class RowError(Exception):
    """A row (or the whole source) cannot be imported; the message says why."""


CHUNK = 64 * 1024
# Below this many unpacked bytes a high compression ratio is harmless (and normal for tiny files).
RATIO_FLOOR_BYTES = 2**20


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{size} bytes"


def check_file_size(path: Path) -> None:
    """A zip or JSON file larger than the upload cap is refused before it is opened."""
    limit = conf.hsds_max_upload_bytes()
    if path.is_file() and path.stat().st_size > limit:
        raise RowError(f"{path.name} is larger than the {_mb(limit)} an import may be; refused.")


def _is_symlink_member(member: zipfile.ZipInfo) -> bool:
    return member.create_system == 3 and stat.S_ISLNK(member.external_attr >> 16)


def _safe_member_name(name: str) -> PurePosixPath | None:
    """The member's path inside the package, or None when it would land anywhere else."""
    if "\x00" in name or "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    parts = PurePosixPath(name).parts
    if not parts or any(part in ("..", "") for part in parts):
        return None
    return PurePosixPath(*parts)


def unpack_zip(path: Path, into: Path) -> None:
    """Unpack the zip at PATH into the empty folder INTO, or refuse the whole package.

    The sizes written in the zip's directory can lie, so the bytes actually unpacked are counted
    as they are written and the unpacking stops at the cap.
    """
    check_file_size(path)
    max_total = conf.hsds_max_unzipped_bytes()
    max_members = conf.hsds_max_zip_members()
    max_ratio = conf.hsds_max_compression_ratio()
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if len(members) > max_members:
            raise RowError(f"{path.name} holds {len(members)} files; at most {max_members} may be imported; refused.")
        declared = sum(member.file_size for member in members)
        packed = sum(member.compress_size for member in members)
        _check_totals(path, declared, packed, max_total, max_ratio)
        targets = []
        for member in members:
            relative = _safe_member_name(member.filename)
            if relative is None:
                raise RowError(f"{path.name}: a file in the zip points outside the package; refused.")
            if _is_symlink_member(member):
                raise RowError(f"{path.name}: the zip holds a symbolic link; refused.")
            targets.append((member, into.joinpath(*relative.parts)))
        written = 0
        for member, target in targets:
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, target.open("xb") as sink:
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    if written > max_total:
                        raise RowError(f"{path.name}: unzipped it would exceed {_mb(max_total)}; refused.")
                    sink.write(chunk)
        _check_totals(path, written, packed, max_total, max_ratio)


def _check_totals(path: Path, unpacked: int, packed: int, max_total: int, max_ratio: int) -> None:
    if unpacked > max_total:
        raise RowError(f"{path.name}: unzipped it would exceed {_mb(max_total)}; refused.")
    if unpacked > RATIO_FLOOR_BYTES and unpacked > max_ratio * max(packed, 1):
        raise RowError(f"{path.name} unpacks to more than {max_ratio} times its size, as a zip bomb does; refused.")


def _has_symlink_between(folder: Path, path: Path) -> bool:
    """True when PATH, or any folder between FOLDER and it, is a symbolic link."""
    current = folder
    for part in path.relative_to(folder).parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def package_file(folder: Path, listed) -> Path:
    """The file a datapackage.json resource names, refused unless it is a plain file in FOLDER.

    Absolute paths, '..' and symbolic links (to anywhere) are refused outright, whatever they
    point at, and the refusal does not repeat the path: it may be an attacker's probe.
    """
    folder = folder.resolve()
    if not isinstance(listed, str) or not listed or "\x00" in listed or "\\" in listed:
        raise RowError("datapackage.json lists a resource path that is not a plain relative path; refused.")
    if "://" in listed or os.path.isabs(listed) or listed.startswith("~"):
        raise RowError("datapackage.json lists a resource outside the package; refused.")
    if ".." in PurePosixPath(listed).parts:
        raise RowError("datapackage.json lists a resource outside the package; refused.")
    candidate = folder / listed
    if _has_symlink_between(folder, candidate):
        raise RowError("datapackage.json lists a symbolic link; an import reads only plain files; refused.")
    try:
        candidate.resolve().relative_to(folder)
    except ValueError:
        raise RowError("datapackage.json lists a resource outside the package; refused.") from None
    return candidate


def check_plain_file(folder: Path, path: Path) -> None:
    """A file about to be read must be a regular file, not a link, device or pipe."""
    if _has_symlink_between(folder.resolve(), path.absolute()):
        raise RowError(f"{path.name} is a symbolic link; an import reads only plain files; refused.")
    if path.exists() and not path.is_file():
        raise RowError(f"{path.name} is not a plain file; refused.")


def check_folder_total(paths: list[Path]) -> None:
    """A folder import is held to the same cap as an unzipped package."""
    limit = conf.hsds_max_unzipped_bytes()
    total = sum(p.stat().st_size for p in paths if p.is_file())
    if total > limit:
        raise RowError(f"the package's files add up to more than {_mb(limit)}; refused.")
