"""NENA EIDO (NENA-STA-021, JSON, version 1.0): reading what call centers send, writing handbacks.

Reading never trusts the document: every problem is an EidoError naming the JSON path and the
reason, and embedded PIDF-LO XML is parsed only with defusedxml (no DTDs, no entities, no external
references). `eido_receive` writes everything in one transaction, so a refused document leaves
nothing behind, and a resubmission with the same `$id` updates the incident it created.
"""

import uuid
import xml.etree.ElementTree as ET  # building XML only; parsing goes through defusedxml
from dataclasses import dataclass, field
from datetime import datetime

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.audit.services import audit_record
from apps.common.errors import ApplicationError
from apps.common.nul import find_nul
from apps.incidents.services import incident_update
from apps.incidents.states import OPEN_INCIDENT_STATUSES
from apps.intake import conf
from apps.intake.models import CallCenter, Channel, EidoDocument, ScreeningDecision
from apps.intake.selectors import call_type_for_nature_code, policy_in_force

SCHEMA_URI = "https://schemas.nena.org/eido/1.0/eido.schema.json"
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


class EidoError(Exception):
    """The document cannot be read at `path` for `reason`."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass
class Location:
    text: str = ""
    latitude: float | None = None
    longitude: float | None = None
    radius_m: float | None = None
    civic: dict = field(default_factory=dict)
    reference_url: str = ""


@dataclass
class ParsedEido:
    eido_id: str
    message_id: str = ""
    nature_codes: list[str] = field(default_factory=list)
    nature_path: str = "$.incidentComponent.incidentTypeCommonRegistryText"
    call_id: str = ""
    call_start: datetime | None = None
    call_answer: datetime | None = None
    call_type: str = ""
    callbacks: list[str] = field(default_factory=list)
    persons: list[dict] = field(default_factory=list)
    agencies: list[dict] = field(default_factory=list)
    agents: list[dict] = field(default_factory=list)
    location: Location = field(default_factory=Location)
    notes: list[str] = field(default_factory=list)

    @property
    def caller_name(self) -> str:
        for person in self.persons:
            if any("caller" in role.lower() for role in person["roles"]) and person["name"]:
                return person["name"]
        return ""

    def summary(self, fallback: str) -> str:
        return " ".join(self.notes).strip() or fallback

    def as_dict(self) -> dict:
        loc = self.location
        return {
            "eido_id": self.eido_id,
            "message_id": self.message_id,
            "nature_codes": self.nature_codes,
            "call_id": self.call_id,
            "call_start": self.call_start.isoformat() if self.call_start else None,
            "call_answer": self.call_answer.isoformat() if self.call_answer else None,
            "call_type": self.call_type,
            "callbacks": self.callbacks,
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
            },
            "notes": self.notes,
        }


# --- reading -----------------------------------------------------------------------------------


def _components(doc: dict, name: str) -> list[tuple[str, dict]]:
    """A component may be one object or a list of them; answer (path, object) pairs."""
    value = doc.get(name)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for i, item in enumerate(items):
        path = f"$.{name}[{i}]" if isinstance(value, list) else f"$.{name}"
        if not isinstance(item, dict):
            raise EidoError(path, "must be an object")
        out.append((path, item))
    return out


def _text(obj: dict, path: str, *names: str, required: bool = False, max_len: int = 500) -> str:
    for name in names:
        if name in obj and obj[name] is not None:
            value = obj[name]
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise EidoError(f"{path}.{name}", "must be a string")
            value = str(value).strip()
            if len(value) > max_len:
                raise EidoError(f"{path}.{name}", f"longer than {max_len} characters")
            return value
    if required:
        raise EidoError(f"{path}.{names[0]}", "is required")
    return ""


def _texts(obj: dict, path: str, *names: str) -> tuple[list[str], str]:
    """A field that may be a string or a list of strings."""
    for name in names:
        if name in obj and obj[name] is not None:
            value = obj[name]
            items = value if isinstance(value, list) else [value]
            out = []
            for i, item in enumerate(items):
                if not isinstance(item, str):
                    where = f"{path}.{name}[{i}]" if isinstance(value, list) else f"{path}.{name}"
                    raise EidoError(where, "must be a string")
                if item.strip():
                    out.append(item.strip()[:200])
            return out, f"{path}.{name}"
    return [], f"{path}.{names[0]}"


def _time(obj: dict, path: str, *names: str) -> datetime | None:
    for name in names:
        if obj.get(name) is not None:
            value = obj[name]
            parsed = parse_datetime(value) if isinstance(value, str) else None
            if parsed is None:
                raise EidoError(f"{path}.{name}", "not an ISO 8601 date and time")
            if timezone.is_naive(parsed):
                raise EidoError(f"{path}.{name}", "needs a time zone offset (e.g. Z or -07:00)")
            return parsed
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _float(text: str | None, path: str, what: str) -> float:
    try:
        return float((text or "").strip())
    except ValueError as error:
        raise EidoError(path, f"{what} is not a number") from error


def parse_pidf_lo(xml_text: str, path: str) -> Location:
    """Read a PIDF-LO document: a civic address and/or a geodetic point (or circle centre)."""
    if len(xml_text) > MAX_XML_CHARS:
        raise EidoError(path, f"PIDF-LO longer than {MAX_XML_CHARS} characters")
    try:
        root = SafeET.fromstring(xml_text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise EidoError(
            path, f"XML refused: DTDs, entities and external references are not allowed ({error})"
        ) from error
    except ET.ParseError as error:
        raise EidoError(path, f"not well-formed XML ({error})") from error
    if _local(root.tag) != "presence":
        raise EidoError(path, "not a PIDF-LO document (root element must be presence)")
    location = Location()
    for element in root.iter():
        name = _local(element.tag)
        if name == "civicAddress" and not location.civic:
            location.civic = {
                _local(child.tag): (child.text or "").strip()[:120]
                for child in element
                if _local(child.tag) in CIVIC_FIELDS and (child.text or "").strip()
            }
        elif name in {"Point", "Circle", "Ellipse", "ArcBand", "Sphere"} and location.latitude is None:
            pos = next((c for c in element.iter() if _local(c.tag) == "pos"), None)
            if pos is None:
                raise EidoError(path, f"{name} without gml:pos")
            parts = (pos.text or "").split()
            if len(parts) < 2:
                raise EidoError(path, "gml:pos needs latitude and longitude")
            lat, lon = _float(parts[0], path, "latitude"), _float(parts[1], path, "longitude")
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise EidoError(path, "gml:pos is outside the range of latitude and longitude")
            location.latitude, location.longitude = lat, lon
            radius = next((c for c in element if _local(c.tag) == "radius"), None)
            if radius is not None:
                location.radius_m = _float(radius.text, path, "radius")
    if not location.civic and location.latitude is None:
        raise EidoError(path, "PIDF-LO holds neither a civic address nor a geodetic shape")
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
    return text.strip()


def eido_parse(doc) -> ParsedEido:
    if not isinstance(doc, dict):
        raise EidoError("$", "an EIDO document is a JSON object")
    eido_id = _text(doc, "$", "$id", required=True, max_len=255)
    if not eido_id:
        raise EidoError("$.$id", "must not be empty")
    parsed = ParsedEido(eido_id=eido_id, message_id=_text(doc, "$", "eidoMessageIdentifier", max_len=255))
    incidents = _components(doc, "incidentComponent")
    if not incidents:
        raise EidoError("$.incidentComponent", "is required")
    path, incident = incidents[0]
    codes, code_path = _texts(incident, path, "incidentTypeCommonRegistryText", "incidentTypeCommonRegistryCode")
    if not codes:
        raise EidoError(code_path, "is required: the call's nature code")
    parsed.nature_codes, parsed.nature_path = codes, code_path
    for path, call in _components(doc, "callComponent"):
        if not parsed.call_id:
            parsed.call_id = _text(call, path, "callIdentifier", "callIdentifierURN", max_len=200)
            parsed.call_start = _time(call, path, "callStartTimestamp", "callStartTimeStamp")
            parsed.call_answer = _time(call, path, "callAnswerTimestamp", "callAnswerTimeStamp")
            parsed.call_type = _text(call, path, "callTypeDescriptor", max_len=100)
        uris, uri_path = _texts(call, path, "callbackURI", "callbackURIs")
        listed = isinstance(call.get(uri_path.rsplit(".", 1)[-1]), list)
        for i, uri in enumerate(uris):
            if not uri.lower().startswith(("tel:", "sip:", "sips:")):
                raise EidoError(f"{uri_path}[{i}]" if listed else uri_path, "a callback is a tel: or sip: URI")
            parsed.callbacks.append(uri)
    for path, person in _components(doc, "personComponent"):
        roles, _ = _texts(person, path, "personRoleRegistryText", "personRole")
        name = person.get("personNameText", person.get("personName", ""))
        if isinstance(name, dict):
            name = " ".join(str(v) for v in name.values() if isinstance(v, str))
        elif not isinstance(name, str):
            raise EidoError(f"{path}.personNameText", "must be a string or an object of strings")
        parsed.persons.append({"id": _text(person, path, "$id", max_len=200), "roles": roles, "name": name[:120]})
    for path, agency in _components(doc, "agencyComponent"):
        parsed.agencies.append(
            {
                "id": _text(agency, path, "agencyIdentifier", "$id", max_len=200),
                "name": _text(agency, path, "agencyName", "agencyNameText", max_len=200),
            }
        )
    for path, agent in _components(doc, "agentComponent"):
        roles, _ = _texts(agent, path, "agentRoleRegistryText", "agentRole")
        parsed.agents.append({"id": _text(agent, path, "agentIdentifier", "$id", max_len=200), "roles": roles})
    for path, location in _components(doc, "locationComponent"):
        by_value = location.get("locationByValue")
        reference = _text(location, path, "locationByReferenceUrl", "locationByReference", max_len=500)
        if by_value is not None:
            if not isinstance(by_value, str):
                raise EidoError(f"{path}.locationByValue", "must be a PIDF-LO XML string")
            if parsed.location.latitude is None and not parsed.location.civic:
                found = parse_pidf_lo(by_value, f"{path}.locationByValue")
                found.reference_url = parsed.location.reference_url
                parsed.location = found
            else:
                parse_pidf_lo(by_value, f"{path}.locationByValue")  # still refuse anything malformed
        if reference:
            if not reference.lower().startswith(("https://", "http://", "sip:", "sips:")):
                raise EidoError(f"{path}.locationByReferenceUrl", "must be an https, http or sip URI")
            parsed.location.reference_url = parsed.location.reference_url or reference
    loc = parsed.location
    if not loc.text and loc.latitude is not None:
        loc.text = f"{loc.latitude:.6f}, {loc.longitude:.6f}"
    if not loc.text and loc.reference_url:
        loc.text = f"Location by reference: {loc.reference_url}"[:300]
    if not loc.text:
        raise EidoError("$.locationComponent", "is required: a locationByValue or locationByReferenceUrl")
    for path, note in _components(doc, "notesComponent"):
        text = _text(note, path, "notesActionComment", "noteText", "notesText", max_len=4000)
        if text:
            parsed.notes.append(text)
    return parsed


# --- the service -------------------------------------------------------------------------------


def eido_receive(*, call_center: CallCenter, document) -> tuple[EidoDocument, bool]:
    """Take an EIDO from a call center: screen and create the incident, or update the one it made.

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
    row = next((r for code in parsed.nature_codes if (r := call_type_for_nature_code(version, code))), None)
    try:
        return _eido_store(call_center=call_center, actor=actor, parsed=parsed, document=document, row=row)
    except IntegrityError:
        # Two deliveries of a new $id raced; the other one created it, so this one is an update.
        return _eido_store(call_center=call_center, actor=actor, parsed=parsed, document=document, row=row)


