"""Two more doors of the same policy: which live streams each role may follow, and the audit rows
left by every read of a person's record (allowed or refused)."""

import pytest
from asgiref.sync import async_to_sync

from apps.audit.models import AuditEntry
from apps.streams.consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED
from tests.security.world import build_world
from tests.streams.helpers import close_code, communicator, headers_for, hello

# Streams a role may follow. `own user` is the role's own user stream, `other user` someone else's.
# fmt: off
STREAM_ROWS = {
    #                 board  team A  team B  own user  other user
    "responder_a":   "R      A       R       A         R",
    "responder_b":   "R      R       A       A         R",
    "dispatcher":    "A      A       A       A         R",
    "supervisor":    "A      A       A       A         R",
    "call_taker":    "R      R       R       A         R",
    "partner_x":     "R      R       R       A         R",
    "partner_y":     "R      R       R       A         R",
    "analyst":       "R      R       R       A         R",
}
# fmt: on
STREAM_COLUMNS = ["board", "team A", "team B", "own user", "other user"]


def _stream_names(world, role) -> dict[str, str]:
    me = world.users[role]
    other = world.users["responder_a" if role != "responder_a" else "responder_b"]
    return {
        "board": "board",
        "team A": f"team:{world.team_a.pk}",
        "team B": f"team:{world.team_b.pk}",
        "own user": f"user:{me.pk}",
        "other user": f"user:{other.pk}",
    }


async def _subscribe(headers, stream: str) -> str:
    """'A' when the server welcomes the hello for `stream`, 'R' when it closes with 4403."""
    comm = communicator(headers)
    try:
        reply = await hello(comm, {stream: 0})
        if reply.get("type") == "welcome":
            return "A"
        assert reply == {"type": "closed", "code": CLOSE_FORBIDDEN}, reply
        return "R"
    finally:
        await comm.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(STREAM_ROWS))
def test_each_role_follows_only_its_own_streams(role):
    world = build_world()
    names = _stream_names(world, role)
    headers = headers_for(world.users[role])
    expected = dict(zip(STREAM_COLUMNS, STREAM_ROWS[role].split(), strict=True))

    async def scenario():
        return {column: await _subscribe(headers, names[column]) for column in STREAM_COLUMNS}

    assert async_to_sync(scenario)() == expected


@pytest.mark.django_db(transaction=True)
def test_a_hello_without_streams_follows_only_what_the_role_may_read():
    """The default set (`streams_default_for`) is itself inside the policy: a partner gets its user stream."""
    world = build_world()

    async def scenario(headers):
        comm = communicator(headers)
        try:
            return await hello(comm, {})
        finally:
            await comm.disconnect()

    for role, expected in [
        ("partner_x", {f"user:{world.users['partner_x'].pk}"}),
        ("analyst", {f"user:{world.users['analyst'].pk}"}),
        ("responder_b", {f"user:{world.users['responder_b'].pk}", f"team:{world.team_b.pk}"}),
        ("dispatcher", {f"user:{world.users['dispatcher'].pk}", "board"}),
    ]:
        welcome = async_to_sync(scenario)(headers_for(world.users[role]))
        assert welcome["type"] == "welcome" and set(welcome["streams"]) == expected, (role, welcome)


@pytest.mark.django_db(transaction=True)
def test_an_anonymous_socket_is_closed_before_any_stream():
    async def scenario():
        comm = communicator(headers_for(None))
        try:
            connected, _ = await comm.connect()
            assert connected
            return await close_code(comm)
        finally:
            await comm.disconnect()

    assert async_to_sync(scenario)() == CLOSE_UNAUTHENTICATED


# --- audit --------------------------------------------------------------------------------------

