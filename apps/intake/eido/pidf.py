"""PIDF-LO, the XML location an EIDO embeds: read (through defusedxml only) and written.

Pure: a string in, a Location out (and back). Hostile XML refuses the whole EIDO; XML that is only
unreadable leaves a call the call-taker completes.
"""

import math
import xml.etree.ElementTree as ET  # building XML only; parsing goes through defusedxml

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from apps.common import callers
from apps.intake.eido.document import (
    CIVIC_FIELDS,
    GEODETIC_SHAPES,
    MAX_XML_CHARS,
    NS,
    EidoError,
    Location,
    UnreadableLocation,
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _float(text: str | None, path: str, what: str) -> float:
    try:
        value = float((text or "").strip())
    except ValueError as error:
        raise UnreadableLocation(path, f"{what} is not a number") from error
    if not math.isfinite(value):  # 'NaN' and '1e999' read as floats, and no JSON column can hold them
        raise UnreadableLocation(path, f"{what} is not a finite number")
    return value


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
