"""A message defined twice in a catalog stops msgfmt (and so a deploy that compiles with it), while
Babel quietly keeps one: two branches adding the same sentence must be caught here."""

import re
from collections import Counter
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
ENTRY = re.compile(r'^(?:msgctxt "(?P<ctx>(?:[^"\\]|\\.)*)"\n)?msgid "(?P<id>(?:[^"\\]|\\.)*)"', re.M)


@pytest.mark.parametrize("catalog", sorted(LOCALE.glob("*/LC_MESSAGES/*.po")), ids=lambda p: str(p.relative_to(LOCALE)))
def test_no_message_is_defined_twice(catalog):
    keys = Counter((m["ctx"], m["id"]) for m in ENTRY.finditer(catalog.read_text(encoding="utf-8")) if m["id"])
    assert [key for key, count in keys.items() if count > 1] == []
