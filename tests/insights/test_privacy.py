"""The suppression rules one by one (apps/insights/privacy.py); the attack across a period's
tables is tests/insights/test_privacy_attack.py."""

import pytest

from apps.insights import privacy


def test_counts_from_one_to_ten_are_small_and_zero_and_eleven_are_not():
    assert [n for n in range(0, 13) if privacy.is_small(n, threshold=11)] == list(range(1, 11))


def test_the_threshold_is_a_setting_defaulting_to_eleven(settings):
    del settings.FIRSTLINE_PUBLIC_MIN_COUNT
    assert privacy.min_count() == 11
    settings.FIRSTLINE_PUBLIC_MIN_COUNT = 5
    assert privacy.min_count() == 5


def test_a_lone_small_cell_takes_the_smallest_other_cell_of_its_table_with_it():
    pub = privacy.Publication()
    total = pub.cell("t", 100)
    pub.one_way("calls_by_source", {"911": 60, "988": 3, "211": 25, "311": 12, "open311": 0}, total=total)
    hidden = privacy.protect(pub, threshold=11)
    assert hidden == {"calls_by_source[988]", "calls_by_source[311]"}  # 12, not the total nor the zero


def test_zero_is_shown_and_never_used_as_a_complement():
    pub = privacy.Publication()
    total = pub.cell("t", 40)
    pub.one_way("x", {"a": 0, "b": 4, "c": 0, "d": 36}, total=total)
    hidden = privacy.protect(pub, threshold=11)
    assert hidden == {"x[b]", "x[d]"}
    assert privacy.exposed(pub, hidden) == set()


def test_a_small_total_is_suppressed_with_every_cell():
    pub = privacy.Publication()
    total = pub.cell("t", 7)
    pub.one_way("x", {"a": 7, "b": 0}, total=total)
    pub.one_way("y", {"c": 3, "d": 4}, total=total)
    assert privacy.protect(pub, threshold=11) == {"t", "x[a]", "y[c]", "y[d]"}


def test_a_table_sharing_a_total_cannot_give_a_cell_away():
    """By source hides 988 and 311; by priority has the same total: nothing more is learnt."""
    pub = privacy.Publication()
    total = pub.cell("t", 50)
    pub.one_way("source", {"911": 30, "988": 5, "311": 15}, total=total)
    pub.one_way("priority", {"1": 25, "2": 25}, total=total)
    hidden = privacy.protect(pub, threshold=11)
    assert hidden == {"source[988]", "source[311]"}


def test_the_sums_must_add_up_and_a_cell_has_one_count():
    pub = privacy.Publication()
    total = pub.cell("t", 10)
    with pytest.raises(ValueError, match="add up"):
        pub.one_way("x", {"a": 4, "b": 5}, total=total)
    with pytest.raises(ValueError, match="twice"):
        pub.cell("t", 11)
    with pytest.raises(ValueError, match="negative"):
        pub.cell("u", -1)


@pytest.mark.parametrize(
    ("value", "base", "shown"),
    [(12.5, 10, None), (12.5, 11, 12.5), (None, 40, None), (0.0, 11, 0.0)],
)
def test_a_median_or_rate_on_fewer_than_eleven_records_is_suppressed(value, base, shown):
    assert privacy.statistic(value, base=base, threshold=11) == shown


@pytest.mark.parametrize(
    ("percent", "base", "shown"),
    [
        (50.0, 10, None),  # base too small
        (7.5, 40, None),  # 3 of 40
        (92.5, 40, None),  # 37 of 40: the other 3 are given away
        (50.0, 40, 50.0),  # 20 of 40
        (100.0, 40, 100.0),  # all of them: the rest is zero
        (0.0, 40, 0.0),
    ],
)
def test_a_share_is_suppressed_when_it_gives_a_small_count_away(percent, base, shown):
    assert privacy.share(percent, base=base, threshold=11) == shown
