"""The geocoder against Riverton's address points: messy addresses, crossings, landmarks, both matchers."""

import random

import pytest
from django.db import connection

from apps.places.models import Street
from apps.places.selectors import RapidfuzzMatcher, TrigramMatcher, geocode, street_matcher
from tests.places.messy import messy

pytestmark = pytest.mark.django_db
SAMPLE = 400


def held_out_sample(rows, seed=7):
    """Points chosen at random (the geocoder was never tuned on this seed's picks), each written messily."""
    rng = random.Random(seed)
    picked = rng.sample(rows, SAMPLE)
    return [(row, *messy(row, rng)) for row in picked]


def hit(row, candidates) -> bool:
    return bool(candidates) and candidates[0].label.startswith(f"{row['NUMBER']} {row['STREET']}")


def hit_rate(riverton, matcher):
    misses = []
    sample = held_out_sample(riverton)
    for row, text, done in sample:
        found = geocode(text, matcher=matcher)
        if not hit(row, found):
            misses.append((text, done, found[0].label if found else None))
    return 1 - len(misses) / len(sample), misses


def test_messy_addresses_find_their_point_first_at_least_95_in_100_with_trigrams(riverton):
    assert connection.vendor == "postgresql" and isinstance(street_matcher(), TrigramMatcher)
    rate, misses = hit_rate(riverton, TrigramMatcher())
    print(f"\ngeocoder top-1 hit rate (pg_trgm): {rate:.1%} of {SAMPLE}; misses: {misses[:10]}")
    assert rate >= 0.95, misses


def test_messy_addresses_find_their_point_first_at_least_95_in_100_with_rapidfuzz(riverton):
    rate, misses = hit_rate(riverton, RapidfuzzMatcher())
    print(f"\ngeocoder top-1 hit rate (rapidfuzz): {rate:.1%} of {SAMPLE}; misses: {misses[:10]}")
    assert rate >= 0.95, misses


def test_the_sample_really_is_messy(riverton):
    kinds = [kind for _row, _text, done in held_out_sample(riverton) for kind in done]
    for kind in ["typo", "unit", "type spelled out", "direction dropped", "extra direction", "lower case"]:
        assert kinds.count(kind) >= 5, kind
    assert sum(1 for _r, text, _d in held_out_sample(riverton) if text != _r["NUMBER"] + " " + _r["STREET"]) > 300


def test_an_exact_address_is_exact_with_its_unit(riverton):
    row = next(r for r in riverton if r["UNIT"] == "2B")
    found = geocode(f"{row['NUMBER']} {row['STREET']} apt 2b")
    assert found[0].how == "exact" and found[0].score == 1.0
    assert found[0].label == f"{row['NUMBER']} {row['STREET']} #2B, Riverton"
    assert (found[0].latitude, found[0].longitude) == (float(row["LAT"]), float(row["LON"]))
    assert found[0].district == row["DISTRICT"]


def test_a_typo_is_a_fuzzy_match_scored_below_an_exact_one(riverton):
    exact = geocode("102 Market St")[0]
    fuzzy = geocode("102 Markte St")[0]
    assert fuzzy.label == exact.label == "102 Market St, Riverton"
    assert fuzzy.how == "fuzzy" and fuzzy.score < exact.score == 1.0


def test_a_number_missing_from_the_data_is_placed_between_its_neighbours(riverton):
    low, high = (next(r for r in riverton if r["STREET"] == "Market St" and r["NUMBER"] == n) for n in ("102", "110"))
    found = geocode("106 Market St")[0]
    assert found.how == "interpolated" and found.score < 1
    assert min(float(low["LAT"]), float(high["LAT"])) <= found.latitude <= max(float(low["LAT"]), float(high["LAT"]))


def test_a_number_past_the_end_of_the_street_is_the_nearest_one(riverton):
    last = max(int(r["NUMBER"]) for r in riverton if r["STREET"] == "Market St")
    found = geocode(f"{last + 300} Market St")[0]
    assert found.how == "nearest" and found.score < 0.9


@pytest.mark.parametrize("text", ["Market and Larch", "Market St & Larch Ave", "larch ave @ market", "Market / Larch"])
def test_an_intersection_is_where_the_two_streets_meet(riverton, text):
    found = geocode(text)
    assert found[0].how == "intersection"
    assert set(found[0].label.split(" & ")) == {"Market St", "Larch Ave"}
    market = [(float(r["LAT"]), float(r["LON"])) for r in riverton if r["STREET"] == "Market St"]
    larch = [(float(r["LAT"]), float(r["LON"])) for r in riverton if r["STREET"] == "Larch Ave"]
    assert min(lat for lat, _ in market) <= found[0].latitude <= max(lat for lat, _ in market)
    assert min(lon for _, lon in larch) <= found[0].longitude <= max(lon for _, lon in larch)


def test_streets_that_never_meet_make_no_intersection(riverton):
    # Market St (Downtown) and Evans Ave (South Park) are kilometres apart.
    assert not [c for c in geocode("Market and Evans") if c.how == "intersection"]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Riverton Public Library", "Riverton Public Library"),
        ("riverton public library", "Riverton Public Library"),
        ("the Eastgate laundromat", "Eastgate Laundromat"),
        ("Eastgate Laundromatt", "Eastgate Laundromat"),
    ],
)
def test_a_landmark_is_found_by_its_name(riverton, text, name):
    found = geocode(text)
    assert found[0].how == "landmark" and found[0].label == name


def test_nothing_like_the_text_finds_nothing(riverton):
    assert geocode("") == []
    assert geocode("   ") == []
    assert geocode("9999 Zzyzx Qqq") == []


def test_both_matchers_find_a_misspelt_street_and_rank_the_right_one_first(riverton):
    for matcher in (TrigramMatcher(), RapidfuzzMatcher()):
        found = matcher.similar("MARKTE", limit=3)
        assert Street.objects.get(pk=found[0][0]).key == "MARKET ST", matcher
        assert 0 < found[0][1] <= 1


def test_the_rapidfuzz_matcher_needs_no_postgresql_function(riverton, django_assert_max_num_queries):
    # It reads the street names once and ranks them in Python: one plain SELECT, nothing pg_trgm.
    with django_assert_max_num_queries(1) as captured:
        RapidfuzzMatcher().similar("CEDAR", limit=5)
    assert "similarity" not in captured.captured_queries[0]["sql"]


def test_limit_bounds_the_candidates(riverton):
    assert len(geocode("Cedar", limit=2)) <= 2
    assert geocode("102 Market St", limit=0) == []
