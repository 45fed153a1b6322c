"""Riverton, the demo's fictional city: its districts, their streets and places, and the stable ids
and seed that make every load the same on every machine.
"""

import uuid
from dataclasses import dataclass

SEED = 20260601
NAMESPACE = uuid.UUID("5b0f5e0e-7c8a-4c35-9d0e-2f64f1a0c0de")


def demo_uuid(name: str) -> uuid.UUID:
    """A stable id, the same on every machine, so a second run finds what the first created."""
    return uuid.uuid5(NAMESPACE, name)


@dataclass(frozen=True)
class District:
    name: str
    lat: float
    lon: float
    streets: tuple[str, ...]
    places: tuple[str, ...]


DISTRICTS = [
    District(
        "Downtown",
        39.747,
        -104.992,
        ("Market St", "Larch Ave", "2nd St", "Union Blvd", "Court Pl"),
        ("Union Station bus bay", "Riverton Public Library", "City Hall plaza"),
    ),
    District(
        "Northside",
        39.788,
        -104.985,
        ("Ash St", "Birch St", "Federal Ave", "Howell Rd"),
        ("Northside Rec Center", "Howell Road grocery parking lot"),
    ),
    District(
        "Eastgate",
        39.741,
        -104.918,
        ("Colfax Ave", "Quince St", "Elm Ct", "Havana Way"),
        ("Eastgate light-rail station", "Eastgate Laundromat"),
    ),
    District(
        "Riverside",
        39.765,
        -105.012,
        ("River Rd", "Platte Ln", "Mill St", "Water St"),
        ("Riverside Park trailhead", "the footbridge at Mill St"),
    ),
    District(
        "West Hills",
        39.735,
        -105.041,
        ("Sheridan Blvd", "Hilltop Dr", "Pine Ridge Rd", "Wadsworth Ave"),
        ("West Hills Shopping Center", "St. Anne's Church"),
    ),
    District(
        "South Park",
        39.708,
        -104.965,
        ("Evans Ave", "Logan St", "Downing St", "Yale Ave"),
        ("South Park Community Clinic", "Evans Ave bus shelter"),
    ),
]
DISTRICT_WEIGHTS = [26, 16, 15, 17, 10, 16]