# (door, role) pairs that read a person's record successfully, and the audit row each must leave:
# (url template, door, action, object type, object attribute of the World).
PERSON_READS = {
    "incident detail": ("/api/v1/incidents/{incident}/", "api", "incident.view", "incidents.incident", "incident"),
    "encounter detail": (
        "/api/v1/encounters/{encounter}/",
        "api",
        "encounter.view",
        "incidents.encounter",
        "encounter",
    ),
    "field bootstrap": ("/api/v1/field/bootstrap/", "api", "encounter.view", "incidents.encounter", "encounter"),
    "referral detail": ("/api/v1/referrals/{referral}/", "api", "referral.view", "followups.referral", "referral"),
    "partner inbox detail": (
        "/partners/referrals/{referral}/",
        "page",
        "referral.view",
        "followups.referral",
        "referral",
    ),
}

ALLOWED_READS = [
    ("incident detail", "responder_a"),
    ("incident detail", "dispatcher"),
    ("incident detail", "call_taker"),
    ("incident detail", "supervisor"),
    ("encounter detail", "responder_a"),
    ("encounter detail", "dispatcher"),
    ("encounter detail", "supervisor"),
    ("field bootstrap", "responder_a"),
    ("referral detail", "responder_a"),
    ("referral detail", "supervisor"),
    ("referral detail", "partner_x"),
    ("partner inbox detail", "partner_x"),
]
# The selectors behind these doors write a "denied" row for an existing record the user may not see.
REFUSED_READS = [
    ("incident detail", "responder_b"),
    ("incident detail", "partner_x"),
    ("incident detail", "analyst"),
    ("encounter detail", "responder_b"),
    ("encounter detail", "call_taker"),
    ("encounter detail", "analyst"),
    ("referral detail", "responder_b"),
    ("referral detail", "partner_y"),
    ("referral detail", "analyst"),
    ("partner inbox detail", "partner_y"),
]


def _read(world, role, read):
    template, door, action, object_type, attribute = PERSON_READS[read]
    obj = getattr(world, attribute)
    url = template.format(incident=world.incident.pk, encounter=world.encounter.pk, referral=world.referral.pk)
    client = world.client_for(role)
    response = client.get(url)
    return response, door, action, object_type, str(obj.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(("read", "role"), ALLOWED_READS)
def test_a_read_of_a_persons_record_is_audited(read, role):
    world = build_world()
    response, door, action, object_type, object_id = _read(world, role, read)
    assert response.status_code == 200
    user = world.users[role]
    assert AuditEntry.objects.filter(
        actor=user,
        actor_role=user.role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        door=door,
        outcome="ok",
    ).exists(), list(AuditEntry.objects.filter(actor=user).values_list("action", "object_id", "door", "outcome"))


@pytest.mark.django_db
@pytest.mark.parametrize(("read", "role"), REFUSED_READS)
def test_a_refused_read_of_a_persons_record_is_audited_as_denied(read, role):
    world = build_world()
    response, door, action, object_type, object_id = _read(world, role, read)
    assert response.status_code in (403, 404)
    user = world.users[role]
    entries = AuditEntry.objects.filter(actor=user, action=action, object_type=object_type, object_id=object_id)
    assert entries.filter(outcome="denied", door=door).exists(), list(entries.values_list("door", "outcome"))
    assert not entries.filter(outcome="ok").exists()


@pytest.mark.django_db
def test_the_incident_list_and_the_teams_calls_are_audited_reads_too():
    """Both answer with the caller's name and notes, so each read leaves a row naming the call."""
    world = build_world()
    dispatcher, responder = world.users["dispatcher"], world.users["responder_a"]
    assert world.client_for("dispatcher").get("/api/v1/incidents/").status_code == 200
    listed = AuditEntry.objects.get(actor=dispatcher, action="incident.list", door="api")
    assert str(world.incident.pk) in listed.record_ids
    assert world.client_for("responder_a").get("/api/v1/assignments/mine/").status_code == 200
    assert AuditEntry.objects.filter(
        actor=responder,
        action="incident.view",
        object_id=str(world.incident.pk),
        door="api",
        detail__via="assignments.mine",
    ).exists()
