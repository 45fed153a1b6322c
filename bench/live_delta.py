"""What one live event costs a tablet and the board: the whole working set or snapshot fetched again
(before issue 20 item 2) against the one record the event names (now).

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/live_delta.py [--calls 50] [--runs 5]

A team with a full working set (20 assignments, 30 recent encounters), a board with CALLS open calls
and 10 teams. For each door it prints the answer's bytes, the queries it runs, the audit rows it
writes (the first time in the hour, and again within it) and the median time of RUNS fetches. The
requests go through the real Django stack in-process (session, device binding, middleware). It
creates and drops its own database (bench_live_<name>), so it never touches real data.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

PASSWORD = "bench-password-1"


def signed_in(user, device=None):
    from django.utils import timezone
    from rest_framework.test import APIClient

    from apps.accounts.models import Device
    from apps.accounts.services import device_enroll, enrollment_code_normalize, secret_digest

    body = {"username": user.username, "password": PASSWORD}
    if device is not None:
        code = f"LIVE{uuid.uuid4().hex[:8]}"
        Device.objects.filter(pk=device.pk).update(
            enrollment_code_digest=secret_digest(enrollment_code_normalize(code)),
            enrollment_expires_at=timezone.now() + timedelta(hours=1),
        )
        _device, key = device_enroll(enrollment_code=code)
        body.update(device=str(device.pk), device_key=key)
    client = APIClient(enforce_csrf_checks=True)
    answer = client.post("/api/v1/auth/login/", body, format="json")
    assert answer.status_code == 200, answer.content
    return client


def world(calls: int):
    """A team with 20 assignments (19 cleared today, 1 active) and 30 encounters; CALLS open calls."""
    from apps.accounts.models import Device, User
    from apps.incidents import services
    from apps.teams.models import Membership, Team

    dispatcher = User.objects.create_user(username="live-dispatcher", password=PASSWORD, role="dispatcher")
    responder = User.objects.create_user(username="live-responder", password=PASSWORD, role="responder")
    team = Team.objects.create(call_sign="L-1", status="available")
    Membership.objects.create(team=team, user=responder)
    device = Device.objects.create(name="Live tablet", team=team)
    assignment = None
    for n in range(20):
        incident = services.incident_create(
            actor=dispatcher, summary=f"Call {n}", location_text=f"{n} Colfax Ave", latitude=39.74, longitude=-104.98
        )
        assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
        for _k in range(2 if n < 10 else 1):
            services.encounter_record(
                actor=responder, incident_id=incident.pk, assignment_id=assignment.pk, disposition="resolved_on_scene"
            )
        if n < 19:
            for status in ("en_route", "on_scene", "cleared"):
                services.assignment_set_status(actor=dispatcher, assignment_id=assignment.pk, status=status)
    others = [Team.objects.create(call_sign=f"L-{n}", status="available") for n in range(2, 11)]
    for n in range(calls - 1):
        incident = services.incident_create(
            actor=dispatcher, summary=f"Open {n}", location_text=f"{n} Broadway", latitude=39.7, longitude=-104.9
        )
        if n < len(others):
            services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=others[n].pk)
    encounter = services.encounter_record(
        actor=responder, incident_id=assignment.incident_id, assignment_id=assignment.pk, disposition="referred"
    ).encounter
    return dispatcher, responder, team, device, assignment, encounter


def measure(client, url: str, runs: int) -> dict:
    from apps.audit.models import AuditEntry

    before = AuditEntry.objects.count()
    ran = []
    with connection.execute_wrapper(lambda execute, *a: ran.append(1) or execute(*a)):
        answer = client.get(url)
    assert answer.status_code == 200, (url, answer.status_code, answer.content[:300])
    first_rows = AuditEntry.objects.count() - before
    times = []
    for _ in range(runs):
        before = AuditEntry.objects.count()
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    again_rows = AuditEntry.objects.count() - before  # the last refetch, within the hour
    return {
        "bytes": len(answer.content),
        "queries": len(ran),
        "audit_first": first_rows,
        "audit_again": again_rows,
        "ms": statistics.median(times),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_live_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        dispatcher, responder, team, device, assignment, encounter = world(args.calls)
        tablet = signed_in(responder, device)
        board = signed_in(dispatcher)
        d = f"?device={device.pk}"
        from apps.board.selectors import board_snapshot

        waiting = [i["id"] for i in board_snapshot(user=dispatcher)["incidents"] if not i["assignments"]][:10]
        field = "/api/v1/field"
        incidents = [str(assignment.incident_id), *map(str, waiting)]
        rows = {  # the one-record doors first: their audit rows are then the first disclosure in the hour
            "tablet: one assignment (assignment.* event)": (tablet, f"{field}/assignments/{assignment.pk}/{d}"),
            "tablet: one encounter (encounter.* event)": (tablet, f"{field}/encounters/{encounter.pk}/{d}"),
            "tablet: bootstrap (before, per event)": (tablet, f"{field}/bootstrap/{d}"),
            "board: rows, 1 call (incident.* event)": (
                board,
                f"/api/v1/board/rows/?incidents={assignment.incident_id}",
            ),
            "board: rows, 1 call + 1 team + 10 waiting (assignment.*)": (
                board,
                f"/api/v1/board/rows/?incidents={','.join(incidents)}&teams={team.pk}",
            ),
            "board: snapshot (before, per event)": (board, "/api/v1/board/"),
        }
        print(f"working set: 20 assignments, 31 encounters; board: {args.calls} open calls, 10 teams")
        print("| request | bytes | queries | audit rows, first in the hour | audit rows, again | median ms |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, (client, url) in rows.items():
            m = measure(client, url, args.runs)
            cells = [f"{m['bytes']:,}", m["queries"], m["audit_first"], m["audit_again"], f"{m['ms']:.1f}"]
            print(f"| {name} | " + " | ".join(map(str, cells)) + " |")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
