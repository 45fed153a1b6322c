"""The guard for every later screen: all its words are marked, extracted, translated and compiled.

Run alone with: .venv/bin/python -m pytest tests/common/test_translations.py
(docs/i18n.md says how to add a screen and its translations.)
"""

import ast
import re

import pytest

from apps.common import catalogs

ROOT = catalogs.ROOT
SPANISH = ROOT / "locale" / "es" / "LC_MESSAGES"

# Files whose words are not all marked yet. This list may only shrink: a listed file that is clean
# fails the test until it is removed from here.
NOT_YET_MARKED: set[str] = set()

# Words that stay as they are in every language: names of things and codes.
KEPT_WORDS = {
    "Firstline",
    "HSDS",
    "EIDO",
    "NENA",
    "Open311",
    "CSV",
    "JSON",
    "API",
    "QR",
    "TOTP",
    "OpenStreetMap",
    "Leaflet",
    "Swagger",
    "English",
    "Español",
    "ID",
    "OK",
    "Alt",
    "Shift",
    "Tab",
    "Enter",
    "Esc",
}

REFUSALS = {
    "ApplicationError",
    "PermissionRefused",
    "NotFound",
    "Conflict",
    "TooManyAttempts",
    "CredentialsRefused",
    "ValidationError",
    "ParseError",
    "PermissionDenied",
    "AuthenticationFailed",
    "NotAuthenticated",
}
LABEL_KEYWORDS = {"verbose_name", "verbose_name_plural", "help_text", "label", "description", "empty_label"}
LABEL_ASSIGNMENTS = {"verbose_name", "verbose_name_plural", "short_description"}
MESSAGE_CALLS = {"message_user", "success", "error", "warning", "info"}


def _is_text(node) -> bool:
    """A literal (or f-string) with words in it, not yet passed through gettext."""
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(part, ast.Constant) and re.search(r"[A-Za-z]{2}", str(part.value)) for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _is_text(node.left)
    return (
        isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(re.search(r"[A-Za-z]{2}", node.value))
    )


def _name(func) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _is_choices(node: ast.ClassDef) -> bool:
    return any(_name(base).endswith("Choices") for base in node.bases)


def field_messages(node: ast.Call) -> list[ast.AST]:
    """Literal messages per field: `extra={"field": ["..."]}` on a refusal, `ValidationError({...})`,
    `Response({"field": ["..."]})` (lists of messages; plain strings there are machine codes)."""
    dicts = [kw.value for kw in node.keywords if kw.arg in ("extra", "errors")]
    if _name(node.func) in REFUSALS | {"Response", "JsonResponse"} and node.args:
        dicts.append(node.args[0])
    found = []
    for mapping in dicts:
        if isinstance(mapping, ast.DictComp):
            values = [mapping.value]
        elif isinstance(mapping, ast.Dict):
            values = mapping.values
        else:
            continue
        for value in values:
            if isinstance(value, ast.List | ast.Tuple):
                found += [item for item in value.elts if _is_text(item)]
            elif isinstance(value, ast.ListComp) and _is_text(value.elt):
                found.append(value.elt)
            elif _name(node.func) == "ValidationError" and _is_text(value):
                found.append(value)
    return found


