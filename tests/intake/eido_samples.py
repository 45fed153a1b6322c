"""EIDO documents shaped like the ones 911 centers send (NENA-STA-021 JSON, v1.0)."""

import copy

CIVIC_PIDF = """<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10"
    xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr" entity="pres:caller@psap.example">
  <tuple id="loc1"><status><gp:geopriv><gp:location-info>
    <ca:civicAddress xml:lang="en">
      <ca:country>US</ca:country><ca:A1>CO</ca:A1><ca:A3>Riverton</ca:A3>
      <ca:PRD>N</ca:PRD><ca:A6>Main</ca:A6><ca:STS>St</ca:STS><ca:HNO>123</ca:HNO><ca:PC>80010</ca:PC>
    </ca:civicAddress>
  </gp:location-info><gp:usage-rules/></gp:geopriv></status></tuple>
</presence>"""

GEODETIC_PIDF = """<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10"
    xmlns:gml="http://www.opengis.net/gml" xmlns:gs="http://www.opengis.net/pidflo/1.0"
    entity="pres:caller@psap.example">
  <tuple id="loc2"><status><gp:geopriv><gp:location-info>
    <gs:Circle srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>39.7392 -104.9903</gml:pos>
      <gs:radius uom="urn:ogc:def:uom:EPSG::9001">35</gs:radius></gs:Circle>
  </gp:location-info><gp:usage-rules/></gp:geopriv></status></tuple>
</presence>"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="pres:x@y"><note>&lol9;</note></presence>"""

BASE = {
    "$schema": "https://schemas.nena.org/eido/1.0/eido.schema.json",
    "$id": "urn:emergency:eido:riverton911:2026-000123",
    "eidoMessageIdentifier": "urn:emergency:uid:msgid:8f0b6c1e-0001",
    "lastUpdateTimeStamp": "2026-11-26T14:00:05-07:00",
    "incidentComponent": {
        "$id": "urn:emergency:uid:incidentid:1",
        "incidentTrackingIdentifier": "RIV-2026-000123",
        "incidentTypeCommonRegistryText": ["WELFARE"],
        "lastUpdateTimeStamp": "2026-11-26T14:00:05-07:00",
    },
    "callComponent": [
        {
            "$id": "urn:emergency:uid:callid:abc",
            "callIdentifier": "urn:emergency:uid:callid:abc:riverton911.example",
            "callStartTimestamp": "2026-11-26T13:58:12-07:00",
            "callAnswerTimestamp": "2026-11-26T13:58:20-07:00",
            "callTypeDescriptor": "Emergency",
            "callbackURI": ["tel:+13035550100", "sip:+13035550100@carrier.example"],
        }
    ],
    "personComponent": [
        {"$id": "urn:emergency:uid:personid:1", "personRoleRegistryText": ["caller"], "personNameText": "Pat Doe"},
        {"$id": "urn:emergency:uid:personid:2", "personRoleRegistryText": ["subject"]},
    ],
    "agencyComponent": [{"$id": "urn:emergency:uid:agencyid:1", "agencyIdentifier": "urn:nena:agency:riverton911"}],
    "agentComponent": [
        {"$id": "urn:emergency:uid:agentid:7", "agentIdentifier": "ct-17", "agentRoleRegistryText": ["calltaker"]}
    ],
    "locationComponent": [
        {
            "$id": "urn:emergency:uid:locationid:1",
            "locationByValue": CIVIC_PIDF,
            "locationByReferenceUrl": "https://lis.example/loc/abc",
        }
    ],
    "notesComponent": [
        {"$id": "urn:emergency:uid:noteid:1", "notesActionComment": "Older man confused, outside in the cold."}
    ],
}


def eido(**changes):
    doc = copy.deepcopy(BASE)
    for key, value in changes.items():
        doc[key] = value
    return doc


def geodetic():
    doc = eido()
    doc["$id"] = "urn:emergency:eido:riverton911:2026-000124"
    doc["locationComponent"] = [{"$id": "urn:emergency:uid:locationid:2", "locationByValue": GEODETIC_PIDF}]
    return doc
