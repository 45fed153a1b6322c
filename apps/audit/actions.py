"""Every audit action name, with what one row of it means.

`audit_record` refuses a name missing here, so a reader of the log (or of `docs/security/audit-actions.md`,
which a test keeps equal to this list) can look up every action the code writes. Add a name here
with its meaning in the same change that starts recording it; never rename one (old rows keep it).
This module is the bottom of the house: plain strings only, no imports of the apps that record them.
"""

# A field sync mutation refused for its record (403/404) is audited as `field.sync.<mutation type>`.
FIELD_SYNC_TYPES = (
    "assignment.acknowledge",
    "assignment.status",
    "encounter.create",
    "encounter.amend",
    "encounter.note",
    "followup.create",
    "followup.complete",
    "referral.create",
    "emergency.raise",
    "co_response.request",
    "co_response.update",
    "checkin.answer",
    "position.report",
    "feedback_card.issue",
)

# Opening a call record in the admin (read-only pages) is audited as `<app_label>.<model>.view`.
ADMIN_READ_ONLY_MODELS = (
    "intake.screeningdecision",
    "intake.handback",
    "intake.unmetneed",
    "intake.duplicateflag",
    "intake.eidodocument",
    "intake.open311request",
)

AUDIT_ACTIONS: dict[str, str] = {
    # --- sign-in, tablets, users -------------------------------------------------------------------
    "auth.login": "A sign-in attempt (refused ones too, with the reason).",
    "auth.logout": "A session ended by its user.",
    "auth.second_factor": "A second-factor check at sign-in, passed or refused.",
    "auth.unlock": "A supervisor lifted a sign-in lockout before its wait was over.",
    "mfa.device.add": "A second-factor device (authenticator or key) was added to an account.",
    "mfa.device.remove": "A second-factor device was removed from an account.",
    "device.register": "A tablet was registered for a team.",
    "device.enroll": "A tablet redeemed its one-time enrollment code (or failed to).",
    "device.enrollment_renew": "A new enrollment code was issued for a tablet.",
    "device.update": "A tablet's name or team was changed.",
    "device.revoke": "A tablet was revoked: its sessions end and its sockets close.",
    "device.check": "A revoked tablet asked whether it is still in service (refused).",
    "device.session.start": "A session was opened on an enrolled tablet.",
    "user.create": "A user account was created.",
    "user.update": "A user account's details were changed.",
    "user.role.change": "A user's role was changed.",
    "account.language": "A person chose the language the program speaks to them in.",
    "user.password.set": "A user's password was set in the admin.",
    # --- teams -------------------------------------------------------------------------------------
    "team.create": "A team was created.",
    "team.update": "A team's call sign, name or capabilities were changed.",
    "team.status": "A team's unit status was set by hand.",
    "team.membership": "A responder joined, left or moved within a team.",
    "shift.create": "A shift was scheduled.",
    "shift.update": "A shift was changed.",
    "shift.delete": "A shift was deleted.",
    "certification.create": "A responder's certification was recorded.",
    "certification.update": "A responder's certification was changed.",
    "certification.delete": "A responder's certification was deleted.",
    # --- calls, assignments, encounters --------------------------------------------------------------
    "incident.create": "A call was created.",
    "incident.view": "A call's record was read (API, tablet bootstrap or admin).",
    "incident.list": "A list of calls was read; `record_ids` names them.",
    "incident.update": "A call's details were changed.",
    "incident.cancel": "A call was cancelled.",
    "incident.close": "A call was closed with a disposition.",
    "incident.screened_out": "A call held for screening was cancelled by the call-taker who screened it.",
    "assignment.create": "A team was assigned to a call.",
    "assignment.acknowledge": "A team acknowledged its assignment.",
    "assignment.status": "An assignment moved (en route, on scene, cleared...).",
    "assignment.cancel": "An assignment was cancelled.",
    "assignment.escalate": "The sweep raised an assignment nobody acknowledged in time.",
    "encounter.write": "An encounter was recorded or amended (a new version).",
    "encounter.view": "An encounter (a person's record) was read.",
    "encounter.note": "A note was added to an encounter.",
    "emergency.raise": "A responder raised an emergency for their team (the tablet's button).",
    "emergency.acknowledge": "A dispatcher acknowledged a team's emergency.",
    "emergency.resolve": "A dispatcher resolved a team's emergency.",
    "co_response.request": "Police, fire or EMS was asked to a call (from the tablet or the board), with the reason.",
    "co_response.update": "A co-response's arrival, departure or outcome was recorded.",
    "checkin.answer": 'A responder on scene answered "All OK?" (late ones say so).',
    "checkin.overdue": "The sweep alerted dispatch that a team on scene did not answer its check-in in time.",
    "community_feedback.receive": "A message arrived through the public feedback form (no sign-in).",
    "community_feedback.view": "A supervisor opened a community feedback message (it may carry a contact).",
    "community_feedback.handle": "A supervisor marked a community feedback message reviewed or answered.",
    "feedback_card.issue": (
        "A responder offered the person served a feedback card after an encounter (only the token's digest is kept)."
    ),
    "feedback_card.text": "A responder sent a feedback card's link by text message (the number is not kept).",
    "feedback_card.answer": "The person served answered a feedback card (no sign-in).",
    "feedback_card.view": "A supervisor opened a feedback card's answers.",
    "community_feedback.themes": "A supervisor tagged a community feedback message with themes.",
    "community_feedback.publishable": (
        "A supervisor marked a community feedback message's words reviewed for publication, or took it back."
    ),
    "feedback_card.themes": "A supervisor tagged a feedback card's words with themes.",
    "feedback_card.publishable": (
        "A supervisor marked a feedback card's words reviewed for publication, or took it back."
    ),
    "outreach.create": "A supervisor recorded an outreach event or a call-center training session.",
    "outreach.update": "A supervisor changed a recorded outreach event or training session.",
    "co_response.read": "Dispatch read a call's co-responses on the board.",
    "premise.view": "A call's premise history was read (prior calls, caution notes); `record_ids` names calls.",
    "caution.create": "A supervisor wrote a caution note for a location.",
    "caution.update": "A supervisor changed a location's caution note.",
    "board.view": "The dispatch board snapshot was read; `record_ids` names the calls shown.",
    "call_type.create": "A call type was created.",
    "call_type.update": "A call type was changed.",
    "call_type.delete": "A call type was deleted.",
    "encounter_form.draft": "A supervisor started or changed a draft of the encounter questions (`based_on`: copied).",
    "encounter_form.question": "A supervisor added, changed or removed (`removed`) a question of a draft.",
    "encounter_form.publish": "A supervisor published a version of the encounter questions; tablets get it next.",
    # --- intake and screening ----------------------------------------------------------------------
    "intake.call_center.create": "A call center (911 PSAP, 988 line, 311) was registered.",
    "intake.call_center.update": "A call center's details were changed.",
    "intake.policy.edit": "A draft screening policy version was edited.",
    "intake.api_key.issue": "An intake API key was issued to a call center.",
    "intake.api_key.revoke": "An intake API key was revoked.",
    "intake.api_key.refused": "A request came with an unknown or revoked intake API key.",
    "intake.policy.draft": "A screening policy version was drafted.",
    "intake.policy.publish": "A screening policy version was put in force.",
    "intake.policy_report.view": "The screening policy report was read.",
    "intake.call.screen": "A call was screened (decision recorded, call created or handed back).",
    "intake.call.held": "A call was held until its screening questions are answered.",
    "intake.decision.view": "A screening decision was read.",
    "intake.screening_review": "A supervisor recorded whether the team could have served a screened-out call.",
    "intake.duplicate.link": "A possible duplicate call was linked to the earlier one.",
    "intake.duplicate.dismiss": "A possible duplicate call was dismissed as distinct.",
    "intake.handback": "A call was handed back to its call center.",
    "intake.handback.list": "A call center read back its handbacks; `record_ids` names them.",
    "intake.eido.create": "A call arrived as an EIDO document.",
    "intake.eido.update": "An EIDO document updated a call.",
    "intake.eido.refused": "An EIDO document was refused (invalid, or not this center's).",
    "intake.eido.export": "A call was exported as an EIDO document (or the export was refused).",
    "intake.open311.create": "A 311 service request arrived through Open311.",
    "intake.open311.list": "A call center listed its Open311 requests.",
    "intake.open311.view": "A call center read one Open311 request (or was refused).",
    "intake.open311.refused": "An Open311 request was refused.",
    # --- follow-ups, referrals, partners -----------------------------------------------------------
    "followup.create": "A follow-up was scheduled.",
    "followup.view": "A follow-up was read.",
    "followup.list": "A list of follow-ups was read; `record_ids` names them.",
    "followup.complete": "A follow-up was completed with an outcome.",
    "followup.cancel": "A follow-up was cancelled.",
    "followup.supervision_view": "A supervisor opened the follow-up supervision page.",
    "referral.create": "A referral to a partner service was made.",
    "referral.view": "A referral was read.",
    "referral.list": "A list of referrals was read; `record_ids` names them.",
    "referral.transition": "A referral changed status (sent, accepted, declined...).",
    "referral.consent_revoke": "A person's consent to a referral was revoked.",
    "referral.disclose": "A partner was shown a referral, with the fields its consent allows.",
    "referral.webhook": "A referral was sent to a partner's webhook (or the delivery failed).",
    "referral.webhook_retry": "A failed webhook delivery was queued again by hand.",
    "partner_endpoint.create": "A partner's webhook endpoint was registered.",
    "partner_endpoint.update": "A partner's webhook endpoint was changed.",
    "partner_staff.save": "A partner staff account was created or changed.",
    "partner_staff.delete": "A partner staff account was deleted.",
    # --- resource directory ------------------------------------------------------------------------
    "resources.import": "An HSDS directory was imported.",
    "resources.export": "The directory was exported.",
    "resources.capacity.update": "A service's available capacity (beds, slots) was updated.",
    "resources.partnership.update": "A partnership agreement with an organization was changed.",
    # --- field app, streams --------------------------------------------------------------------------
    "field.sync": "A tablet's batch of offline changes was received.",
    "field.device_mismatch": "A tablet request came from another tablet than the session's.",
    "stream.follow": "A websocket asked to follow streams; `record_ids` names them (refused ones too).",
    # --- funding --------------------------------------------------------------------------------------
    "funding.fiscal_year.create": "A fiscal year was opened.",
    "funding.budget.create": "A budget version was created (budgets are kept in versions).",
    "funding.line.create": "A budget line was added.",
    "funding.line.change": "A budget line was changed.",
    "funding.source.create": "A funding source was recorded, with its restrictions.",
    "funding.source.change": "A funding source or its restrictions were changed.",
    "funding.allocation.set": "A funding source's allocation to a budget line was set.",
    "funding.expenditure.create": "A spending row was recorded against a budget line.",
    "places.import": "Address points were imported from an OpenAddresses CSV (counts and skipped rows).",
    "places.landmark.save": "A landmark (a place callers name instead of an address) was added or changed.",
    "funding.mapping.save": "A spending CSV column mapping was saved.",
    "funding.import": "A spending CSV was imported.",
    "funding.report": "A funder report was exported (CSV or XLSX).",
    "funding.burn_warning": "A funding source's pace of spending was warned about (runs out or money left unspent).",
    "funding.billable.read": "Encounters were checked for Medicaid billing (page or CSV); names every encounter shown.",
    # --- insights -------------------------------------------------------------------------------------
    "insights.drilldown": "A supervisor opened the calls behind an insights number; `record_ids` names them.",
    "insights.export": "An analyst or supervisor downloaded the de-identified call rows (no person's record).",
    # --- operations --------------------------------------------------------------------------------
    "retention.apply": "Records past their retention period were deleted or scrubbed.",
    "retention.dry_run": "A retention run counted what it would delete, changing nothing.",
    "crypto.rotate_keys": "Encrypted fields were rewritten under the newest key.",
}
AUDIT_ACTIONS.update(
    {
        f"field.sync.{kind}": f"A tablet's `{kind}` change was refused for its record (403/404)."
        for kind in FIELD_SYNC_TYPES
    }
)
AUDIT_ACTIONS.update(
    {f"{label}.view": f"A supervisor opened a `{label}` record in the admin." for label in ADMIN_READ_ONLY_MODELS}
)


class UnknownAuditAction(ValueError):
    """An action name missing from `AUDIT_ACTIONS`: a programming error, never a user's."""


def audit_action_check(action: str) -> str:
    if action not in AUDIT_ACTIONS:
        raise UnknownAuditAction(
            f"Audit action {action!r} is not registered: add it with its meaning to apps/audit/actions.py."
        )
    return action