def unmarked_in_python(source: str) -> list[tuple[int, str]]:
    """Where a Python module shows people words that no gettext call marks."""
    found = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            arguments = node.args[:1] + [kw.value for kw in node.keywords if kw.arg in ("message", "detail")]
            if name in REFUSALS and any(_is_text(arg) for arg in arguments):
                found.append((node.lineno, f"{name}(...) with a literal message"))
            shown = node.args[1:2] if isinstance(node.func, ast.Attribute) else []
            if name in MESSAGE_CALLS and any(_is_text(arg) for arg in shown):
                found.append((node.lineno, f"{name}(...) with a literal message"))
            found += [(item.lineno, "a literal message for a field") for item in field_messages(node)]
            for keyword in node.keywords:
                if keyword.arg in LABEL_KEYWORDS and _is_text(keyword.value):
                    found.append((node.lineno, f"{keyword.arg}= literal"))
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "detail" and _is_text(value):
                    found.append((node.lineno, '{"detail": literal}'))
        elif isinstance(node, ast.Assign):
            targets = [_name(target) for target in node.targets]
            if any(target in LABEL_ASSIGNMENTS for target in targets) and _is_text(node.value):
                found.append((node.lineno, f"{targets[0]} = literal"))
        elif isinstance(node, ast.ClassDef) and _is_choices(node):
            for item in node.body:
                if not isinstance(item, ast.Assign) or not all(isinstance(t, ast.Name) for t in item.targets):
                    continue
                if item.targets[0].id.startswith("_"):
                    continue
                label = item.value.elts[-1] if isinstance(item.value, ast.Tuple) else None
                if label is None or _is_text(label):
                    found.append((item.lineno, f"{node.name}.{item.targets[0].id} has no translated label"))
    return found


VISIBLE_ATTRIBUTES = re.compile(r"""\b(?:placeholder|title|alt|aria-label|label)\s*=\s*(["'])(.*?)\1""", re.S)


KEPT_PHRASES = ("Firstline Field",)


