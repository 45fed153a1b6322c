"""What a supervisor is shown after registering a tablet: the code, the enrollment link and its QR code.

The code travels in the link's fragment (`/field/#enroll=...`), which browsers never send to a
server, so it stays out of access logs and Referer headers. The QR code is drawn here as SVG
(segno), so the page needs no script and no outside service.
"""

import segno
from django.utils.translation import gettext

FIELD_APP_PATH = "/field/"


def enrollment_link(request, code: str) -> str:
    return request.build_absolute_uri(f"{FIELD_APP_PATH}#enroll={code}")


def enrollment_qr_svg(link: str) -> str:
    return segno.make(link, error="m").svg_inline(scale=5, border=2, title=gettext("Enrollment link"))


def enrollment_payload(request, device, code: str) -> dict:
    link = enrollment_link(request, code)
    return {
        "enrollment_code": code,
        "enrollment_url": link,
        "enrollment_expires_at": device.enrollment_expires_at.isoformat() if device.enrollment_expires_at else None,
        "enrollment_qr_svg": enrollment_qr_svg(link),
    }
