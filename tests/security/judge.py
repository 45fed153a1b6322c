"""How the authorization matrix (tests/security/test_authorization_matrix.py) judges one answer: the
code its table gives (A allowed, R refused, P public, - not judged) and the rules that hold for every
door: never a 500, anonymous never a 2xx off the public rows, and no body showing a detail the role
may not read (nor, to a partner, a field that was not consented).
"""

from tests.security.world import (
    NOT_CONSENTED,
    SECRET_CALLER,
    SECRET_CONTACT,
    SECRET_FOLLOWUP_NOTES,
    SECRET_NAME,
    SECRET_NARRATIVE,
)

# Who may read what kind of detail (the body check): everyone else must never see the marker.
MAY_READ = {
    SECRET_NAME: {"responder_a", "dispatcher", "supervisor"},
    SECRET_CONTACT: {"responder_a", "dispatcher", "supervisor"},
    SECRET_NARRATIVE: {"responder_a", "dispatcher", "supervisor"},
    SECRET_FOLLOWUP_NOTES: {"responder_a", "dispatcher", "supervisor"},
    SECRET_CALLER: {"responder_a", "dispatcher", "call_taker", "supervisor"},
    # Not a person's detail but the referral's own notes: only the referring side reads them.
    "referral-notes-marker": {"responder_a", "dispatcher", "supervisor"},
}


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/login/" in response.get("Location", "")


def refused(response) -> bool:
    return response.status_code in (401, 403, 404, 409) or is_login_redirect(response)


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode("utf-8", "replace")


def judge(problems: list, where: str, role: str, code: str, response) -> None:
    status = response.status_code
    if status >= 500:
        problems.append(f"{where} as {role}: {status}")
        return
    if role == "anonymous" and 200 <= status < 300 and code != "P":
        problems.append(f"{where} as anonymous: {status}, but only public doors may answer anonymously")
    if code == "A" and not 200 <= status < 300:
        problems.append(f"{where} as {role}: expected allowed, got {status}")
    elif code == "R" and not refused(response):
        problems.append(f"{where} as {role}: expected refused, got {status}")
    elif code == "P" and (status in (401, 403) or is_login_redirect(response)):
        problems.append(f"{where} as {role}: public, but got {status}")
    body = body_text(response)
    for marker, readers in MAY_READ.items():
        if marker in body and role not in readers:
            problems.append(f"{where} as {role}: the body shows {marker!r}")
    if role == "partner_x":
        for marker in NOT_CONSENTED:
            if marker in body:
                problems.append(f"{where} as partner_x: the body shows {marker!r}, which was not consented")
