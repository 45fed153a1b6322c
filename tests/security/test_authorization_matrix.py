"""Every door checks who may see which record: one table per kind of request, for every role.

The URL list is not written by hand: it is the project's resolver, walked (tests/security/doors.py).
A door added without a row in GET_POLICY fails `test_every_door_has_a_row_in_the_policy`, so the
table below stays the whole policy. Codes in the tables:

  A  allowed: 2xx
  R  refused: 401/403/404, or a page's redirect to the sign-in form
  P  public: open to anyone signed in or not (a 4xx for a missing fixture is fine; never a refusal)
  -  not judged here beyond the rules that hold everywhere (no 500, anonymous never 2xx)

Rules that hold for every door and every role, whatever the table says: never a 500;
- anonymous never gets a 2xx except on the P rows;
- no response body shows a person's details (name, contact, narrative, follow-up notes, caller)
  to a role that may not read them, and a partner's answers carry only the consented fields.
"""

import json

import pytest

from apps.followups.models import Referral
from apps.incidents.models import Assignment
from tests.security.doors import all_doors
from tests.security.judge import judge
from tests.security.world import ROLES, SECRET_FOLLOWUP_NOTES, build_world

pytestmark = pytest.mark.django_db

COLUMNS = ROLES  # anonymous responder_a/_b dispatcher call_taker supervisor partner_x/_y analyst finance

