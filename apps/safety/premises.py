"""How two written addresses are compared: a pure function, no database.

"1200 Broadway St., Apt 3" and "1200 BROADWAY STREET apt 3" normalise to the same text: lower case,
punctuation gone, street types and directions in one short form. It never guesses a missing part.
"""

import re

SHORT_FORMS = {
    "street": "st",
    "avenue": "ave",
    "av": "ave",
    "road": "rd",
    "boulevard": "blvd",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "parkway": "pkwy",
    "highway": "hwy",
    "terrace": "ter",
    "circle": "cir",
    "square": "sq",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "apartment": "apt",
    "suite": "ste",
    "unit": "unit",
    "number": "#",
}


def normalize_location(text: str) -> str:
    words = re.sub(r"[^\w#]+", " ", (text or "").lower()).split()
    return " ".join(SHORT_FORMS.get(word, word) for word in words)