def _eido_store(*, call_center, actor, parsed: ParsedEido, document, row) -> tuple[EidoDocument, bool]:
    from apps.incidents.models import CallType
    from apps.intake.services import call_screen

    loc = parsed.location
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
                wanted = {
                    "location_text": loc.text[:300],
                    "latitude": loc.latitude,
                    "longitude": loc.longitude,
                    "callback": (parsed.callbacks[0] if parsed.callbacks else existing.incident.callback)[:120],
                    "caller_name": (parsed.caller_name or existing.incident.caller_name)[:120],
                    "summary": parsed.summary(existing.incident.summary),
                }
                changes = {k: v for k, v in wanted.items() if getattr(existing.incident, k) != v}
                if changes:
                    incident_update(actor=actor, incident_id=existing.incident_id, **changes)
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
        if row is not None:
            call_type = row.call_type
        else:
            # A known call type that the policy does not take is screened (and handed back); a code nobody
            # knows is an error in the document.
            call_type = CallType.objects.filter(code__in=parsed.nature_codes, active=True).first()
            if call_type is None:
                raise EidoError(
                    parsed.nature_path,
                    f"no call type matches {', '.join(repr(c) for c in parsed.nature_codes)} "
                    f"under policy v{policy_in_force().number}",
                )
        decision = call_screen(
            actor=actor,
            answers={},
            call_type=call_type,
            location_text=loc.text,
            summary=parsed.summary(f"{call_type.name} (EIDO from {call_center.name})"),
            channel=Channel.EIDO,
            call_center=call_center,
            latitude=loc.latitude,
            longitude=loc.longitude,
            callback=parsed.callbacks[0] if parsed.callbacks else "",
            caller_name=parsed.caller_name,
            caller_notes=_caller_notes(parsed),
            received_at=parsed.call_start,
            external_id=parsed.eido_id,
        )
        stored = EidoDocument.objects.create(
            call_center=call_center,
            eido_id=parsed.eido_id,
            incident=decision.incident,
            decision=decision,
            document=document,
            parsed=parsed.as_dict(),
            first_received_at=now,
            last_received_at=now,
        )
        audit_record(
            actor=actor,
            action="intake.eido.create",
            obj=stored,
            detail={"eido_id": parsed.eido_id, "incident": decision.incident_id, "decision": decision.pk},
        )
        return stored, True


