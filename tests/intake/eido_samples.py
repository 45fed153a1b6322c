"""EIDO documents shaped like the ones 911 centers send, valid against NENA's schema (NENA-STA-021.1b, v1.0)."""

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

AGENCY = "urn:nena:agency:riverton911"
STAMP = "2026-11-26T14:00:05-07:00"


def prologue(component_id: str) -> dict:
    """What NENA's schema requires on every component: its $id, when and by which agency it changed."""
    return {"$id": component_id, "lastUpdateTimeStamp": STAMP, "updatedByAgencyReference": {"$ref": AGENCY}}


# A welfare-check EIDO as a 911 center's CAD sends it, following NENA's schema (components linked by $ref).
BASE = {
    **prologue("urn:emergency:uid:incidentid:riverton911:2026-000123"),
    "eidoVersion": "1.0",
    "issuingElementIdentification": "cad.riverton911.example",
    "incidentComponent": {
        **prologue("urn:emergency:uid:incident:1"),
        "incidentTypeCommonRegistryText": "WELFARE",
        "incidentTypeInternalText": "Welfare check",
        "locationReference": [{"$ref": "urn:emergency:uid:locationid:1"}],
        "personReference": [{"$ref": "urn:emergency:uid:personid:1"}, {"$ref": "urn:emergency:uid:personid:2"}],
        "notesReference": [{"$ref": "urn:emergency:uid:noteid:1"}],
    },
    "callComponent": [
        {
            **prologue("urn:emergency:uid:callid:abc:riverton911.example"),
            "standardPrimaryCallType": "emergency",
            "direction": "incoming",
            "callStartTimestamp": "2026-11-26T13:58:12-07:00",
            "answerDate": "2026-11-26T13:58:20-07:00",
            "callStateRegistryText": "callAnswered",
            "callBackReference": {"$ref": "urn:emergency:uid:callbackid:1"},
            "personReference": [{"$ref": "urn:emergency:uid:personid:1"}],
        }
    ],
    "callbackComponent": [
        {
            **prologue("urn:emergency:uid:callbackid:1"),
            "callBackInformationUri": ["sip:+13035550100@carrier.example", "tel:+13035550100"],
        }
    ],
    "personComponent": [
        {
            **prologue("urn:emergency:uid:personid:1"),
            "personIncidentRoleRegistryText": ["Caller"],
            "ncPersonComponent": {
                "name": [{"personGivenName": [{"value": "Pat"}], "personSurName": [{"value": "Doe"}]}],
                "primaryLanguage": [{"languageCode": [{"simpleType": "spa"}]}],
            },
            "callBackReference": {"$ref": "urn:emergency:uid:callbackid:1"},
        },
        {**prologue("urn:emergency:uid:personid:2"), "personIncidentRoleRegistryText": ["Subject"]},
    ],
    "agencyComponent": [
        {
            **prologue(AGENCY),
            "agencyRoleDescriptionRegistryText": ["CallReceiving"],
            "agencyType": ["psap"],
            "incidentOwningAgencyIndicator": True,
        }
    ],
    "agentComponent": [
        {
            **prologue("ct-17@riverton911.example"),
            "agentRoleRegistryText": ["Call Taking"],
            "agencyReference": {"$ref": AGENCY},
        }
    ],
    "locationComponent": [
        {
            **prologue("urn:emergency:uid:locationid:1"),
            "locationTypeDescriptionRegistryText": "Incident",
            "locationByValue": CIVIC_PIDF,
        },
        {
            **prologue("urn:emergency:uid:locationid:2"),
            "locationTypeDescriptionRegistryText": "Caller",
            "locationByReferenceUrl": "https://lis.example/loc/abc",
        },
    ],
    "notesComponent": [
        {
            **prologue("urn:emergency:uid:noteid:1"),
            "notesActionComments": "<p>Older man confused, outside in the cold.</p>",
        }
    ],
}


def eido(**changes):
    doc = copy.deepcopy(BASE)
    for key, value in changes.items():
        doc[key] = value
    return doc


def geodetic():
    doc = eido()
    doc["$id"] = "urn:emergency:uid:incidentid:riverton911:2026-000124"
    doc["locationComponent"] = [
        {
            **prologue("urn:emergency:uid:locationid:1"),
            "locationTypeDescriptionRegistryText": "Caller",
            "locationByValue": GEODETIC_PIDF,
        }
    ]
    return doc


def note(text: str, component_id: str = "urn:emergency:uid:noteid:9") -> dict:
    return {**prologue(component_id), "notesActionComments": text}
