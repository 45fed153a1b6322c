"""NENA EIDO (NENA-STA-021.1b, JSON, version 1.0): reading what call centers send, writing what Firstline sends.

NENA's schema (apps/intake/eido_schema) is the authority both ways. A document that does not
validate is refused naming the JSON path; a document that validates is accepted, and whatever
Firstline needs and does not find in it (an incident type it knows, a usable location) makes a
call the call-taker completes on the screening page. Embedded PIDF-LO XML is parsed only with
defusedxml (no DTDs, no entities, no external references). `eido_receive` writes everything in
one transaction, so a refused document leaves nothing behind, and a resubmission with the same
`$id` updates the call it made.
"""

import uuid
import xml.etree.ElementTree as ET  # building XML only; parsing goes through defusedxml
from dataclasses import dataclass, field
from datetime import datetime
from html import escape, unescape

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags

from apps.audit.services import audit_record
from apps.common import callers
from apps.common.errors import ApplicationError
from apps.common.nul import find_nul
from apps.incidents.services import incident_update
from apps.incidents.states import OPEN_INCIDENT_STATUSES
from apps.intake import conf, eido_schema
from apps.intake.models import CallCenter, Channel, EidoDocument, ScreeningDecision
from apps.intake.selectors import call_type_for_nature_code, policy_in_force

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


# --- reading -----------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _float(text: str | None, path: str, what: str) -> float:
    try:
        return float((text or "").strip())
    except ValueError as error:
        raise UnreadableLocation(path, f"{what} is not a number") from error


