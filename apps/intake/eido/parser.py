"""Reading an EIDO: NENA's schema first, then what a community response needs from it.

Pure: a dict in, a ParsedEido out (or EidoError). No database, no HTTP; the service that acts on
it is apps/intake/services/eido.py.
"""

from datetime import datetime
from html import unescape

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags

from apps.common import callers
from apps.common.errors import ApplicationError
from apps.intake import eido_schema
from apps.intake.eido.document import EidoError, Location, ParsedEido, UnreadableLocation
from apps.intake.eido.pidf import parse_pidf_lo


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


def _ref(value) -> str | None:
    """The `$id` a NENA reference names. NENA's ReferenceType has no JSON type, so a schema-valid
    reference may be a number, a string or a list: such a value names nothing."""
    target = value.get("$ref") if isinstance(value, dict) else None
    return target if isinstance(target, str) else None


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
            target = _ref(ref)
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
        try:
            parsed_value = parse_datetime(value.strip()) if isinstance(value, str) else None
        except ValueError:  # shaped like ISO 8601 but no real time (2026-02-30, an offset of +99:00)
            parsed_value = None
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
        for path, agent in self.items("agentComponent"):
            agency = _ref(agent.get("agencyReference"))
            if agency is None:
                parsed.warn(f"{path}.agencyReference", "not a reference to an agency; not used")
            parsed.agents.append(
                {
                    "id": agent["$id"][:200],
                    "roles": [r[:100] for r in agent.get("agentRoleRegistryText", [])][:10],
                    "agency": (agency or "")[:200],
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
            callback_ref = _ref(person.get("callBackReference"))
            if callback_ref is None and "callBackReference" in person:
                parsed.warn(f"{path}.callBackReference", "not a reference to a callback; not used")
            parsed.persons.append(
                {
                    "id": person["$id"][:200],
                    "path": path,
                    "roles": roles,
                    "caller": any(role.lower() == "caller" for role in roles),
                    "name": _person_name(person),
                    "language": _person_language(person),
                    "callback_ref": callback_ref,
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
