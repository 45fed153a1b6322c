"""Reading what was said: street types, directions, ordinals, units and crossings to one spelling."""

import pytest

from apps.places.parsing import alias_key, parse_address, split_intersection, street_key, unit_normal


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("North Elm Street", "N ELM ST"),
        ("n. elm st.", "N ELM ST"),
        ("Elm St N", "ELM ST N"),
        ("West Fifth Avenue", "W 5TH AVE"),
        ("W 5 Ave", "W 5TH AVE"),
        ("Sheridan Boulevard", "SHERIDAN BLVD"),
        ("Pine Ridge Road", "PINE RIDGE RD"),
        ("Court Pl", "COURT PL"),
        ("Avenue", "AVENUE"),  # a name alone is never taken for its type
        ("11 st", "11TH ST"),
    ],
)
def test_street_names_meet_in_one_spelling(text, key):
    assert street_key(text) == key


@pytest.mark.parametrize(
    ("text", "number", "key", "unit"),
    [
        ("1450 Elm St apt 3B", "1450", "ELM ST", "3B"),
        ("1450 elm street #3B", "1450", "ELM ST", "3B"),
        ("1450 Elm St # 3b", "1450", "ELM ST", "3B"),
        ("1450 N. Elm Street Unit 3-b, Riverton CO 80201", "1450", "N ELM ST", "3B"),
        ("1450 Elm", "1450", "ELM", ""),
        ("300 Second Street", "300", "2ND ST", ""),
        ("12 W Colfax Ave Apt. 2", "12", "W COLFAX AVE", "2"),
    ],
)
def test_an_address_is_parsed_into_number_street_and_unit(text, number, key, unit):
    parsed = parse_address(text)
    assert (parsed.number, parsed.street.key, parsed.unit) == (number, key, unit)


@pytest.mark.parametrize("text", ["", "   ", "Elm and 5th", "the library"])
def test_text_without_a_house_number_is_no_address(text):
    assert parse_address(text) is None


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("Elm and 5th", ("Elm", "5th")),
        ("Elm & 5th St", ("Elm", "5th St")),
        ("5th St at Elm", ("5th St", "Elm")),
        ("Elm @ 5th", ("Elm", "5th")),
        ("Elm/5th", ("Elm", "5th")),
        ("1450 Elm St", None),
        ("Elm St", None),
    ],
)
def test_crossings_are_split_into_two_streets(text, pair):
    assert split_intersection(text) == pair


def test_units_and_landmarks_lose_their_decoration():
    assert {unit_normal(u) for u in ["Apt 3B", "#3b", "unit 3-B", "Suite 3B", "3B"]} == {"3B"}
    assert alias_key("The Riverton Public Library.") == "RIVERTON PUBLIC LIBRARY"
