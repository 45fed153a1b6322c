"""The tablet's words for opening hours (static/common/hours.js) agree with the server's
(apps/resources/hours.py), run in Chromium as the tablet runs them, offline included."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALWAYS = [{"weekday": d, "opens": "00:00", "closes": "23:59", "all_day": True} for d in range(7)]
CLINIC = [{"weekday": d, "opens": "09:00", "closes": "17:00", "all_day": False} for d in range(5)] + [
    {"weekday": 5, "opens": "10:00", "closes": "14:00", "all_day": False}
]


def test_the_tablet_groups_days_says_open_24_hours_and_when_a_service_opens(chromium, asgi_server):
    context = chromium.new_context(base_url=asgi_server.url)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        answer = page.evaluate(
            """async ([always, clinic]) => {
                const m = await import("/static/common/hours.js");
                const zone = "America/Denver";
                return {
                    always: m.hoursSummary(always), clinic: m.hoursSummary(clinic),
                    mondayMorning: m.openState(clinic, zone, new Date("2026-11-30T14:00:00Z")),
                    mondayNoon: m.openState(clinic, zone, new Date("2026-11-30T19:00:00Z")),
                    sunday: m.openState(clinic, zone, new Date("2026-11-29T17:00:00Z")),
                    none: m.openState([], zone),
                };
            }""",
            [ALWAYS, CLINIC],
        )
    finally:
        context.close()
    assert answer["always"] == ["Open 24 hours, every day"]
    assert answer["clinic"] == ["Mon–Fri 09:00–17:00", "Sat 10:00–14:00"]
    assert answer["mondayMorning"] == "Closed · opens at 09:00"  # 07:00 in Denver
    assert answer["mondayNoon"] == "Open now"
    assert answer["sunday"] == "Closed · opens Mon 09:00"
    assert answer["none"] == ""
