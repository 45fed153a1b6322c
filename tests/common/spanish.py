"""Is any English left on a page shown in Spanish? English here is every word of the catalogs' English
sources (msgid) that no Spanish translation (msgstr) also uses, so the check grows with the catalogs."""

import re
from functools import lru_cache
from pathlib import Path

CATALOGS = Path(__file__).resolve().parent.parent.parent / "locale" / "es" / "LC_MESSAGES"
WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")
# Proper names and the name of the other language on the language switch.
NAMES = {"english", "firstline", "openstreetmap", "leaflet"}


def _entries(text: str):
    """(kind, string) for each msgid/msgid_plural/msgstr[...] of a .po file, continuation lines joined."""
    for block in re.finditer(r'^(msgid_plural|msgid|msgstr(?:\[\d\])?) ((?:".*"\n?)+)', text, re.MULTILINE):
        kind = "msgstr" if block.group(1).startswith("msgstr") else "msgid"
        yield kind, "".join(re.findall(r'"(.*)"', block.group(2)))


@lru_cache(maxsize=1)
def english_words() -> frozenset:
    from django.conf import settings

    names = NAMES | {w.lower() for w in WORD.findall(settings.FIRSTLINE_PROGRAM_NAME)}
    source, spanish = set(), set()
    for po in CATALOGS.glob("*.po"):
        for kind, string in _entries(po.read_text(encoding="utf-8")):
            words = {w.lower() for w in WORD.findall(re.sub(r"%\(\w+\)s", " ", string))}
            (source if kind == "msgid" else spanish).update(words)
    return frozenset(source - spanish - names)


READ_PAGE = """(skip) => {
  let text = document.body.innerText + "\\n" + document.title;
  for (const selector of [".person-name", ...skip]) {
    for (const node of document.querySelectorAll(selector)) text = text.split(node.innerText).join(" ");
  }
  for (const node of document.querySelectorAll("[aria-label], [placeholder], [title], option")) {
    text += "\\n" + [node.getAttribute("aria-label"), node.getAttribute("placeholder"), node.getAttribute("title"),
      node.tagName === "OPTION" ? node.textContent : ""].filter(Boolean).join("\\n");
  }
  return text;
}"""


def english_left(page, *, skip=(), allow=()) -> list[str]:
    """English words on the page (its text, labels, placeholders, titles, choices); `skip` lists
    selectors of content the program's people wrote (call details, policy questions), `allow` words.
    People's names (`.person-name`) are always skipped: a made-up "Mark" or "Will" is not English."""
    allowed = {w.lower() for w in allow}
    text = page.evaluate(READ_PAGE, list(skip))
    return sorted({w for w in (m.lower() for m in WORD.findall(text)) if w in english_words() and w not in allowed})
