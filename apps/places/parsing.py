"""Reading a free-text location: street types, directions, ordinals and units to one spelling.

Pure (no database): the import stores the keys this module makes, and the geocoder makes the same
keys from what a caller said, so the two meet. Parsing is `usaddress`'s; this module never guesses
a place, it only says what the text names.
"""

import re
from dataclasses import dataclass

import usaddress

# USPS Publication 28 abbreviations for the types and directions a program's data holds.
STREET_TYPES = {
    "STREET": "ST", "STR": "ST", "ST": "ST",
    "AVENUE": "AVE", "AV": "AVE", "AVE": "AVE", "AVN": "AVE",
    "BOULEVARD": "BLVD", "BLVD": "BLVD", "BOUL": "BLVD",
    "ROAD": "RD", "RD": "RD",
    "DRIVE": "DR", "DR": "DR", "DRV": "DR",
    "LANE": "LN", "LN": "LN",
    "COURT": "CT", "CT": "CT",
    "PLACE": "PL", "PL": "PL",
    "WAY": "WAY", "WY": "WAY",
    "PARKWAY": "PKWY", "PKWY": "PKWY", "PKY": "PKWY",
    "CIRCLE": "CIR", "CIR": "CIR",
    "TERRACE": "TER", "TER": "TER",
    "HIGHWAY": "HWY", "HWY": "HWY",
    "TRAIL": "TRL", "TRL": "TRL",
    "ALLEY": "ALY", "ALY": "ALY",
    "SQUARE": "SQ", "SQ": "SQ",
    "LOOP": "LOOP",
}  # fmt: skip
DIRECTIONS = {
    "NORTH": "N", "N": "N", "SOUTH": "S", "S": "S", "EAST": "E", "E": "E", "WEST": "W", "W": "W",
    "NORTHEAST": "NE", "NE": "NE", "NORTHWEST": "NW", "NW": "NW",
    "SOUTHEAST": "SE", "SE": "SE", "SOUTHWEST": "SW", "SW": "SW",
}  # fmt: skip
ORDINALS = {
    "FIRST": "1ST", "SECOND": "2ND", "THIRD": "3RD", "FOURTH": "4TH", "FIFTH": "5TH", "SIXTH": "6TH",
    "SEVENTH": "7TH", "EIGHTH": "8TH", "NINTH": "9TH", "TENTH": "10TH", "ELEVENTH": "11TH",
    "TWELFTH": "12TH", "THIRTEENTH": "13TH", "FOURTEENTH": "14TH", "FIFTEENTH": "15TH",
    "SIXTEENTH": "16TH", "SEVENTEENTH": "17TH", "EIGHTEENTH": "18TH", "NINETEENTH": "19TH",
    "TWENTIETH": "20TH",
}  # fmt: skip
UNIT_WORDS = {"APT", "APARTMENT", "UNIT", "STE", "SUITE", "RM", "ROOM", "FL", "FLOOR", "BLDG", "NO"}
INTERSECTION = re.compile(r"\s+(?:AND|AT|Y)\s+|\s*(?:&|@|/|\+)\s*", re.IGNORECASE)
LIMIT = 300


@dataclass(frozen=True)
class Street:
    """A street's name in parts, each in the one spelling keys are made from."""

    predir: str = ""
    name: str = ""
    street_type: str = ""
    postdir: str = ""

    @property
    def key(self) -> str:
        return " ".join(p for p in (self.predir, self.name, self.street_type, self.postdir) if p)


@dataclass(frozen=True)
class ParsedAddress:
    number: str
    street: Street
    unit: str = ""


def clean(text: str) -> str:
    """Upper case, punctuation to spaces (a '#' kept as a unit sign), single spaces."""
    text = (text or "")[:LIMIT].upper().replace("#", " # ")
    text = re.sub(r"[^\w#\s-]", " ", text).replace("_", " ")
    return re.sub(r"\s+", " ", text).strip()


def _ordinal(word: str) -> str:
    word = ORDINALS.get(word, word)
    if word.isdigit():  # "5 St" is how "5th St" is often typed
        n = int(word)
        suffix = "TH" if 10 <= n % 100 <= 20 else {1: "ST", 2: "ND", 3: "RD"}.get(n % 10, "TH")
        return f"{n}{suffix}"
    return word


