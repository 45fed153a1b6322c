"""Every word the board, the field app and the screening page show comes from the catalog.

The guard reads static JS (outside static/vendor) for string literals a person would read — text
content, HTML text and aria-labels in template literals, alerts, button labels, sentences — that do
not go through gettext() and its kin (tests/common/js_strings.py). The browser tests in Spanish
(tests/field, tests/board, tests/intake) catch what a reader of literals cannot.
"""

import posixpath
import re
from pathlib import Path

from apps.field.pages import SHELL_STATIC, shell_catalogs
from tests.common.js_strings import literals, shown_words

ROOT = Path(__file__).resolve().parent.parent.parent
STATIC = ROOT / "static"

# (file, words) that look like words to the reader but are not shown to people.
ALLOWED = {
    ("static/board/board.js", "Escape"),  # a key name
    ("static/board/view.js", "Enter"),  # a key name
    ("static/field/emergency.js", "Enter"),  # a key name
    ("static/intake/screen.js", "Enter"),  # a key name
    ("static/intake/screen.js", "Escape"),  # a key name
    ("static/intake/screen.js", "Key"),  # the prefix of KeyboardEvent.code
    ("static/field/views.js", "XXXX-XXXX-XXXX"),  # the shape of an enrollment code
    ("static/board/view.js", "Leaflet"),  # the map library's name
    ("static/field/store.js", "The app is locked."),  # an internal error, caught by the app
    ("static/field/store.js", "Local data was erased."),  # an internal error, caught by the app
}


def scripts() -> list[Path]:
    return sorted(path for path in STATIC.rglob("*.js") if "vendor" not in path.relative_to(STATIC).parts)


def findings() -> set[tuple[str, str]]:
    found = set()
    for path in scripts():
        name = str(path.relative_to(ROOT))
        for literal in literals(path.read_text(encoding="utf-8")):
            found |= {(name, words) for words in shown_words(literal) if words != "use strict"}
    return found


def test_static_javascript_shows_no_word_outside_the_catalog():
    found = findings()
    unmarked = sorted(found - ALLOWED)
    assert unmarked == [], "wrap these in gettext() (docs/i18n.md):\n" + "\n".join(f"{f}: {w}" for f, w in unmarked)
    assert sorted(ALLOWED - found) == [], "the allowlist names literals that are gone: remove them"


def test_the_reader_sees_words_people_would_read():
    sample = """
      const title = `<h1>Your calls</h1><button aria-label="One more person">+</button>`;
      el("span", { class: "chip delivered" }, "on tablet");
      box.textContent = "Live";
      window.alert("Could not sign in.");
      const fine = gettext("Sign in"), also = ngettext("%(n)s call", "%(n)s calls", n);
      const html = `<p>${esc(gettext("Saved"))}</p>`;
      const code = { "Content-Type": "application/json", mode: "same-origin" }, re = /[&<>"']/g, half = total / 2;
      node.className = "btn btn-primary"; document.querySelector("#login-form button[type=submit]");
      const tail = 'Assign ' + team;
    """
    shown = sorted(w for literal in literals(sample) for w in shown_words(literal))
    assert shown == ["Assign", "Could not sign in.", "Live", "One more person", "Your calls", "on tablet"]


IMPORT = re.compile(r"^import\s[^;]*?from\s+\"(\.{1,2}/[^\"]+)\";", re.MULTILINE)


def test_the_field_shell_keeps_every_module_and_the_catalogs_for_offline_use():
    """The service worker caches SHELL_STATIC: every module the app imports must be in it, or the
    tablet opens to a blank page with no signal; and each translated language's catalog."""
    wanted, queue = set(), ["field/app.js"]
    while queue:
        module = queue.pop()
        if module in wanted:
            continue
        wanted.add(module)
        source = (STATIC / module).read_text(encoding="utf-8")
        for target in IMPORT.findall(source):
            queue.append(posixpath.normpath(posixpath.join(posixpath.dirname(module), target)))
    assert sorted(wanted - set(SHELL_STATIC)) == []
    assert "/jsi18n/?lang=es" in shell_catalogs()
