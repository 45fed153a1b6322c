"""The local geocoder: free text ("1450 Elm St apt 3B", "Elm and 5th", a landmark) to scored places.

It reads only the program's own data (apps/places/models.py); no outside service is ever called.
Streets are matched by their normal key first, then fuzzily by name: PostgreSQL's pg_trgm (with
the trigram index of migration 0002) in services mode, rapidfuzz in embedded (SQLite) mode.
"""

import math
from dataclasses import asdict, dataclass
from typing import Protocol

from django.db import connection
from rapidfuzz import fuzz, process

from apps.places import parsing
from apps.places.models import AddressPoint, PlaceAlias, Street

STREET_CANDIDATES = 8
MIN_NAME_SIMILARITY = 0.45
TRIGRAM_THRESHOLD = 0.3


class How:
    EXACT = "exact"  # the number on a street whose key matched as written
    FUZZY = "fuzzy"  # the number on a street matched by a similar name
    NEAREST = "nearest"  # the number is not in the data: the closest one on the street
    INTERPOLATED = "interpolated"  # between the two numbers around it on the street
    INTERSECTION = "intersection"
    LANDMARK = "landmark"


@dataclass(frozen=True)
class Candidate:
    label: str
    latitude: float
    longitude: float
    district: str
    score: float
    how: str

    def as_dict(self) -> dict:
        return {**asdict(self), "score": round(self.score, 3)}


class StreetMatcher(Protocol):
    def similar(self, name: str, *, limit: int) -> list[tuple[int, float]]:
        """Street ids whose name is like `name`, with a similarity in 0..1, best first."""


class TrigramMatcher:
    """pg_trgm similarity on Street.name_key; the `%` operator uses the trigram GIN index."""

    def similar(self, name: str, *, limit: int) -> list[tuple[int, float]]:
        table = Street._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, similarity(name_key, %s) AS s FROM {table} WHERE name_key %% %s "  # noqa: S608 (our table)
                "ORDER BY s DESC, id LIMIT %s",
                [name, name, limit],
            )
            rows = cursor.fetchall()
            if not rows:  # a short name with a typo shares few trigrams: rank every street instead
                cursor.execute(
                    f"SELECT id, similarity(name_key, %s) AS s FROM {table} "  # noqa: S608 (our table)
                    "WHERE similarity(name_key, %s) > 0.1 ORDER BY s DESC, id LIMIT %s",
                    [name, name, limit],
                )
                rows = cursor.fetchall()
        return [(pk, float(sim)) for pk, sim in rows]


class RapidfuzzMatcher:
    """rapidfuzz's normalised edit similarity over the street names (embedded mode, no pg_trgm)."""

    def similar(self, name: str, *, limit: int) -> list[tuple[int, float]]:
        choices = dict(Street.objects.values_list("pk", "name_key"))
        found = process.extract(name, choices, scorer=fuzz.ratio, limit=limit, score_cutoff=40)
        return [(pk, score / 100) for _choice, score, pk in found]


def street_matcher() -> StreetMatcher:
    return TrigramMatcher() if connection.vendor == "postgresql" else RapidfuzzMatcher()


def _part_score(wanted: str, have: str) -> float:
    if wanted == have:
        return 1.0
    if not wanted or not have:
        return 0.6  # said without it, or the data has none: a small doubt
    return 0.0


def _street_score(query: parsing.Street, street: Street, name_similarity: float) -> float:
    """How well a stored street fits the words said: the name counts most, then type, then direction."""
    if query.key == street.key:
        return 1.0
    direction = (_part_score(query.predir, street.predir) + _part_score(query.postdir, street.postdir)) / 2
    return 0.75 * name_similarity + 0.15 * _part_score(query.street_type, street.street_type) + 0.1 * direction


def _streets(query: parsing.Street, matcher: StreetMatcher) -> list[tuple[Street, float]]:
    """Streets the query may name, scored, best first: exact names first, then similar ones."""
    similarity = dict.fromkeys(Street.objects.filter(name_key=query.name).values_list("pk", flat=True), 1.0)
    if not similarity:
        found = [pk for pk, _sim in matcher.similar(query.name, limit=STREET_CANDIDATES)]
        similarity = dict.fromkeys(found, 0.0)
    streets = Street.objects.in_bulk(list(similarity))
    # One measure of likeness whichever matcher found them, so scores mean the same in both modes.
    for pk, street in streets.items():
        similarity[pk] = similarity[pk] or fuzz.ratio(query.name, street.name_key) / 100
    streets = {pk: s for pk, s in streets.items() if similarity[pk] >= MIN_NAME_SIMILARITY}
    scored = [(s, _street_score(query, s, similarity[pk])) for pk, s in streets.items()]
    scored.sort(key=lambda pair: (-pair[1], pair[0].pk))
    return scored[:STREET_CANDIDATES]


def _label(number: str, street: Street, unit: str = "") -> str:
    city = f", {street.city}" if street.city else ""
    return f"{number} {street.label}{f' #{unit}' if unit else ''}{city}"