def _words(text: str) -> list[str]:
    text = re.sub(r"&#?\w+;", " ", text)
    for phrase in KEPT_PHRASES:
        text = text.replace(phrase, " ")
    return [word for word in re.findall(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'’-]+", text) if word not in KEPT_WORDS]


def _blank(match: re.Match) -> str:
    """The matched text replaced by nothing but its line breaks, so line numbers still hold."""
    return "\n" * match.group(0).count("\n") + " "


def unmarked_in_template(source: str) -> list[tuple[int, str]]:
    """Where a template shows words outside {% translate %} and {% blocktranslate %}."""
    blocks = r"\{%\s*(comment|blocktranslate|blocktrans|verbatim)\b.*?%\}.*?\{%\s*end\1\s*%\}"
    text = re.sub(blocks, _blank, source, flags=re.S)
    text = re.sub(r"\{%\s*block body_class\s*%\}.*?\{%\s*endblock", _blank, text, flags=re.S)  # a CSS class
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", _blank, text, flags=re.S)
    text = re.sub(r"<(script|style|code|kbd)\b.*?</\1>", _blank, text, flags=re.S | re.I)
    text = re.sub(r"<!--.*?-->|<!doctype[^>]*>", _blank, text, flags=re.S | re.I)
    found = []
    for match in re.finditer(r"<[^>]*>|[^<]+", text):
        piece = match.group(0)
        if piece.startswith("<"):
            shown = " ".join(value for _quote, value in VISIBLE_ATTRIBUTES.findall(piece))
        else:
            shown = piece
        words = _words(shown)
        if words:
            found.append(
                (text.count("\n", 0, match.start() + len(piece) - len(piece.lstrip())) + 1, " ".join(words)[:80])
            )
    return found


def _shown_sources():
    for path in sorted((ROOT / "apps").rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        if "/migrations/" not in relative and "/tests/" not in relative:
            yield relative, unmarked_in_python
    for path in sorted((ROOT / "templates").rglob("*.html")):
        yield str(path.relative_to(ROOT)), unmarked_in_template


def test_every_word_shown_to_people_is_marked_for_translation():
    unmarked, clean = [], []
    for relative, scan in _shown_sources():
        found = scan((ROOT / relative).read_text(encoding="utf-8"))
        if relative in NOT_YET_MARKED:
            if not found:
                clean.append(relative)
            continue
        unmarked += [f"{relative}:{line}: {what}" for line, what in found]
    assert not unmarked, "mark these for translation (docs/i18n.md):\n" + "\n".join(unmarked)
    assert not clean, "now fully marked, remove from NOT_YET_MARKED:\n" + "\n".join(clean)
    assert {relative for relative, _scan in _shown_sources()} >= NOT_YET_MARKED, "NOT_YET_MARKED names a lost file"


def test_the_scanners_see_unmarked_words():
    """The guard itself can fail: each kind of unmarked text is caught, its marked form is not."""
    python = (
        "from django.db import models\n"
        "class Kind(models.TextChoices):\n"
        '    A = "a", "Apple"\n'
        '    B = "b", _("Banana")\n'
        "    C = 'c'\n"
        "def f(team):\n"
        '    raise ApplicationError(f"Team {team} is busy")\n'
        '    raise ApplicationError(_("No."), extra={"team": ["Busy."], "code": "busy"})\n'
        'x = models.CharField(help_text="Shown to people")\n'
        'y = models.CharField(help_text=_("Shown to people"))\n'
        'raise NotFound(_("No such call."))\n'
    )
    assert sorted(line for line, _what in unmarked_in_python(python)) == [3, 5, 7, 8, 9]
    template = (
        "{% load i18n %}<h1>Sign in</h1>\n"
        "<p>{% translate 'Marked' %}</p>{% blocktranslate %}Also marked {{ n }}{% endblocktranslate %}\n"
        '<input placeholder="Search">{# a comment #}<script>const a = "code";</script> &middot; 42\n'
        "<p>{{ value }} · {% translate 'Fine' %}</p>{% comment %}Notes{% endcomment %}\n"
    )
    assert [line for line, _what in unmarked_in_template(template)] == [1, 3]


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_spanish_catalog_has_every_string_translated(domain):
    """Missing (extraction would add it), fuzzy, untranslated or no longer used: each one fails."""
    path = SPANISH / f"{domain}.po"
    if domain == "djangojs" and not path.exists() and not len(catalogs.extract(domain)) > 0:
        return  # no JavaScript string is marked yet, so there is nothing to translate
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: python -m apps.common.catalogs update"
    findings = catalogs.check(path)
    report = "\n".join(
        f"{kind}: {label}"
        for kind in ("missing", "untranslated", "fuzzy", "unused")
        for label in getattr(findings, kind)
    )
    assert not findings, f"{path.relative_to(ROOT)} is not complete (docs/i18n.md):\n{report}"


def test_the_catalog_check_finds_a_new_string(tmp_path, monkeypatch):
    """Extraction into a temporary place: a newly marked string is reported missing from the catalog."""
    template = catalogs.extract("django")
    template.add("A sentence nobody has translated yet")
    findings = catalogs.check(SPANISH / "django.po", template=template)
    assert findings.missing == ["A sentence nobody has translated yet"]


def test_compiled_catalogs_match_their_sources():
    """Django reads the .mo files: each must exist and say exactly what its .po says."""
    sources = catalogs.po_files()
    assert sources, "no catalog under locale/"
    for po in sources:
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.read_bytes() == catalogs.compiled(po), f"stale {mo.relative_to(ROOT)}"


def test_extraction_reads_templates_python_and_javascript(tmp_path):
    """The extractor (no GNU gettext) finds strings in each kind of source, with their context."""
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}{% translate "Hello" context "greeting" %}{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}'
    )
    code = tmp_path / "code.py"
    code.write_text(
        "from django.utils.translation import gettext_lazy as _, ngettext\n"
        '_("One")\nngettext("a call", "%(n)s calls", 2)\n'
    )
    script = tmp_path / "app.js"
    script.write_text('const a = gettext("Calls"); const b = pgettext("verb", "Close");\n')
    found = {
        kind: [(text, context) for _line, text, _comments, context in catalogs._extract_file(path, kind)]
        for path, kind in ((page, "template"), (code, "python"), (script, "javascript"))
    }
    assert found["template"] == [("Hello", "greeting"), ("Hi %(n)s", None)]
    assert found["python"] == [("One", None), (("a call", "%(n)s calls"), None)]
    assert found["javascript"] == [("Calls", None), ("Close", "verb")]