# fmt: off
GET_ROWS = {
    #                                     anon resA resB disp ctak supv ptnX ptnY anal fin
    # An analyst's start page is /insights/ (a redirect); finance staff get the list of their pages.
    "home":                              "R    -    -    -    -    -    -    -    -    A",
    "healthz":                           "P    P    P    P    P    P    P    P    P    P",
    "readyz":                            "P    P    P    P    P    P    P    P    P    P",
    "login":                             "P    P    P    P    P    P    P    P    P    P",
    # The public feedback form (no sign-in; rate-limited per address).
    "community-feedback":                "P    P    P    P    P    P    P    P    P    P",
    "feedback-card":                     "P    P    P    P    P    P    P    P    P    P",  # the token alone
    "api-me":                            "R    A    A    A    A    A    A    A    A    A",
    # Only roles in FIRSTLINE_MFA_ROLES stay on it (tests/accounts/test_second_factor.py); others move on.
    "second-factor":                     "R    -    -    -    -    -    -    -    -    -",
    "second-factors":                    "R    -    -    -    -    -    -    -    -    -",
    # The words of django-otp-webauthn's script (no record in it): served to anyone, like a static file.
    "js-i18n-catalog":                   "P    P    P    P    P    P    P    P    P    P",
    # A person's own language (docs/i18n.md); the device's switch (Django's set_language) is for anyone.
    "language":                          "R    A    A    A    A    A    A    A    A    A",
    "set_language":                      "P    P    P    P    P    P    P    P    P    P",
    "api-teams":                         "R    A    A    A    A    A    R    R    R    R",
    # Lists are filtered, not refused: responder B, partners and the analyst get their own (empty)
    # share; the body check below proves team A's call is not in it.
    "api-incidents":                     "R    A    A    A    A    A    A    A    A    A",
    # The incident holds the caller's name and notes. Call-takers took the call and keep reading it.
    "api-incident":                      "R    A    R    A    A    A    R    R    R    R",
    "api-my-assignments":                "R    A    A    R    R    R    R    R    R    R",
    # Encounters: the assigned team, dispatch while the call is open, supervisors.
    "api-encounter":                     "R    A    R    A    R    A    R    R    R    R",
    "api-encounter-referrals":           "R    A    R    A    R    A    R    R    R    R",
    "api-board":                         "R    R    R    A    R    A    R    R    R    R",
    "api-board-rows":                    "R    R    R    A    R    A    R    R    R    R",
    # Premise history: dispatch, and the teams sent to the call (its reads are audited).
    "api-board-premise":                 "R    A    R    A    R    A    R    R    R    R",
    # Co-responses on the board: dispatch only (a team reads its calls' in the bootstrap).
    "api-board-co-responses":            "R    R    R    A    R    A    R    R    R    R",
    "api-incident-eido":                 "R    R    R    A    A    A    R    R    R    R",
    "api-intake-handbacks":              "R    R    R    R    R    R    R    R    R    R",  # call centers' API key only
    "api-intake-decision":               "R    R    R    -    R    -    R    R    R    R",  # (no decision in the world)
    "api-intake-policy":                 "R    A    A    A    A    A    A    A    A    A",
    # The address lookup for screening (no query in the walk, so a 400 where allowed: tests/places).
    "api-intake-geocode":                "R    R    R    -    -    -    R    R    R    R",
    "api-intake-policy-report":          "R    R    R    R    R    A    R    R    R    R",
    "api-intake-duplicates":             "R    R    R    A    R    A    R    R    R    R",
    "api-field-bootstrap":               "R    A    A    R    R    R    R    R    R    R",
    "api-field-assignment":              "R    A    R    R    R    R    R    R    R    R",
    "api-field-encounter":               "R    A    R    R    R    R    R    R    R    R",
    "api-field-resources":               "R    A    A    A    A    A    A    A    A    A",
    "api-followups":                     "R    A    A    A    A    A    A    A    A    A",
    "api-followup":                      "R    A    R    A    R    A    R    R    R    R",
    "api-referrals":                     "R    A    A    A    A    A    A    A    A    A",
    "api-referral":                      "R    A    R    R    R    A    A    R    R    R",
    "api-resources-search":              "R    A    A    A    A    A    A    A    A    A",
    "api-resources-field-cache":         "R    A    A    A    A    A    A    A    A    A",
    "api-resources-capacity":            "R    A    A    A    A    A    A    A    A    A",
    "api-resources-missing-partnerships":"R    R    R    R    R    A    R    R    R    R",
    "board":                             "R    R    R    A    R    A    R    R    R    R",
    "intake-screen":                     "R    R    R    A    A    A    R    R    R    R",
    "open311-services":                  "P    P    P    P    P    P    P    P    P    P",
    "open311-service":                   "P    P    P    P    P    P    P    P    P    P",
    "open311-requests":                  "R    R    R    R    R    R    R    R    R    R",  # call centers' API key only
    "open311-request":                   "R    R    R    R    R    R    R    R    R    R",
    "field-app":                         "P    P    P    P    P    P    P    P    P    P",
    "field-manifest":                    "P    P    P    P    P    P    P    P    P    P",
    "field-sw":                          "P    P    P    P    P    P    P    P    P    P",
    "javascript-catalog":                "P    P    P    P    P    P    P    P    P    P",
    "partner-inbox":                     "R    R    R    R    R    R    A    A    R    R",
    "partner-referral":                  "R    R    R    R    R    R    A    R    R    R",
    "followups-supervision":             "R    R    R    R    R    A    R    R    R    R",
    "resources-capacity":                "R    R    R    R    R    A    A    A    R    R",
    "hsds-root":                         "P    P    P    P    P    P    P    P    P    P",
    "hsds-services":                     "P    P    P    P    P    P    P    P    P    P",
    "hsds-service":                      "P    P    P    P    P    P    P    P    P    P",
    "hsds-organizations":                "P    P    P    P    P    P    P    P    P    P",
    "hsds-organization":                 "P    P    P    P    P    P    P    P    P    P",
    "hsds-service-at-locations":         "P    P    P    P    P    P    P    P    P    P",
    "hsds-service-at-location":          "P    P    P    P    P    P    P    P    P    P",
    "hsds-taxonomies":                   "P    P    P    P    P    P    P    P    P    P",
    "hsds-taxonomy":                     "P    P    P    P    P    P    P    P    P    P",
    "hsds-taxonomy-terms":               "P    P    P    P    P    P    P    P    P    P",
    "hsds-taxonomy-term":                "P    P    P    P    P    P    P    P    P    P",
    # The program's money (tests/funding): finance staff and supervisors keep it, analysts read the
    # totals; the funder report without a source sends a keeper back to the figures (a redirect, not
    # a refusal). Finance staff otherwise see what an analyst sees: no person's record anywhere.
    "funding-figures":                   "R    R    R    R    R    A    R    R    A    A",
    "funding-import":                    "R    R    R    R    R    A    R    R    R    A",
    "funding-report":                    "R    R    R    R    R    -    R    R    R    -",
    # Encounters checked for Medicaid billing: finance staff and supervisors only (the read is audited).
    "funding-billable":                  "R    R    R    R    R    A    R    R    R    A",
    # The budget in force, by category and source, for the public (aggregates, no person).
    "public-budget":                     "P    P    P    P    P    P    P    P    P    P",
    # The transparency dashboard, how we count, open data and the public summary (apps/insights):
    # aggregates with small counts suppressed, for anyone.
    "transparency":                      "P    P    P    P    P    P    P    P    P    P",
    "transparency-how-we-count":         "P    P    P    P    P    P    P    P    P    P",
    "open-data":                         "P    P    P    P    P    P    P    P    P    P",
    "open-data-file":                    "P    P    P    P    P    P    P    P    P    P",
    "api-public-summary":                "P    P    P    P    P    P    P    P    P    P",
    # The program's measures (tests/insights/test_pages.py): analysts and supervisors read the
    # aggregates and the de-identified rows; only supervisors open the calls behind a number (audited).
    "insights-home":                     "R    R    R    R    R    A    R    R    A    R",
    "insights-measure":                  "R    R    R    R    R    A    R    R    A    R",
    "insights-calls":                    "R    R    R    R    R    A    R    R    R    R",
    "insights-export":                   "R    R    R    R    R    A    R    R    A    R",
    "insights-export-csv":               "R    R    R    R    R    A    R    R    A    R",
    "insights-dictionary":               "R    R    R    R    R    A    R    R    A    R",
}

