"""Riverton's synthetic address points and landmarks, the same on every machine.

Each district is a small street grid: its own streets (apps/demo/city.py) and invented ones run
north-south and east-west; house numbers go up by 100 a block, even on one side and odd on the
other, and some buildings have units. The rows are in the OpenAddresses CSV layout and reach the
database through the import service, like a program's own file. All names are invented.
"""

import csv
import hashlib
import io
from collections.abc import Iterator

from apps.demo.city import DISTRICTS
from apps.places.models import PlaceAlias
from apps.places.services import COLUMNS, addresses_import, place_alias_save

CITY = "Riverton"
REGION = "CO"
WORDS = (
    "Cedar", "Maple", "Willow", "Aspen", "Juniper", "Spruce", "Poplar", "Hawthorn", "Linden", "Alder",
    "Sycamore", "Magnolia", "Chestnut", "Hickory", "Walnut", "Cypress", "Laurel", "Sequoia", "Redwood",
    "Dogwood", "Holly", "Hazel", "Beacon", "Summit", "Meadow", "Harbor", "Canyon", "Prairie", "Orchard",
    "Garfield", "Lincoln", "Franklin", "Jefferson", "Madison", "Monroe", "Jackson", "Tyler", "Harrison",
    "Grant", "Hayes",
)  # fmt: skip
SECOND = ("Ridge", "Hill", "Park", "Creek", "Grove", "Valley", "Bend", "Crest", "Field", "Glen", "Point", "Springs")
TYPES = ("St", "Ave", "Dr", "Ln", "Way", "Pl", "Ct", "Blvd", "Rd", "Ter")
DIRECTIONS = ("N", "E", "S", "W")
LAT_STEP, LON_STEP = 0.0017, 0.0022
POSTCODES = ("80201", "80205", "80220", "80211", "80214", "80210")


def _names() -> Iterator[str]:
    """Invented street names, never the same twice: single words, then pairs."""
    yield from WORDS
    for second in SECOND:
        for word in WORDS:
            yield f"{word} {second}"


def district_streets(*, per_district: int) -> list[tuple[int, list[str]]]:
    """Each district's streets (its own first), named with a type and, for some, a direction."""
    taken = {s.upper() for d in DISTRICTS for s in d.streets}
    names = (n for n in _names() if not any(t.startswith(n.upper() + " ") for t in taken))
    out = []
    counter = 0
    for index, district in enumerate(DISTRICTS):
        streets = list(district.streets)
        while len(streets) < per_district:
            name = next(names)
            street = f"{name} {TYPES[counter % len(TYPES)]}"
            if counter % 5 == 2:  # a few carry a direction, as in "N Cedar St"
                street = f"{DIRECTIONS[counter % 4]} {street}"
            counter += 1
            streets.append(street)
        out.append((index, streets[:per_district]))
    return out


def address_rows(*, per_district: int = 12, per_block_side: int = 4) -> Iterator[dict]:
    """The rows, in the OpenAddresses columns: even streets run north-south, odd ones east-west.

    Each street runs the width of its district's grid, so every north-south street crosses every
    east-west one.
    """
    blocks = per_district // 2
    half = per_district // 4
    for index, streets in district_streets(per_district=per_district):
        district = DISTRICTS[index]
        for s, street in enumerate(streets):
            along_ns = s % 2 == 0
            position = s // 2 - half + 0.5  # where the street lies across the grid
            for block in range(blocks):
                for k in range(per_block_side):
                    for side in (0, 1):
                        number = (block + 1) * 100 + 2 * (k * 4 + 1) + side
                        t = (block - half + (k + 0.5) / per_block_side) * (LAT_STEP if along_ns else LON_STEP)
                        offset = (0.00012 if side else -0.00012) * (1 if along_ns else -1)
                        if along_ns:
                            lat, lon = district.lat + t, district.lon + position * LON_STEP + offset
                        else:
                            lat, lon = district.lat + position * LAT_STEP + offset, district.lon + t
                        units = ("", "1A", "2B") if (number + s) % 10 == 3 else ("",)
                        for unit in units:
                            ident = f"{index}-{s}-{number}{unit}"
                            yield {
                                "LON": f"{lon:.6f}",
                                "LAT": f"{lat:.6f}",
                                "NUMBER": str(number),
                                "STREET": street,
                                "UNIT": unit,
                                "CITY": CITY,
                                "DISTRICT": district.name,
                                "REGION": REGION,
                                "POSTCODE": POSTCODES[index],
                                "ID": ident,
                                "HASH": hashlib.sha256(f"riverton:{ident}".encode()).hexdigest()[:16],
                            }


def address_csv(rows) -> io.StringIO:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    buffer.seek(0)
    return buffer


def landmarks() -> list[dict]:
    """The districts' places from city.py, a little off each district's centre."""
    out = []
    for index, district in enumerate(DISTRICTS):
        for p, place in enumerate(district.places):
            out.append(
                {
                    "name": place,
                    "district": district.name,
                    "latitude": round(district.lat + 0.0011 * (p + 1) * (-1) ** p, 6),
                    "longitude": round(district.lon + 0.0009 * (p + 1) * (-1) ** index, 6),
                }
            )
    return out


def load_demo_data(*, stdout) -> None:
    result = addresses_import(source=address_csv(address_rows()))
    stdout.write(f"  address points: {result.created} added, {result.unchanged} already there")
    for landmark in landmarks():
        alias = PlaceAlias.objects.filter(name=landmark["name"]).first()
        if alias is None:
            place_alias_save(actor=None, alias=PlaceAlias(**landmark))