def parse_pidf_lo(xml_text: str, path: str) -> Location:
    """Read a PIDF-LO document: a civic address and/or a geodetic shape's centre.

    Hostile XML (a DTD, entities, external references, or an oversized document) raises EidoError
    and the whole EIDO is refused; XML that is merely unreadable raises UnreadableLocation.
    """
    if len(xml_text) > MAX_XML_CHARS:
        raise EidoError(path, f"PIDF-LO longer than {MAX_XML_CHARS} characters")
    try:
        root = SafeET.fromstring(xml_text.strip(), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise EidoError(
            path, f"XML refused: DTDs, entities and external references are not allowed ({error})"
        ) from error
    except (ET.ParseError, ValueError) as error:
        raise UnreadableLocation(path, f"not well-formed XML ({error})") from error
    if _local(root.tag) != "presence":
        raise UnreadableLocation(path, "not a PIDF-LO document (root element must be presence)")
    location = Location()
    for element in root.iter():
        name = _local(element.tag)
        if name == "civicAddress" and not location.civic:
            location.civic = {
                _local(child.tag): (child.text or "").strip()[:120]
                for child in element
                if _local(child.tag) in CIVIC_FIELDS and (child.text or "").strip()
            }
        elif name in GEODETIC_SHAPES and location.latitude is None:
            pos = next((c for c in element.iter() if _local(c.tag) == "pos"), None)
            if pos is None:
                raise UnreadableLocation(path, f"{name} without gml:pos")
            parts = (pos.text or "").split()
            if len(parts) < 2:
                raise UnreadableLocation(path, "gml:pos needs latitude and longitude")
            lat, lon = _float(parts[0], path, "latitude"), _float(parts[1], path, "longitude")
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise UnreadableLocation(path, "gml:pos is outside the range of latitude and longitude")
            location.latitude, location.longitude = lat, lon
            radius = next((c for c in element if _local(c.tag) in {"radius", "semiMajorAxis"}), None)
            if radius is not None:
                location.radius_m = _float(radius.text, path, "radius")
    if not location.usable:
        raise UnreadableLocation(path, "PIDF-LO holds neither a civic address nor a geodetic shape")
    location.text = civic_text(location.civic)
    return location


def civic_text(civic: dict) -> str:
    """One line a responder reads: '123 N Main St Apt 4, Riverton, CO 80000'."""
    street = " ".join(
        v
        for v in [civic.get("HNO", "") + civic.get("HNS", ""), civic.get("PRD"), civic.get("A6") or civic.get("RD")]
        if v
    )
    street = " ".join(v for v in [street, civic.get("STS"), civic.get("POD")] if v)
    if civic.get("UNIT"):
        street = f"{street} Unit {civic['UNIT']}"
    state_pc = " ".join(v for v in [civic.get("A1"), civic.get("PC")] if v)
    parts = [p for p in [civic.get("NAM"), street, civic.get("A3"), state_pc] if p]
    text = ", ".join(parts)
    if civic.get("LOC"):
        text = f"{text} ({civic['LOC']})" if text else civic["LOC"]
    return text.strip()[: callers.LOCATION_MAX]


def _texts(node) -> list[str]:
    """NIEM text values: a list of {"value": "..."} objects (or plain strings)."""
    out = []
    for item in node or []:
        value = item.get("value") if isinstance(item, dict) else item
        if isinstance(value, str) and value.strip():
            out.append(value.strip())
    return out


def _person_name(person: dict) -> str:
    niem = person.get("ncPersonComponent") or {}
    for name in niem.get("name") or []:
        full = _texts(name.get("personFullName"))
        if full:
            return full[0][: callers.CALLER_NAME_MAX]
        parts = _texts(name.get("personGivenName")) + _texts(name.get("personSurName"))
        if parts:
            return " ".join(parts)[: callers.CALLER_NAME_MAX]
    return ""


def _person_language(person: dict) -> str:
    niem = person.get("ncPersonComponent") or {}
    for language in niem.get("primaryLanguage") or []:
        for code in language.get("languageCode") or []:
            if isinstance(code, dict) and isinstance(code.get("simpleType"), str):
                return callers.language_code(code["simpleType"])
        names = _texts(language.get("languageName"))
        if names:
            return callers.language_code(names[0])
    return ""


def _note_text(html: str) -> str:
    """NENA notes are HTML5; Firstline keeps their words as plain text."""
    return " ".join(unescape(strip_tags(html)).split())


class _Reader:
    """Walks a schema-valid EIDO, following `$ref` links between components by their `$id`."""

    COMPONENTS = [
        "incidentComponent",
        "callComponent",
        "callbackComponent",
        "personComponent",
        "locationComponent",
        "notesComponent",
        "agencyComponent",
        "agentComponent",
    ]

    def __init__(self, doc: dict):
        self.doc = doc
        self.by_id: dict[str, tuple[str, str, dict]] = {}
        for name in self.COMPONENTS:
            for path, item in self.items(name):
                if isinstance(item.get("$id"), str):
                    self.by_id.setdefault(item["$id"], (name, path, item))

    def items(self, name: str) -> list[tuple[str, dict]]:
        value = self.doc.get(name)
        if isinstance(value, dict):
            return [(f"$.{name}", value)]
        return [(f"$.{name}[{i}]", item) for i, item in enumerate(value or []) if isinstance(item, dict)]

    def follow(self, refs, kind: str, path: str, parsed: ParsedEido) -> list[tuple[str, dict]]:
        """The components of `kind` that a reference (or list of references) points to."""
        refs = refs if isinstance(refs, list) else [refs] if refs else []
        out = []
        for i, ref in enumerate(refs):
            target = ref.get("$ref") if isinstance(ref, dict) else None
            found = self.by_id.get(target)
            if found is None or found[0] != kind:
                parsed.warn(
                    f"{path}[{i}]" if len(refs) > 1 else path, f"links to {target!r}, which is not a {kind} here"
                )
                continue
            out.append((found[1], found[2]))
        return out

    def time(self, obj: dict, path: str, name: str, parsed: ParsedEido) -> datetime | None:
        value = obj.get(name)
        if value is None:
            return None
        parsed_value = parse_datetime(value.strip()) if isinstance(value, str) else None
        if parsed_value is None:
            parsed.warn(f"{path}.{name}", "not an ISO 8601 date and time; not used")
            return None
        if timezone.is_naive(parsed_value):
            parsed.warn(f"{path}.{name}", "no time zone offset; read as the program's time zone")
            parsed_value = timezone.make_aware(parsed_value)
        return parsed_value

    def parse(self) -> ParsedEido:
        doc = self.doc
        parsed = ParsedEido(eido_id=doc["$id"].strip())
        incident_path, incident = ("$.incidentComponent", doc.get("incidentComponent") or {})
        self.read_incident(incident, incident_path, parsed)
        calls = self.items("callComponent")
        self.read_calls(calls, parsed)
        self.read_persons(parsed)
        self.read_callbacks(calls, parsed)
        self.read_location(incident, calls, parsed)
        self.read_notes(incident, parsed)
        for _path, agency in self.items("agencyComponent"):
            parsed.agencies.append(
                {
                    "id": agency["$id"][:200],
                    "roles": [r[:100] for r in agency.get("agencyRoleDescriptionRegistryText", [])][:10],
                    "types": [t[:100] for t in agency.get("agencyType", [])][:10],
                    "owns_incident": agency.get("incidentOwningAgencyIndicator") is True,
                }
            )
        for _path, agent in self.items("agentComponent"):
            parsed.agents.append(
                {
                    "id": agent["$id"][:200],
                    "roles": [r[:100] for r in agent.get("agentRoleRegistryText", [])][:10],
                    "agency": (agent.get("agencyReference") or {}).get("$ref", "")[:200],
                    "position": str(agent.get("agentWorkstationPositionIdentification", ""))[:60],
                }
            )
        return parsed

    def read_incident(self, incident: dict, path: str, parsed: ParsedEido) -> None:
        codes = []
        for name in ("incidentTypeCommonRegistryText", "incidentTypeInternalCode"):
            value = incident.get(name)
            if isinstance(value, str) and value.strip():
                codes.append(value.strip()[:100])
        parsed.nature_codes = codes
        parsed.nature_path = f"{path}.incidentTypeCommonRegistryText"
        parsed.incident_type_text = str(incident.get("incidentTypeInternalText") or "").strip()[:200]

    def read_calls(self, calls, parsed: ParsedEido) -> None:
        """The call that reached the sender (an incoming one), else the first."""
        chosen = next((c for c in calls if c[1].get("direction") == "incoming"), calls[0] if calls else None)
        if chosen is None:
            return
        path, call = chosen
        parsed.call_id = call["$id"][:200]
        parsed.call_start = self.time(call, path, "callStartTimestamp", parsed)
        parsed.call_answer = self.time(call, path, "answerDate", parsed)
        parsed.call_type = str(call.get("localCallType") or call.get("standardPrimaryCallType") or "")[:100]

    def read_persons(self, parsed: ParsedEido) -> None:
        for path, person in self.items("personComponent"):
            roles = [r.strip()[:100] for r in person.get("personIncidentRoleRegistryText", []) if r.strip()]
            parsed.persons.append(
                {
                    "id": person["$id"][:200],
                    "path": path,
                    "roles": roles,
                    "caller": any(role.lower() == "caller" for role in roles),
                    "name": _person_name(person),
                    "language": _person_language(person),
                    "callback_ref": (person.get("callBackReference") or {}).get("$ref"),
                }
            )
        caller = parsed.caller
        languages = [p["language"] for p in ([caller] if caller else []) + parsed.persons if p["language"]]
        parsed.caller_language = languages[0] if languages else ""

    def read_callbacks(self, calls, parsed: ParsedEido) -> None:
        """The caller's callback: the one the caller person links to, else the call's, else the first."""
        ordered: list[tuple[str, dict]] = []
        caller = parsed.caller
        if caller and caller["callback_ref"]:
            ordered += self.follow(
                {"$ref": caller["callback_ref"]}, "callbackComponent", f"{caller['path']}.callBackReference", parsed
            )
        for path, call in calls:
            if call.get("callBackReference"):
                ordered += self.follow(
                    call["callBackReference"], "callbackComponent", f"{path}.callBackReference", parsed
                )
        ordered += self.items("callbackComponent")
        seen = set()
        for path, component in ordered:
            uris = [
                (f"{path}.callBackInformationUri[{i}]", u)
                for i, u in enumerate(component.get("callBackInformationUri", []))
            ]
            updated = component.get("updatedCbn") or {}
            if isinstance(updated.get("updatedCbnIdentifierUri"), str):
                uris.insert(0, (f"{path}.updatedCbn.updatedCbnIdentifierUri", updated["updatedCbnIdentifierUri"]))
            # A tel: URI is a number; a sip: URI is kept for the notes unless its user part is a number.
            uris.sort(key=lambda item: 0 if item[1].strip().lower().startswith("tel:") else 1)
            for uri_path, uri in uris:
                uri = uri.strip()
                if not uri or uri in seen:
                    continue
                seen.add(uri)
                number = self.number(uri)
                if number and not parsed.callback:
                    parsed.callback = number
                elif number and number != parsed.callback:
                    parsed.other_callbacks.append(number)
                elif not number:
                    if uri.lower().startswith(("tel:", "sip:", "sips:")) and not uri.lower().startswith("tel:"):
                        parsed.other_callbacks.append(uri[:200])
                    else:
                        parsed.warn(uri_path, "not a phone number Firstline can call back; not used")

    @staticmethod
    def number(uri: str) -> str:
        text = uri
        lower = uri.lower()
        if lower.startswith(("sip:", "sips:")):
            user = uri.split(":", 1)[1].split("@", 1)[0].split(";", 1)[0]
            if not user.lstrip("+").isdigit():
                return ""
            text = user
        elif not lower.startswith("tel:"):
            return ""
        try:
            return callers.callback_e164(text)
        except ApplicationError:
            return ""

    def read_location(self, incident: dict, calls, parsed: ParsedEido) -> None:
        """The incident's location first, then the call's, then any; by value wins over by reference."""
        candidates: list[tuple[str, dict]] = []
        if incident.get("locationReference"):
            candidates += self.follow(
                incident["locationReference"], "locationComponent", "$.incidentComponent.locationReference", parsed
            )
        for path, call in calls:
            if call.get("locationReference"):
                candidates += self.follow(
                    call["locationReference"], "locationComponent", f"{path}.locationReference", parsed
                )
        candidates += self.items("locationComponent")
        chosen = Location()
        checked = set()
        for path, component in candidates:
            if path in checked:
                continue
            checked.add(path)
            by_value = component.get("locationByValue")
            if isinstance(by_value, str) and by_value.strip():
                try:
                    found = parse_pidf_lo(by_value, f"{path}.locationByValue")
                except UnreadableLocation as error:
                    parsed.warn(error.path, error.reason)
                else:
                    if not chosen.usable:
                        found.reference_url = chosen.reference_url
                        found.kind = str(component.get("locationTypeDescriptionRegistryText", ""))[:60]
                        found.component_id = component["$id"][:200]
                        described = str(component.get("locationDescriptionText") or "").strip()
                        if described and found.text:
                            found.text = f"{found.text} ({described})"[: callers.LOCATION_MAX]
                        chosen = found
            reference = component.get("locationByReferenceUrl")
            if isinstance(reference, str) and reference.strip() and not chosen.reference_url:
                if reference.strip().lower().startswith(("https://", "http://", "sip:", "sips:")):
                    chosen.reference_url = reference.strip()[:500]
                else:
                    parsed.warn(f"{path}.locationByReferenceUrl", "not an https, http or sip URI; not used")
        if not chosen.text and chosen.latitude is not None:
            chosen.text = f"{chosen.latitude:.6f}, {chosen.longitude:.6f}"
        parsed.location = chosen

    def read_notes(self, incident: dict, parsed: ParsedEido) -> None:
        linked = self.follow(
            incident.get("notesReference"), "notesComponent", "$.incidentComponent.notesReference", parsed
        )
        seen = set()
        for path, note in linked + self.items("notesComponent"):
            if path in seen:
                continue
            seen.add(path)
            text = _note_text(note.get("notesActionComments", ""))
            if text:
                parsed.notes.append(text)


def eido_parse(doc) -> ParsedEido:
    """Check `doc` against NENA's schema, then read what a community response needs from it."""
    if not isinstance(doc, dict):
        raise EidoError("$", "an EIDO document is a JSON object")
    problem = eido_schema.first_error(doc)
    if problem is not None:
        raise EidoError(*problem)
    if not doc["$id"].strip():
        raise EidoError("$.$id", "must not be empty")
    if len(doc["$id"]) > 255:
        raise EidoError("$.$id", "longer than 255 characters")
    return _Reader(doc).parse()


# --- the service -------------------------------------------------------------------------------


def eido_receive(*, call_center: CallCenter, document) -> tuple[EidoDocument, bool]:
    """Take an EIDO from a call center: screen it, or keep it for the call-taker to complete, or update.

    Returns (document row, created). Anything refused raises before a row is written.
    """
    actor = call_center.service_user
    nul_at = find_nul(document)
    if nul_at:
        raise EidoError(nul_at, "holds a NUL character, which cannot be stored")
    parsed = eido_parse(document)
    version = policy_in_force()
    if version is None:
        raise ApplicationError("No eligibility policy is published yet; the program cannot take calls.")
    call_type = _call_type_for(version, parsed)
    try:
        return _eido_store(call_center=call_center, actor=actor, parsed=parsed, document=document, call_type=call_type)
    except IntegrityError:
        # Two deliveries of a new $id raced; the other one created it, so this one is an update.
        return _eido_store(call_center=call_center, actor=actor, parsed=parsed, document=document, call_type=call_type)


def _call_type_for(version, parsed: ParsedEido):
    """The call type the nature codes name under the policy (or any active one, to be screened out)."""
    from apps.incidents.models import CallType

    row = next((r for code in parsed.nature_codes if (r := call_type_for_nature_code(version, code))), None)
    if row is not None:
        return row.call_type
    if not parsed.nature_codes:
        return None
    known = CallType.objects.filter(code__in=parsed.nature_codes, active=True).first()
    if known is None:
        codes = ", ".join(repr(c) for c in parsed.nature_codes)
        parsed.warn(parsed.nature_path, f"no call type matches {codes} under policy v{version.number}")
        parsed.nature_codes_unknown = True
    return known


def _eido_store(*, call_center, actor, parsed: ParsedEido, document, call_type) -> tuple[EidoDocument, bool]:
    now = timezone.now()
    with transaction.atomic():
        existing = (
            EidoDocument.objects.select_for_update(of=("self",))
            .filter(call_center=call_center, eido_id=parsed.eido_id)
            .select_related("incident")
            .first()
        )
        if existing is not None:
            # A closed call keeps its record as it ended; the new document is still stored and counted.
            if existing.incident_id and existing.incident.status in OPEN_INCIDENT_STATUSES:
                _update_incident(actor=actor, incident=existing.incident, parsed=parsed)
            existing.document = document
            existing.parsed = parsed.as_dict()
            existing.received_count += 1
            existing.last_received_at = now
            existing.save(update_fields=["document", "parsed", "received_count", "last_received_at"])
            audit_record(
                actor=actor,
                action="intake.eido.update",
                obj=existing,
                detail={"eido_id": parsed.eido_id, "incident": existing.incident_id, "count": existing.received_count},
            )
            return existing, False
        stored = EidoDocument(
            call_center=call_center,
            eido_id=parsed.eido_id,
            document=document,
            parsed=parsed.as_dict(),
            first_received_at=now,
            last_received_at=now,
        )
        _take(call_center=call_center, actor=actor, parsed=parsed, call_type=call_type, stored=stored)
        stored.parsed = parsed.as_dict()
        stored.save()
        audit_record(
            actor=actor,
            action="intake.eido.create",
            obj=stored,
            detail={
                "eido_id": parsed.eido_id,
                "incident": stored.incident_id,
                "decision": stored.decision_id,
                "to_complete": eido_gaps(stored),
            },
        )
        return stored, True


def _take(*, call_center, actor, parsed: ParsedEido, call_type, stored: EidoDocument) -> None:
    """Screen the call when that is safe now; otherwise put it on the board held until a call-taker screens it.

    An EIDO does not answer the program's safety questions, so under the default policy every call
    the program takes arrives held ("not yet safe to decide"); a call type the policy does not take
    is handed back at once.
    """
    from apps.intake.services import call_screen, held_call_create, screening_evaluate

    loc = parsed.location
    summary = parsed.summary(f"{call_type.name if call_type else 'Call'} (EIDO from {call_center.name})")
    common = {
        "actor": actor,
        "call_center": call_center,
        "latitude": loc.latitude,
        "longitude": loc.longitude,
        "callback": parsed.callback,
        "caller_name": parsed.caller_name,
        "caller_notes": eido_caller_notes(parsed.as_dict()),
        "caller_language": parsed.caller_language,
        "received_at": parsed.call_start,
        "external_id": parsed.eido_id,
    }
    if call_type is not None and not parsed.missing:
        evaluation = screening_evaluate(version=policy_in_force(), call_type=call_type, answers={})
        if evaluation.safe_to_decide:
            decision = call_screen(
                answers={},
                call_type=call_type,
                location_text=loc.text,
                summary=summary,
                channel=Channel.EIDO,
                **common,
            )
            stored.decision, stored.incident = decision, decision.incident
            return
    if loc.text:
        location_text = loc.text
    elif loc.reference_url:
        location_text = f"Location by reference only: {loc.reference_url}"[: callers.LOCATION_MAX]
    else:
        location_text = "Location not given: ask the caller"
    stored.incident = held_call_create(
        call_type=call_type,
        location_text=location_text,
        summary=summary,
        waiting_for=_waiting_for(parsed),
        **common,
    )


def _waiting_for(parsed: ParsedEido | dict) -> list[str]:
    data = parsed.as_dict() if isinstance(parsed, ParsedEido) else parsed
    gaps = list(data.get("missing") or [])
    if data.get("nature_codes_unknown") and "incident type" not in gaps:
        gaps.insert(0, "incident type")
    return [*gaps, "the safety questions"]


def eido_gaps(stored: EidoDocument) -> list[str]:
    """What the call-taker still has to supply before this EIDO call is screened ([] once it is)."""
    if stored.decision_id:
        return []
    return _waiting_for(stored.parsed or {})


def _update_incident(*, actor, incident, parsed: ParsedEido) -> None:
    """A resubmission refreshes what the center knows better: place, callback, caller, notes."""
    loc = parsed.location
    wanted = {"summary": parsed.summary(incident.summary)}
    if loc.usable:
        wanted.update(location_text=loc.text, latitude=loc.latitude, longitude=loc.longitude)
    if parsed.callback:
        wanted["callback"] = parsed.callback
    if parsed.caller_name:
        wanted["caller_name"] = parsed.caller_name
    if parsed.caller_language:
        wanted["caller_language"] = parsed.caller_language
    changes = {k: v for k, v in wanted.items() if getattr(incident, k) != v}
    if changes:
        incident_update(actor=actor, incident_id=incident.pk, **changes)


def eido_caller_notes(parsed: dict) -> str:
    """What the EIDO says that has no field of its own on the incident, in words a dispatcher reads."""
    lines = []
    if parsed.get("call_id"):
        lines.append(f"Call id: {parsed['call_id']}")
    if parsed.get("call_answer"):
        lines.append(f"Answered by the call center at {parsed['call_answer']}")
    roles = [f"{p['name'] or 'unnamed'} ({', '.join(p['roles'])})" for p in parsed.get("persons", []) if p["roles"]]
    if roles:
        lines.append("People: " + "; ".join(roles))
    if parsed.get("caller_language"):
        lines.append(f"Caller's language: {callers.language_name(parsed['caller_language'])}")
    if parsed.get("other_callbacks"):
        lines.append("Other callbacks: " + ", ".join(parsed["other_callbacks"]))
    location = parsed.get("location") or {}
    if location.get("reference_url"):
        lines.append(f"Location reference: {location['reference_url']}")
    if location.get("radius_m"):
        lines.append(f"Location uncertainty: {location['radius_m']:.0f} m")
    agencies = [a["id"] for a in parsed.get("agencies", [])]
    if agencies:
        lines.append("Sent by: " + ", ".join(agencies))
    return "\n".join(lines)[: callers.CALLER_NOTES_MAX]


# --- writing -----------------------------------------------------------------------------------


def pidf_lo(*, entity: str, civic: dict | None, latitude: float | None, longitude: float | None) -> str:
    for prefix, uri in NS.items():
        ET.register_namespace("" if prefix == "pidf" else prefix, uri)
    presence = ET.Element(f"{{{NS['pidf']}}}presence", {"entity": entity})
    tuple_ = ET.SubElement(presence, f"{{{NS['pidf']}}}tuple", {"id": "location"})
    status = ET.SubElement(tuple_, f"{{{NS['pidf']}}}status")
    geopriv = ET.SubElement(status, f"{{{NS['gp']}}}geopriv")
    info = ET.SubElement(geopriv, f"{{{NS['gp']}}}location-info")
    if latitude is not None and longitude is not None:
        point = ET.SubElement(info, f"{{{NS['gml']}}}Point", {"srsName": "urn:ogc:def:crs:EPSG::4326"})
        ET.SubElement(point, f"{{{NS['gml']}}}pos").text = f"{latitude:.6f} {longitude:.6f}"
    if civic:
        address = ET.SubElement(info, f"{{{NS['ca']}}}civicAddress")
        for key in CIVIC_FIELDS:
            if civic.get(key):
                ET.SubElement(address, f"{{{NS['ca']}}}{key}").text = civic[key]
    usage = ET.SubElement(geopriv, f"{{{NS['gp']}}}usage-rules")
    ET.SubElement(usage, f"{{{NS['gp']}}}retransmission-allowed").text = "false"
    return ET.tostring(presence, encoding="unicode")


def _eido(
    *,
    eido_id,
    tracking,
    codes,
    call_type,
    status,
    closed,
    received_at,
    answered_at,
    callback,
    caller_name,
    caller_language,
    location,
    summary,
    reason,
) -> dict:
    """An EIDO as NENA's schema defines it, with the program's own agency as issuer and updater."""
    agency_id = conf.program_agency_uri()
    now = timezone.now().isoformat()

    def component(kind: str, **content) -> dict:
        return {
            "$id": f"urn:firstline:{kind}:{uuid.uuid4()}",
            "lastUpdateTimeStamp": now,
            "updatedByAgencyReference": {"$ref": agency_id},
            **content,
        }

    location_part = component("location", locationTypeDescriptionRegistryText="Incident", locationByValue=location)
    notes = [component("note", notesActionComments=escape(text)) for text in [reason, summary] if text]
    callback_part = component("callback", callBackInformationUri=[f"tel:{callback}"]) if callback else None
    person = None
    if caller_name or caller_language or callback_part:
        niem = {}
        if caller_name:
            niem["name"] = [{"personFullName": [{"value": caller_name}]}]
        iso639_3 = callers.language_iso639_3(caller_language) if caller_language else None
        if iso639_3:
            niem["primaryLanguage"] = [{"languageCode": [{"simpleType": iso639_3}]}]
        elif caller_language:
            niem["primaryLanguage"] = [{"languageName": [{"value": caller_language}]}]
        person = component("person", personIncidentRoleRegistryText=["Caller"])
        if niem:
            person["ncPersonComponent"] = niem
        if callback_part:
            person["callBackReference"] = {"$ref": callback_part["$id"]}
    call = component(
        "call",
        standardPrimaryCallType="emergency",
        direction="incoming",
        callStartTimestamp=(received_at or timezone.now()).isoformat(),
        callStateRegistryText="callEnd" if closed else "callAnswered",
        locationReference=[{"$ref": location_part["$id"]}],
    )
    if answered_at:
        call["answerDate"] = answered_at.isoformat()
    if callback_part:
        call["callBackReference"] = {"$ref": callback_part["$id"]}
    if person:
        call["personReference"] = [{"$ref": person["$id"]}]
    incident = component(
        "incident",
        incidentTypeCommonRegistryText=codes[0] if codes else "unknown",
        incidentStatusInternalText=[status],
        internalIncidentId=tracking,
        locationReference=[{"$ref": location_part["$id"]}],
        notesReference=[{"$ref": n["$id"]} for n in notes],
    )
    if call_type is not None:
        incident["incidentTypeInternalCode"] = call_type.code
        incident["incidentTypeInternalText"] = call_type.name
    if person:
        incident["personReference"] = [{"$ref": person["$id"]}]
    doc = {
        "$id": eido_id,
        "lastUpdateTimeStamp": now,
        "updatedByAgencyReference": {"$ref": agency_id},
        "eidoVersion": EIDO_VERSION,
        "issuingElementIdentification": conf.eido_issuing_element(),
        "incidentComponent": incident,
        "callComponent": [call],
        "locationComponent": [location_part],
        "agencyComponent": [
            {
                "$id": agency_id,
                "lastUpdateTimeStamp": now,
                "updatedByAgencyReference": {"$ref": agency_id},
                "agencyRoleDescriptionRegistryText": conf.eido_agency_role(),
                "agencyType": conf.eido_agency_type(),
                "incidentOwningAgencyIndicator": False,
            }
        ],
    }
    if notes:
        doc["notesComponent"] = notes
    if callback_part:
        doc["callbackComponent"] = [callback_part]
    if person:
        doc["personComponent"] = [person]
    return doc


def eido_for_incident(incident, *, reason: str = "") -> dict:
    """An EIDO describing the incident, for a handback to 911 (screened out or police requested)."""
    source = incident.eido_documents.first() if incident.pk else None
    parsed = source.parsed if source else {}
    civic = (parsed.get("location") or {}).get("civic") or {"LOC": incident.location_text}
    codes = parsed.get("nature_codes") or ([incident.call_type.code] if incident.call_type_id else [])
    answered = parse_datetime(parsed["call_answer"]) if parsed.get("call_answer") else None
    return _eido(
        eido_id=incident.external_id or f"urn:firstline:incident:{incident.pk}",
        tracking=incident.reference,
        codes=codes,
        call_type=incident.call_type,
        status=incident.status,
        closed=incident.status not in OPEN_INCIDENT_STATUSES,
        received_at=incident.received_at,
        answered_at=answered,
        callback=incident.callback if incident.callback.startswith("+") else "",
        caller_name=incident.caller_name,
        caller_language=getattr(incident, "caller_language", "") or parsed.get("caller_language", ""),
        location=pidf_lo(
            entity=f"pres:{incident.reference}@firstline",
            civic=civic,
            latitude=incident.latitude,
            longitude=incident.longitude,
        ),
        summary=incident.summary,
        reason=reason,
    )


def eido_for_decision(decision: ScreeningDecision, *, reason: str = "", eido_id: str = "") -> dict:
    """An EIDO for a call screened out before any incident existed (keeping the center's `$id` if it sent one)."""
    return _eido(
        eido_id=eido_id or f"urn:firstline:screening:{decision.pk}",
        tracking=f"FL-S-{decision.pk}",
        codes=[decision.call_type.code] if decision.call_type_id else [],
        call_type=decision.call_type,
        status="not_eligible",
        closed=True,
        received_at=decision.decided_at,
        answered_at=None,
        callback="",
        caller_name="",
        caller_language="",
        location=pidf_lo(
            entity=f"pres:screening-{decision.pk}@firstline",
            civic={"LOC": decision.location_text or "unknown"},
            latitude=None,
            longitude=None,
        ),
        summary=decision.summary,
        reason=reason,
    )
