"""Writing the directory out as an HSDS 3 tabular datapackage that import_hsds reads back unchanged.

Only HSDS data leaves: capacity, partnerships and need codes are the program's own and stay home.
"""

import csv
import json
import zipfile
from datetime import date, datetime, time
from pathlib import Path

from apps.resources.hsds import TABLES, datapackage_descriptor


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def export_hsds(folder) -> dict[str, int]:
    """Write datapackage.json and one CSV per table into FOLDER; answer rows written per table."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in TABLES:
        attrs = [c.attr for c in table.columns]
        with (folder / table.path).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([c.name for c in table.columns])
            n = 0
            for row in table.model.objects.order_by("pk").values_list(*attrs).iterator(chunk_size=2000):
                writer.writerow([_cell(v) for v in row])
                n += 1
        counts[table.name] = n
    (folder / "datapackage.json").write_text(json.dumps(datapackage_descriptor(), indent=2), encoding="utf-8")
    return counts


def zip_folder(folder, target) -> Path:
    folder, target = Path(folder), Path(target)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return target
