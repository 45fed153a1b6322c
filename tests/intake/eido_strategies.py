"""Hypothesis strategies for NENA's EIDO: whole documents that validate against NENA's schema (walked by
tests/intake/schema_strategies.py with EIDO's hints and focus), PIDF-LO location documents and phone
URIs, with values the intake must read, and some it must refuse or warn about.
"""

from hypothesis import strategies as st

from tests.intake.schema_strategies import SchemaStrategies

# A few component ids, so that `$ref` links sometimes reach a component of the right kind, sometimes
# one of another kind, and sometimes nothing.
COMPONENT_IDS = [f"urn:emergency:uid:component:{n}" for n in range(1, 5)]
NATURE_CODES = ["WELF", "MENTAL", "EDP", "INTOX", "welfare_check", "structure_fire", "ROBBERY", " ", "unknown"]
ROLES = ["Caller", "caller", "Subject", "Witness", "Patient", ""]
LANGUAGE_CODES = ["spa", "eng", "vie", "zho", "ase", "abc"]
CIVIC_KEYS = ["country", "A1", "A2", "A3", "A4", "A6", "PRD", "POD", "STS", "HNO", "HNS", "LMK", "LOC", "FLR"]
CIVIC_KEYS += ["NAM", "PC", "RD", "UNIT", "ROOM", "PLC"]
PIDF = "urn:ietf:params:xml:ns:pidf"
GP = "urn:ietf:params:xml:ns:pidf:geopriv10"
CA = "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"
GML = "http://www.opengis.net/gml"
GS = "http://www.opengis.net/pidflo/1.0"

# Words XML 1.0 can carry (no control characters, no surrogates), with markup characters among them.
xml_words = st.text(st.characters(min_codepoint=32, exclude_categories=["Cs", "Cc"]), min_size=0, max_size=30)


def _pidf_lo(civic: dict | None, shape: tuple | None) -> str:
    """A PIDF-LO document (RFC 4119/5139/5491) written the way a location server writes one."""
    from xml.etree import ElementTree as ET

    presence = ET.Element(f"{{{PIDF}}}presence", {"entity": "pres:caller@psap.example"})
    status = ET.SubElement(ET.SubElement(presence, f"{{{PIDF}}}tuple", {"id": "t1"}), f"{{{PIDF}}}status")
    geopriv = ET.SubElement(status, f"{{{GP}}}geopriv")
    info = ET.SubElement(geopriv, f"{{{GP}}}location-info")
    if shape is not None:
        kind, lat, lon, radius = shape
        element = ET.SubElement(
            info, f"{{{GS if kind == 'Circle' else GML}}}{kind}", {"srsName": "urn:ogc:def:crs:EPSG::4326"}
        )
        ET.SubElement(element, f"{{{GML}}}pos").text = f"{lat} {lon}"
        if kind == "Circle":
            ET.SubElement(element, f"{{{GS}}}radius", {"uom": "urn:ogc:def:uom:EPSG::9001"}).text = str(radius)
    if civic is not None:
        address = ET.SubElement(info, f"{{{CA}}}civicAddress")
        for key, value in civic.items():
            ET.SubElement(address, f"{{{CA}}}{key}").text = value
    ET.SubElement(geopriv, f"{{{GP}}}usage-rules")
    return ET.tostring(presence, encoding="unicode")


def pidf_lo_documents() -> st.SearchStrategy[str]:
    civic = st.dictionaries(st.sampled_from(CIVIC_KEYS), xml_words, min_size=1, max_size=6)
    shape = st.tuples(
        st.sampled_from(["Point", "Circle"]),
        st.floats(-90, 90) | st.sampled_from([90.5, -181.0]),
        st.floats(-180, 180),
        st.integers(0, 5000) | st.sampled_from(["35.5", "NaN", "1e999", "-3", "far"]),
    )
    written = st.builds(_pidf_lo, st.none() | civic, st.none() | shape)
    unreadable = st.sampled_from(["not xml", "<presence xmlns='urn:ietf:params:xml:ns:pidf'/>", "<other/>", ""])
    return st.one_of(written, written, written, unreadable)


