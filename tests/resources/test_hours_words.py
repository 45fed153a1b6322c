"""Opening hours as a reader takes them in: "Open 24 hours", equal days grouped, open now or when it
opens next (issue 14 item 14), in the search results and in Spanish."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from apps.resources.hours import hours_summary, open_state, weekly_hours
from apps.resources.selectors import SearchQuery, services_search
from tests.resources.builders import make_service

DENVER = ZoneInfo("America/Denver")
SUNDAY_10AM = datetime(2026, 11, 29, 10, 0, tzinfo=DENVER)
MONDAY_7AM = datetime(2026, 11, 30, 7, 0, tzinfo=DENVER)
MONDAY_10AM = datetime(2026, 11, 30, 10, 0, tzinfo=DENVER)
MONDAY_6PM = datetime(2026, 11, 30, 18, 0, tzinfo=DENVER)


def schedule(byday, opens, closes):
    as_time = lambda text: datetime.strptime(text, "%H:%M").time()  # noqa: E731
    return SimpleNamespace(
        freq="WEEKLY", byday=byday, opens_at=as_time(opens), closes_at=as_time(closes), valid_from=None, valid_to=None
    )


ALWAYS = [schedule("MO,TU,WE,TH,FR,SA,SU", "00:00", "00:00")]
CLINIC = [schedule("MO,TU,WE,TH,FR", "09:00", "17:00"), schedule("SA", "10:00", "14:00")]


def test_a_service_that_never_closes_says_open_24_hours_not_seven_days_of_00_00_to_23_59():
    assert hours_summary(ALWAYS) == ["Open 24 hours, every day"]
    assert all(row["all_day"] for row in weekly_hours(ALWAYS))


def test_equal_days_are_grouped():
    assert hours_summary(CLINIC) == ["Mon–Fri 09:00–17:00", "Sat 10:00–14:00"]
    overnight = [schedule("FR,SA", "22:00", "06:00")]
    assert hours_summary(overnight) == ["Fri–Sat 22:00–06:00 (next day)"]


def test_open_now_or_when_it_opens_next():
    assert open_state(CLINIC, MONDAY_10AM) == "Open now"
    assert open_state(CLINIC, MONDAY_7AM) == "Closed · opens at 09:00"
    assert open_state(CLINIC, SUNDAY_10AM) == "Closed · opens Mon 09:00"
    assert open_state(ALWAYS, SUNDAY_10AM) == "Open now"
    assert open_state([], SUNDAY_10AM) == ""


def test_the_words_are_in_the_readers_language():
    with translation.override("es"):
        assert hours_summary(ALWAYS) == ["Abierto las 24 horas, todos los días"]
        assert open_state(CLINIC, MONDAY_6PM) == "Cerrado · abre el mar a las 09:00"


@pytest.mark.django_db
def test_search_results_carry_the_summary_and_the_open_state():
    make_service("Weekday clinic", hours=[("MO,TU,WE,TH,FR", "09:00", "17:00")], needs=("medical",))
    (found,) = services_search(query=SearchQuery(need="medical"), now=MONDAY_7AM)
    assert found["hours_summary"] == ["Mon–Fri 09:00–17:00"]
    assert found["open_state"] == "Closed · opens at 09:00"
