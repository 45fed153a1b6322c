"""The shapes an EIDO is read into and the names both directions share (version, XML namespaces).

Pure: no database, no HTTP. `EidoError` names the JSON path a refused document breaks.
"""

from dataclasses import dataclass, field
from datetime import datetime

from apps.common import callers

EIDO_VERSION = "1.0"
MAX_XML_CHARS = 64_000
NS = {
    "pidf": "urn:ietf:params:xml:ns:pidf",
    "gp": "urn:ietf:params:xml:ns:pidf:geopriv10",
    "ca": "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr",
    "gml": "http://www.opengis.net/gml",
    "gs": "http://www.opengis.net/pidflo/1.0",
}
CIVIC_FIELDS = ["country", "A1", "A2", "A3", "A4", "A5", "A6", "PRD", "POD", "STS", "HNO", "HNS", "LMK", "LOC"]
CIVIC_FIELDS += ["FLR", "NAM", "PC", "RD", "RDSEC", "RDBR", "RDSUBBR", "BLD", "UNIT", "ROOM", "SEAT", "PLC", "PCN"]
GEODETIC_SHAPES = {"Point", "Circle", "Ellipse", "Ellipsoid", "ArcBand", "Sphere"}


class EidoError(Exception):
    """The document is refused: it breaks NENA's schema (or a safety rule) at `path` for `reason`."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnreadableLocation(EidoError):
    """A PIDF-LO that is well-behaved but holds nothing Firstline can place; the call-taker completes it."""


@dataclass
class Location:
    text: str = ""
    latitude: float | None = None
    longitude: float | None = None
    radius_m: float | None = None
    civic: dict = field(default_factory=dict)
    reference_url: str = ""
    kind: str = ""
    component_id: str = ""

    @property
    def usable(self) -> bool:
        return bool(self.civic or self.latitude is not None)


@dataclass
class ParsedEido:
    eido_id: str
    nature_codes: list[str] = field(default_factory=list)
    nature_path: str = "$.incidentComponent.incidentTypeCommonRegistryText"
    incident_type_text: str = ""
    call_id: str = ""
    call_start: datetime | None = None
    call_answer: datetime | None = None
    call_type: str = ""
    callback: str = ""
    other_callbacks: list[str] = field(default_factory=list)
    caller_language: str = ""
    persons: list[dict] = field(default_factory=list)
    agencies: list[dict] = field(default_factory=list)
    agents: list[dict] = field(default_factory=list)
    location: Location = field(default_factory=Location)
    notes: list[str] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    nature_codes_unknown: bool = False

    @property
    def caller(self) -> dict | None:
        return next((p for p in self.persons if p["caller"]), None)

    @property
    def caller_name(self) -> str:
        caller = self.caller
        return caller["name"] if caller else ""

    @property
    def missing(self) -> list[str]:
        """What Firstline needs to screen the call and did not find; the call-taker supplies it."""
        gaps = []
        if not self.nature_codes:
            gaps.append("incident type")
        if not self.location.usable:
            gaps.append("location")
        return gaps

    def warn(self, path: str, reason: str) -> None:
        self.warnings.append({"path": path, "reason": reason})

    def summary(self, fallback: str) -> str:
        text = " ".join(self.notes).strip() or self.incident_type_text or fallback
        if len(text) > callers.SUMMARY_MAX:
            self.warn(
                "$.notesComponent",
                f"notes longer than {callers.SUMMARY_MAX} characters: the summary keeps the first part",
            )
            text = text[: callers.SUMMARY_MAX - 1].rstrip() + "…"
        return text

    def as_dict(self) -> dict:
        loc = self.location
        return {
            "eido_id": self.eido_id,
            "nature_codes": self.nature_codes,
            "incident_type_text": self.incident_type_text,
            "call_id": self.call_id,
            "call_start": self.call_start.isoformat() if self.call_start else None,
            "call_answer": self.call_answer.isoformat() if self.call_answer else None,
            "call_type": self.call_type,
            "callback": self.callback,
            "other_callbacks": self.other_callbacks,
            "caller_language": self.caller_language,
            "persons": self.persons,
            "agencies": self.agencies,
            "agents": self.agents,
            "location": {
                "text": loc.text,
                "latitude": loc.latitude,
                "longitude": loc.longitude,
                "radius_m": loc.radius_m,
                "civic": loc.civic,
                "reference_url": loc.reference_url,
                "kind": loc.kind,
                "component": loc.component_id,
            },
            "notes": self.notes,
            "missing": self.missing,
            "nature_codes_unknown": self.nature_codes_unknown,
            "warnings": self.warnings,
        }
