"""Addresses written the way callers and call centers write them: abbreviations, case, typos, units."""

import random

EXPAND = {"St": "Street", "Ave": "Avenue", "Dr": "Drive", "Ln": "Lane", "Pl": "Place", "Ct": "Court",
          "Blvd": "Boulevard", "Rd": "Road", "Ter": "Terrace", "Way": "Way"}  # fmt: skip
DIRECTION_WORDS = {"N": "North", "S": "South", "E": "East", "W": "West"}


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "double", "replace"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiou") + word[i + 1 :]


def messy(row: dict, rng: random.Random) -> tuple[str, list[str]]:
    """One way a person might write this address point, and what was done to it."""
    words = row["STREET"].split()
    done = []
    predir = words.pop(0) if words[0] in DIRECTION_WORDS else ""
    street_type = words.pop() if words[-1] in EXPAND else ""
    name = words
    if predir and rng.random() < 0.4:
        done.append("direction dropped")
        predir = ""
    elif predir and rng.random() < 0.5:
        done.append("direction spelled out")
        predir = DIRECTION_WORDS[predir]
    elif not predir and rng.random() < 0.15:
        done.append("extra direction")
        predir = rng.choice(["N", "S", "E", "W"])
    if street_type and rng.random() < 0.4:
        done.append("type spelled out")
        street_type = EXPAND[street_type]
    elif street_type and rng.random() < 0.2:
        done.append("type dropped")
        street_type = ""
    if rng.random() < 0.35:
        i = rng.randrange(len(name))
        typo = _typo(name[i], rng)
        if typo != name[i]:
            done.append("typo")
            name = [*name[:i], typo, *name[i + 1 :]]
    text = " ".join(p for p in [row["NUMBER"], predir, *name, street_type] if p)
    if row["UNIT"]:
        form = rng.choice(["apt {u}", "#{u}", "Unit {u}", "Apt. {u}", "{u}", "# {u}", "apt {l}"])
        text += " " + form.format(u=row["UNIT"], l=row["UNIT"].lower())
        done.append("unit")
    if rng.random() < 0.3:
        text += rng.choice([", Riverton", ", Riverton CO", ", Riverton, CO " + row["POSTCODE"]])
        done.append("city")
    case = rng.random()
    if case < 0.3:
        text, _ = text.lower(), done.append("lower case")
    elif case < 0.45:
        text, _ = text.upper(), done.append("upper case")
    return text, done