def street_parts(text: str) -> Street:
    """A street name ("North Elm Street", "elm st", "W. 5th Ave") in its normal parts."""
    words = [w for w in clean(text).replace("#", " ").split() if w]
    predir = postdir = street_type = ""
    if len(words) > 1 and words[0] in DIRECTIONS:
        predir = DIRECTIONS[words.pop(0)]
    if len(words) > 1 and words[-1] in DIRECTIONS:
        postdir = DIRECTIONS[words.pop()]
    if len(words) > 1 and words[-1] in STREET_TYPES:
        street_type = STREET_TYPES[words.pop()]
    name = " ".join(_ordinal(w) for w in words)
    return Street(predir=predir, name=name, street_type=street_type, postdir=postdir)


def street_key(text: str) -> str:
    return street_parts(text).key


def unit_normal(text: str) -> str:
    """'Apt 3B', '#3b', 'unit 3-B' -> '3B'."""
    words = [w for w in clean(text).replace("#", " ").split() if w not in UNIT_WORDS]
    return "".join(words).replace("-", "")


def house_number_value(number: str) -> int | None:
    """The leading digits of a house number ('1450', '1450A', '1450-1452' -> 1450)."""
    match = re.match(r"\d+", (number or "").strip())
    return int(match.group()) if match else None


def split_intersection(text: str) -> tuple[str, str] | None:
    """'Elm and 5th', 'Elm & 5th St', 'Elm @ 5th' -> the two streets; None when not a crossing."""
    cleaned = re.sub(r"\s+", " ", (text or "")[:LIMIT]).strip()
    if not cleaned or (cleaned[0].isdigit() and re.match(r"^\d+\s+\S", cleaned) and not _only_ordinal(cleaned)):
        return None
    parts = INTERSECTION.split(cleaned, maxsplit=1)
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        return None
    return parts[0].strip(), parts[1].strip()


def _only_ordinal(text: str) -> bool:
    """'5th and Elm' starts with a digit but is a crossing, not a house number."""
    return bool(re.match(r"^\d+(ST|ND|RD|TH)\b", text.upper()))


def parse_address(text: str) -> ParsedAddress | None:
    """A house number and street from free text, or None when the text names no numbered address."""
    cleaned = (text or "")[:LIMIT].strip()
    if not cleaned:
        return None
    try:
        tagged, _kind = usaddress.tag(cleaned.replace("#", " # "))
    except usaddress.RepeatedLabelError:
        tagged = {}
    number = (tagged.get("AddressNumber") or "").strip()
    if tagged and number:
        name = " ".join(
            tagged.get(label, "")
            for label in ("StreetNamePreModifier", "StreetNamePreType", "StreetName")
            if tagged.get(label)
        )
        parts = street_parts(
            " ".join(
                p
                for p in (
                    tagged.get("StreetNamePreDirectional", ""),
                    name,
                    tagged.get("StreetNamePostType", ""),
                    tagged.get("StreetNamePostDirectional", ""),
                )
                if p
            )
        )
        if tagged.get("StreetNamePreDirectional") and not parts.predir:
            parts = Street(
                DIRECTIONS.get(clean(tagged["StreetNamePreDirectional"]), ""),
                parts.name,
                parts.street_type,
                parts.postdir,
            )
        unit = unit_normal(" ".join(tagged.get(k, "") for k in ("OccupancyIdentifier", "SubaddressIdentifier")))
        if parts.name:
            return ParsedAddress(number=clean(number).replace(" ", ""), street=parts, unit=unit)
    return _parse_plain(cleaned)


def _parse_plain(text: str) -> ParsedAddress | None:
    """What usaddress could not tag: '<number> <street> [unit words...]'."""
    match = re.match(r"^\s*(\d+[A-Z]?)\s+(.+)$", clean(text))
    if not match:
        return None
    rest = match.group(2)
    unit = ""
    unit_match = re.search(r"\s(?:#|APT|APARTMENT|UNIT|STE|SUITE|RM|ROOM)\s*(.*)$", " " + rest)
    if unit_match:
        unit = unit_normal(unit_match.group(1))
        rest = (" " + rest)[: unit_match.start()].strip()
    parts = street_parts(rest)
    return ParsedAddress(number=match.group(1), street=parts, unit=unit) if parts.name else None


def alias_key(text: str) -> str:
    """A landmark's name for matching: upper case, no punctuation, no leading 'THE'."""
    words = clean(text).replace("#", " ").split()
    if words and words[0] == "THE":
        words = words[1:]
    return " ".join(words)