def _on_street(parsed: parsing.ParsedAddress, street: Street, street_score: float, exact: bool) -> Candidate | None:
    """The point for the number on this street: itself, else interpolated or the nearest."""
    value = parsing.house_number_value(parsed.number)
    points = list(
        AddressPoint.objects.filter(street=street, number=parsed.number).values(
            "number", "unit", "latitude", "longitude", "district"
        )[:50]
    )
    if points:
        best = next((p for p in points if parsed.unit and p["unit"] == parsed.unit), None) or next(
            (p for p in points if not p["unit"]), points[0]
        )
        how = How.EXACT if exact else How.FUZZY
        return Candidate(
            _label(parsed.number, street, parsed.unit), best["latitude"], best["longitude"], best["district"],
            street_score, how,
        )  # fmt: skip
    if value is None:
        return None
    fields = ("number_value", "latitude", "longitude", "district")
    same_side = AddressPoint.objects.filter(street=street, number_value__isnull=False)
    below = same_side.filter(number_value__lt=value).order_by("-number_value").values(*fields).first()
    above = same_side.filter(number_value__gt=value).order_by("number_value").values(*fields).first()
    if below and above and above["number_value"] - below["number_value"] <= 200:
        t = (value - below["number_value"]) / (above["number_value"] - below["number_value"])
        lat = below["latitude"] + t * (above["latitude"] - below["latitude"])
        lon = below["longitude"] + t * (above["longitude"] - below["longitude"])
        return Candidate(
            _label(parsed.number, street, parsed.unit), lat, lon, below["district"], street_score * 0.9,
            How.INTERPOLATED,
        )  # fmt: skip
    nearest = min((p for p in (below, above) if p), key=lambda p: abs(p["number_value"] - value), default=None)
    if nearest is None:
        return None
    gap = abs(nearest["number_value"] - value)
    return Candidate(
        _label(parsed.number, street, parsed.unit), nearest["latitude"], nearest["longitude"], nearest["district"],
        street_score * max(0.5, 0.85 - gap / 2000), How.NEAREST,
    )  # fmt: skip


def _address(text: str, matcher: StreetMatcher, limit: int) -> list[Candidate]:
    parsed = parsing.parse_address(text)
    if parsed is None:
        return []
    out = []
    for street, score in _streets(parsed.street, matcher):
        candidate = _on_street(parsed, street, score, exact=parsed.street.key == street.key)
        if candidate is not None:
            out.append(candidate)
    return out


def _distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    dlat = (a[0] - b[0]) * 111_320
    dlon = (a[1] - b[1]) * 111_320 * math.cos(math.radians(a[0]))
    return math.hypot(dlat, dlon)


def _crossing(first: Street, second: Street) -> tuple[float, float, str, float] | None:
    """Where two streets meet: the midpoint of their two closest address points, and the gap."""
    a = list(first.points.values_list("latitude", "longitude", "district"))
    b = list(second.points.values_list("latitude", "longitude", "district"))
    if not a or not b:
        return None
    best = min(((p, q) for p in a for q in b), key=lambda pq: _distance_m(pq[0][:2], pq[1][:2]))
    (plat, plon, district), (qlat, qlon, _d) = best
    return (plat + qlat) / 2, (plon + qlon) / 2, district, _distance_m((plat, plon), (qlat, qlon))


def _intersection(text: str, matcher: StreetMatcher, limit: int) -> list[Candidate]:
    pair = parsing.split_intersection(text)
    if pair is None:
        return []
    firsts = _streets(parsing.street_parts(pair[0]), matcher)[:3]
    seconds = _streets(parsing.street_parts(pair[1]), matcher)[:3]
    out = []
    for first, s1 in firsts:
        for second, s2 in seconds:
            if first.pk == second.pk:
                continue
            crossing = _crossing(first, second)
            if crossing is None or crossing[3] > 400:  # streets that do not meet
                continue
            lat, lon, district, gap = crossing
            score = s1 * s2 * (1.0 if gap <= 150 else 0.8)
            out.append(Candidate(f"{first.label} & {second.label}", lat, lon, district, score, How.INTERSECTION))
    return out


def _landmarks(text: str, limit: int) -> list[Candidate]:
    key = parsing.alias_key(text)
    if not key:
        return []
    aliases = list(PlaceAlias.objects.filter(active=True).values("name", "name_key", "address", "latitude",
                                                                    "longitude", "district"))  # fmt: skip
    out = []
    for alias in aliases:
        if alias["name_key"] == key:
            score = 1.0
        else:
            score = fuzz.token_set_ratio(key, alias["name_key"]) / 100 * 0.95
            if score < 0.8:
                continue
        label = f"{alias['name']} ({alias['address']})" if alias["address"] else alias["name"]
        out.append(Candidate(label, alias["latitude"], alias["longitude"], alias["district"], score, How.LANDMARK))
    return out


def geocode(text: str, *, limit: int = 5, matcher: StreetMatcher | None = None) -> list[Candidate]:
    """Candidates for a free-text location, best first (empty when nothing fits)."""
    text = (text or "").strip()[: parsing.LIMIT]
    if not text or limit < 1:
        return []
    matcher = matcher or street_matcher()
    found = _landmarks(text, limit) + _intersection(text, matcher, limit) + _address(text, matcher, limit)
    found.sort(key=lambda c: -c.score)
    seen, out = set(), []
    for candidate in found:
        if candidate.label in seen:
            continue
        seen.add(candidate.label)
        out.append(candidate)
    return out[:limit]