# Writes with a valid body, each against team A's records. `A` = the change is made (2xx), `R` =
# refused (4xx) and nothing changed. A 409 that carries the server's copy counts as refused only if
# the copy shows nothing the role may not read (the body check applies to every answer).
WRITE_ROWS = {
    #                                     anon resA resB disp ctak supv ptnX ptnY anal fin
    "assign team B to the call":         "R    R    R    A    R    A    R    R    R    R",
    "reassign the assignment":           "R    R    R    A    R    A    R    R    R    R",
    "ask police to the call":            "R    R    R    A    R    A    R    R    R    R",
    "acknowledge the assignment":        "R    A    R    A    R    A    R    R    R    R",
    "set the assignment en route":       "R    A    R    A    R    A    R    R    R    R",
    "cancel the assignment":             "R    R    R    A    R    A    R    R    R    R",
    "cancel the incident":               "R    R    R    A    R    A    R    R    R    R",
    "edit the incident":                 "R    R    R    A    -    A    R    R    R    R",
    "add a note to the encounter":       "R    A    R    -    R    A    R    R    R    R",
    "document an encounter on the call": "R    A    R    R    R    A    R    R    R    R",
    # Dispatch reads a follow-up; the team acts on it.
    "complete the follow-up":            "R    A    R    R    R    A    R    R    R    R",
    "replay the follow-up id":           "R    R    R    R    R    R    R    R    R    R",
    "replay the referral id":            "R    R    R    R    R    R    R    R    R    R",
    "accept the referral (API)":         "R    R    R    R    R    R    A    R    R    R",
    "accept the referral (inbox page)":  "R    R    R    R    R    R    A    R    R    R",
    "revoke the referral's consent":     "R    A    R    R    R    A    R    R    R    R",
    "report team A's position":          "R    A    R    A    R    A    R    R    R    R",
    "revoke team A's tablet":            "R    R    R    R    R    A    R    R    R    R",
    "renew team A's tablet's enrollment":"R    R    R    R    R    A    R    R    R    R",
    "update org X's service capacity":   "R    R    R    R    R    A    A    R    R    R",
    "text team A's feedback card":       "R    A    R    R    R    R    R    R    R    R",  # from its tablet
}
# fmt: on


def _table(rows: dict) -> dict[tuple[str, str], str]:
    table = {}
    for name, row in rows.items():
        codes = row.split()
        assert len(codes) == len(COLUMNS), f"row {name!r} has {len(codes)} columns"
        for role, code in zip(COLUMNS, codes, strict=True):
            table[(name, role)] = code
    return table


GET_POLICY = _table(GET_ROWS)
WRITE_POLICY = _table(WRITE_ROWS)

DOORS = all_doors()
# Signing in and out are for everyone; /metrics goes by address or token, not by role
# (tests/deploy/test_operations.py).
NOT_GET = {"logout", "api-logout", "api-login", "metrics"}


def test_every_door_has_a_row_in_the_policy():
    """A new URL fails here until someone writes down who may use it."""
    missing = sorted(d.name for d in DOORS if "GET" in d.methods and d.name not in GET_ROWS and d.name not in NOT_GET)
    assert missing == [], f"doors with no row in GET_POLICY: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_reads_follow_the_policy(role):
    world = build_world()
    client = world.client_for(role)
    kwargs = world.kwargs()
    problems: list[str] = []
    for door in DOORS:
        if door.name in NOT_GET or "GET" not in door.methods:
            continue
        url = door.url(kwargs)
        judge(problems, f"GET {door.name} ({url})", role, GET_POLICY[(door.name, role)], client.get(url))
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("role", ROLES)
def test_an_empty_post_to_any_door_is_never_a_500_nor_a_change(role):
    """Every door that takes POST, with `{}`: a 4xx (or the page's own form answer), never a 500."""
    world = build_world()
    client = world.client_for(role)
    kwargs = world.kwargs()
    problems: list[str] = []
    for door in DOORS:
        if door.name in NOT_GET or "POST" not in door.methods:
            continue
        url = door.url(kwargs)
        judge(problems, f"POST {door.name} ({url})", role, "-", client.post(url, {}, format="json"))
    assert problems == [], "\n".join(problems)
    if role not in {"responder_a", "dispatcher", "supervisor"}:  # the acknowledge door needs no body
        world.assignment.refresh_from_db()
        assert world.assignment.status == "dispatched"


