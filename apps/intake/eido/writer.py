"""Writing an EIDO as NENA's schema defines it, with the program's own agency as issuer.

Pure: plain values in, a dict out. The handback service reads the incident or decision and calls
this.
"""

import uuid
from html import escape

from django.utils import timezone

from apps.common import callers
from apps.intake import conf
from apps.intake.eido.document import EIDO_VERSION


def eido_write(
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
    """An EIDO as NENA's schema defines it, with the program's own agency as issuer and updater.

    `call_type` is {"code", "name"} (or None); `location` is a PIDF-LO string (see pidf.py).
    """
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
        incident["incidentTypeInternalCode"] = call_type["code"]
        incident["incidentTypeInternalText"] = call_type["name"]
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
