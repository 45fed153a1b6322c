"""Program settings this app reads, with their defaults (the lead may move them into base settings)."""

from django.conf import settings


def hsds_public() -> bool:
    """Many programs publish their directory; others keep it to signed-in users."""
    return bool(getattr(settings, "FIRSTLINE_HSDS_PUBLIC", True))


def capacity_stale_hours() -> float:
    return float(getattr(settings, "FIRSTLINE_CAPACITY_STALE_HOURS", 12))


def search_default_radius_km() -> float:
    return float(getattr(settings, "FIRSTLINE_RESOURCE_SEARCH_RADIUS_KM", 25))


# --- importing HSDS packages (apps/resources/hsds_unpack.py) ---------------------------------------


def hsds_max_upload_bytes() -> int:
    """The largest zip or JSON file an import opens (the admin upload form refuses it first)."""
    return int(getattr(settings, "FIRSTLINE_HSDS_MAX_UPLOAD_BYTES", 50 * 2**20))


def hsds_max_unzipped_bytes() -> int:
    """The most a package may unpack to (or a folder import hold): the rows are read into memory."""
    return int(getattr(settings, "FIRSTLINE_HSDS_MAX_UNZIPPED_BYTES", 500 * 2**20))


def hsds_max_zip_members() -> int:
    """HSDS has about twenty tables; a zip of thousands of files is not a datapackage."""
    return int(getattr(settings, "FIRSTLINE_HSDS_MAX_ZIP_MEMBERS", 100))


def hsds_max_compression_ratio() -> int:
    """CSV text packs about ten to one; a zip bomb packs a thousand to one or more."""
    return int(getattr(settings, "FIRSTLINE_HSDS_MAX_COMPRESSION_RATIO", 100))