def phone_uris() -> st.SearchStrategy[str]:
    digits = st.integers(0, 9999).map(lambda n: f"{n:04d}")
    return st.one_of(
        digits.map(lambda d: f"tel:+1303555{d}"),
        digits.map(lambda d: f"tel:303555{d};phone-context=+1"),
        digits.map(lambda d: f"sip:+1720555{d}@carrier.example;user=phone"),
        st.sampled_from(["sip:caller@carrier.example", "mailto:someone@example.org", "tel:12", "tel:+999"]),
    )


def _texts(words) -> st.SearchStrategy[list]:
    return st.lists(st.builds(lambda v: {"value": v}, words), min_size=1, max_size=2)


EIDO_HINTS = {
    "$id": lambda generic: st.sampled_from(COMPONENT_IDS),
    "$ref": lambda generic: st.sampled_from(COMPONENT_IDS),
    "incidentTypeCommonRegistryText": lambda generic: st.sampled_from(NATURE_CODES),
    "incidentTypeInternalCode": lambda generic: st.sampled_from(NATURE_CODES),
    "callBackInformationUri": lambda generic: st.lists(phone_uris(), min_size=1, max_size=3),
    "updatedCbnIdentifierUri": lambda generic: phone_uris(),
    "personIncidentRoleRegistryText": lambda generic: st.lists(st.sampled_from(ROLES), min_size=1, max_size=2),
    "languageCode": lambda generic: st.lists(st.builds(lambda c: {"simpleType": c}, st.sampled_from(LANGUAGE_CODES))),
    "languageName": lambda generic: _texts(st.sampled_from(["Spanish", "español", "es-MX", "Tigrinya", " "])),
    "personFullName": lambda generic: _texts(xml_words),
    "locationByValue": lambda generic: pidf_lo_documents(),
    "locationByReferenceUrl": lambda generic: st.sampled_from(
        ["https://lis.example/l/1", "sip:l@lis.example", "ftp://lis.example/l", "held:l1"]
    ),
    "notesActionComments": lambda generic: st.sampled_from(
        ["<p>Caller is calm.</p>", "<script>alert(1)</script>Man on a bench", "&lt;b&gt; bold", "x" * 2100]
    ),
}

# The optional members the intake reads: drawn with even odds wherever they appear.
EIDO_FOCUS = frozenset(
    {
        "incidentComponent",
        "callComponent",
        "callbackComponent",
        "personComponent",
        "locationComponent",
        "notesComponent",
        "agentComponent",
        "incidentTypeInternalCode",
        "incidentTypeInternalText",
        "locationReference",
        "personReference",
        "notesReference",
        "callBackReference",
        "answerDate",
        "localCallType",
        "callBackInformationUri",
        "updatedCbn",
        "ncPersonComponent",
        "name",
        "primaryLanguage",
        "languageCode",
        "languageName",
        "personFullName",
        "personGivenName",
        "personSurName",
        "value",
        "simpleType",
        "locationByValue",
        "locationByReferenceUrl",
        "locationDescriptionText",
        "agentWorkstationPositionIdentification",
    }
)


def eido_walker(**options) -> SchemaStrategies:
    from apps.intake import eido_schema

    options = {"max_depth": 4, "max_optional": 1, "focus": EIDO_FOCUS, "hints": EIDO_HINTS} | options
    options.setdefault("formats", "annotation")  # as the intake reads NENA's schema (docs/intake.md)
    return SchemaStrategies(eido_schema.registry(), validator_class=eido_schema.NenaValidator, **options)


def eido_documents(walker: SchemaStrategies | None = None) -> st.SearchStrategy[dict]:
    """Whole EIDO documents (NENA's EmergencyIncidentDataObjectType) that validate against NENA's schema."""
    from apps.intake import eido_schema

    walker = walker or eido_walker()
    documents = walker.from_ref(f"{eido_schema.BASE_URI}openapi.yaml#/components/schemas/{eido_schema.DOCUMENT}")
    # Half the calls are new to the intake (a fresh `$id`); the others keep what the walk drew, often
    # an id already sent, which makes them updates.
    fresh = st.none() | st.uuids().map(lambda u: f"urn:emergency:uid:incidentid:{u}")
    return st.builds(lambda doc, new_id: doc if new_id is None else {**doc, "$id": new_id}, documents, fresh)