def _caller_notes(parsed: ParsedEido) -> str:
    lines = []
    if parsed.call_id:
        lines.append(f"Call id: {parsed.call_id}")
    if len(parsed.callbacks) > 1:
        lines.append("Other callbacks: " + ", ".join(parsed.callbacks[1:]))
    if parsed.location.reference_url:
        lines.append(f"Location reference: {parsed.location.reference_url}")
    if parsed.location.radius_m:
        lines.append(f"Location uncertainty: {parsed.location.radius_m:.0f} m")
    return "\n".join(lines)


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


def _eido(*, eido_id, tracking, codes, status, received_at, callback, caller_name, location, summary, reason) -> dict:
    def cid(kind):
        return f"urn:firstline:{kind}:{uuid.uuid4()}"

    now = timezone.now().isoformat()
    doc = {
        "$schema": SCHEMA_URI,
        "$id": eido_id,
        "eidoMessageIdentifier": f"urn:uuid:{uuid.uuid4()}",
        "lastUpdateTimeStamp": now,
        "incidentComponent": {
            "$id": cid("incident"),
            "incidentTrackingIdentifier": tracking,
            "incidentTypeCommonRegistryText": codes,
            "incidentStatusCommonRegistryText": [status],
            "lastUpdateTimeStamp": now,
        },
        "callComponent": [
            {
                "$id": cid("call"),
                "callIdentifier": tracking,
                "callStartTimestamp": received_at.isoformat() if received_at else now,
                **({"callbackURI": [callback]} if callback else {}),
            }
        ],
        "locationComponent": [{"$id": cid("location"), "locationByValue": location}],
        "agencyComponent": [
            {"$id": cid("agency"), "agencyIdentifier": conf.program_agency_uri(), "agencyName": conf.program_name()}
        ],
        "notesComponent": [
            {"$id": cid("note"), "notesActionComment": text, "lastUpdateTimeStamp": now}
            for text in [reason, summary]
            if text
        ],
    }
    if caller_name:
        doc["personComponent"] = [
            {"$id": cid("person"), "personRoleRegistryText": ["caller"], "personNameText": caller_name}
        ]
    return doc