def _writes(world):
    """(name, method, url, body, format) for each row of WRITE_ROWS."""
    a, inc, enc, ref, fu = world.assignment, world.incident, world.encounter, world.referral, world.followup
    card_text = {"token": world.card_token, "phone": "303 555 0123"}  # the tablet's "send by text message"
    replay_fu = {
        "id": str(fu.pk),
        "kind": "visit",
        "due_at": fu.due_at.isoformat(),
        "team": world.team_b.pk,
        "notes": "something else",
    }
    replay_ref = {
        "id": str(ref.pk),
        "encounter": str(enc.pk),
        "service": str(world.service_y.pk),
        "consent": {"scope": ["need"], "recipients": "service", "given_by": "verbal"},
    }
    return [
        ("assign team B to the call", "post", f"/api/v1/incidents/{inc.pk}/assignments/", {"team": world.team_b.pk}),
        ("reassign the assignment", "post", f"/api/v1/board/assignments/{a.pk}/reassign/", {"team": world.team_b.pk}),
        (
            "ask police to the call",
            "post",
            f"/api/v1/board/incidents/{inc.pk}/co-responses/",
            {"agency": "police", "reason": "weapon"},
        ),
        ("acknowledge the assignment", "post", f"/api/v1/assignments/{a.pk}/acknowledge/", {}),
        ("set the assignment en route", "post", f"/api/v1/assignments/{a.pk}/status/", {"status": "en_route"}),
        ("cancel the assignment", "post", f"/api/v1/assignments/{a.pk}/cancel/", {"reason": "test"}),
        ("cancel the incident", "post", f"/api/v1/incidents/{inc.pk}/cancel/", {"reason": "test"}),
        ("edit the incident", "patch", f"/api/v1/incidents/{inc.pk}/", {"summary": "changed"}),
        ("add a note to the encounter", "post", f"/api/v1/encounters/{enc.pk}/notes/", {"text": "checked"}),
        (
            "document an encounter on the call",
            "post",
            "/api/v1/encounters/",
            {"incident": inc.pk, "disposition": "resolved_on_scene"},
        ),
        ("complete the follow-up", "post", f"/api/v1/followups/{fu.pk}/complete/", {"outcome": "reached"}),
        ("replay the follow-up id", "post", "/api/v1/followups/", replay_fu),
        ("replay the referral id", "post", "/api/v1/referrals/", replay_ref),
        ("accept the referral (API)", "post", f"/api/v1/referrals/{ref.pk}/transition/", {"status": "accepted"}),
        (
            "accept the referral (inbox page)",
            "form",
            f"/partners/referrals/{ref.pk}/transition/",
            {"status": "accepted"},
        ),
        ("revoke the referral's consent", "post", f"/api/v1/referrals/{ref.pk}/consent/revoke/", {"reason": "asked"}),
        (
            "report team A's position",
            "post",
            f"/api/v1/teams/{world.team_a.pk}/position/",
            {"latitude": 39.7, "longitude": -104.9},
        ),
        (
            "update org X's service capacity",
            "post",
            f"/api/v1/resources/services/{world.service_x.pk}/capacity/",
            {"available": 3, "total": 10},
        ),
        ("revoke team A's tablet", "post", f"/api/v1/devices/{world.device.pk}/revoke/", {"reason": "lost"}),
        ("renew team A's tablet's enrollment", "post", f"/api/v1/devices/{world.device.pk}/enrollment/", {}),
        ("text team A's feedback card", "post", f"/api/v1/field/feedback-cards/{world.card.pk}/text/", card_text),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_writes_follow_the_policy(role):
    problems: list[str] = []
    for name in WRITE_ROWS:
        # A fresh world for every write, so one change never decides the next.
        world = build_world()
        _, method, url, body = next(w for w in _writes(world) if w[0] == name)
        client = world.client_for(role)
        if method == "form":
            referral_before = Referral.objects.get(pk=world.referral.pk).status
            response = client.post(url, body)
            changed = Referral.objects.get(pk=world.referral.pk).status != referral_before
            expected = WRITE_POLICY[(name, role)]
            if changed != (expected == "A"):
                problems.append(f"{name} as {role}: expected {expected}, the referral changed={changed}")
            judge(problems, name, role, "-", response)
            continue
        response = getattr(client, method)(url, body, format="json")
        judge(problems, name, role, WRITE_POLICY[(name, role)], response)
    assert problems == [], "\n".join(problems)


def test_responder_b_changes_nothing_of_team_a():
    """Belt and braces for the write table: after every write responder B tries, team A's records
    are as they were."""
    world = build_world()
    client = world.client_for("responder_b")
    status_before = Assignment.objects.get(pk=world.assignment.pk).incident.status
    for _, method, url, body in _writes(world):
        if method == "form":
            client.post(url, body)
        else:
            getattr(client, method)(url, body, format="json")
    assignment = Assignment.objects.get(pk=world.assignment.pk)
    assert (assignment.status, assignment.team_id) == ("dispatched", world.team_a.pk)
    world.incident.refresh_from_db()
    assert world.incident.summary != "changed" and world.incident.status == status_before
    world.followup.refresh_from_db()
    assert world.followup.status != "done" and world.followup.notes == SECRET_FOLLOWUP_NOTES
    referral = Referral.objects.get(pk=world.referral.pk)
    assert referral.status == Referral.Status.SENT and referral.consent.revoked_at is None
    assert not world.encounter.notes.exists()
    world.device.refresh_from_db()
    assert not world.device.is_revoked


def test_a_partner_sees_only_the_consented_fields_of_its_own_referral():
    world = build_world()
    client = world.client_for("partner_x")
    detail = client.get(f"/api/v1/referrals/{world.referral.pk}/").json()
    assert set(detail["shared"]) == {"need", "age_range"}
    assert detail["shared"] == {"need": "shelter", "age_range": "40-49"}
    listing = client.get("/api/v1/referrals/").json()["results"]
    assert [r["id"] for r in listing] == [str(world.referral.pk)]
    assert listing[0]["shared"] == detail["shared"]
    assert json.dumps(listing).count("encounter") == 0
    other = world.client_for("partner_y").get("/api/v1/referrals/").json()["results"]
    assert other == []


def test_a_tablet_of_team_b_changes_and_learns_nothing_of_team_a_through_sync():
    """The sync endpoint is one more door to the same services: every mutation aimed at team A's
    records comes back refused, carries none of the person's details, and changes nothing."""
    import uuid

    from tests.factories import DeviceFactory

    world = build_world()
    device_b = DeviceFactory(team=world.team_b)
    client = world.client_for("responder_b", device=device_b)
    enc, fu, ref = world.encounter, world.followup, world.referral
    mutations = [
        ("assignment.acknowledge", world.assignment.pk, None, {}),
        ("assignment.status", world.assignment.pk, None, {"status": "en_route"}),
        ("encounter.amend", enc.pk, 1, {"disposition": "declined_services", "narrative": "x"}),
        ("encounter.amend", enc.pk, 0, {"disposition": "declined_services", "narrative": "stale"}),
        ("encounter.note", enc.pk, None, {"text": "x"}),
        ("followup.complete", fu.pk, None, {"outcome": "reached"}),
        ("followup.create", fu.pk, None, {"kind": "visit", "due_at": fu.due_at.isoformat(), "team": world.team_b.pk}),
        (
            "referral.create",
            ref.pk,
            None,
            {"encounter": str(enc.pk), "service": str(world.service_y.pk), "consent": {"scope": ["need"]}},
        ),
    ]
    body = {
        "device": str(device_b.pk),
        "mutations": [
            {"id": str(uuid.uuid4()), "type": kind, "record": str(record), "base_version": base, "data": data}
            for kind, record, base, data in mutations
        ],
    }
    response = client.post("/api/v1/field/sync/", body, format="json")
    assert response.status_code == 200, response.content
    problems: list[str] = []
    judge(problems, "field sync", "responder_b", "-", response)
    assert problems == [], "\n".join(problems)
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * len(mutations), results
    world.assignment.refresh_from_db()
    assert world.assignment.status == "dispatched"
    world.encounter.refresh_from_db()
    assert world.encounter.current_version == 1 and not world.encounter.notes.exists()
    world.followup.refresh_from_db()
    assert world.followup.status != "done"