def _callback_uri(callback: str) -> str:
    callback = (callback or "").strip()
    if not callback or callback.lower().startswith(("tel:", "sip:", "sips:")):
        return callback
    digits = "".join(ch for ch in callback if ch.isdigit() or ch == "+")
    return f"tel:{digits}" if digits else ""


def eido_for_incident(incident, *, reason: str = "") -> dict:
    """An EIDO describing the incident, for a handback to 911 (screened out or police requested)."""
    source = incident.eido_documents.first() if incident.pk else None
    civic = (source.parsed.get("location", {}).get("civic") if source else None) or {"LOC": incident.location_text}
    codes = [incident.call_type.code] if incident.call_type_id else ["unknown"]
    if source and source.parsed.get("nature_codes"):
        codes = source.parsed["nature_codes"]
    return _eido(
        eido_id=incident.external_id or f"urn:firstline:incident:{incident.pk}",
        tracking=incident.reference,
        codes=codes,
        status=incident.status,
        received_at=incident.received_at,
        callback=_callback_uri(incident.callback),
        caller_name=incident.caller_name,
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
        codes=[decision.call_type.code] if decision.call_type_id else ["unknown"],
        status="not_eligible",
        received_at=decision.decided_at,
        callback="",
        caller_name="",
        location=pidf_lo(
            entity=f"pres:screening-{decision.pk}@firstline",
            civic={"LOC": decision.location_text or "unknown"},
            latitude=None,
            longitude=None,
        ),
        summary=decision.summary,
        reason=reason,
    )
