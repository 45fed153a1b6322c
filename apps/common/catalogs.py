"""Translation catalogs without GNU gettext: extract, merge and compile with Babel, from Python.

    python -m apps.common.catalogs compile   # locale/*/LC_MESSAGES/*.po -> .mo (run and test do this)
    python -m apps.common.catalogs update    # add new strings to every .po, drop those no longer used
    python -m apps.common.catalogs check     # list what is missing, untranslated, fuzzy or unused

`makemessages` needs xgettext, which a fresh machine lacks; extraction here reads Python with Babel,
Django templates through Django's own templatize (what makemessages feeds xgettext), and JavaScript
with Babel. The .mo files are built, never committed: `compile` writes only those whose content
changed, so it is cheap to run before every start. Runs without Django settings.
"""

from __future__ import annotations

import io
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract as babel_extract
from babel.messages.extract import extract_javascript, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent.parent
LOCALE_DIR = ROOT / "locale"

# Keywords as Django's makemessages passes them to xgettext.
PYTHON_KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
JS_KEYWORDS = {
    "gettext": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
}
SKIPPED_PARTS = {"migrations", "tests", "vendor", "__pycache__", "node_modules"}


def _sources(domain: str) -> list[tuple[Path, str]]:
    """(file, kind) for every file whose strings belong to the domain, in a stable order."""
    found: list[tuple[Path, str]] = []
    if domain == "django":
        found += [(path, "python") for path in sorted((ROOT / "apps").rglob("*.py"))]
        found += [(path, "template") for path in sorted((ROOT / "templates").rglob("*.html"))]
        found += [(path, "template") for path in sorted((ROOT / "templates").rglob("*.txt"))]
    elif domain == "djangojs":
        found += [(path, "javascript") for path in sorted((ROOT / "static").rglob("*.js"))]
    else:
        raise ValueError(f"unknown domain {domain!r}")
    return [
        (path, kind)
        for path, kind in found
        if not SKIPPED_PARTS.intersection(path.relative_to(ROOT).parts) and not path.name.endswith(".min.js")
    ]


def _extract_file(path: Path, kind: str):
    """(lineno, message, comments, context) for each marked string in one file."""
    if kind == "template":
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        # Its lines are masked markup around gettext(...) calls; indentation would only upset tokenize.
        code = "\n".join(line.lstrip() for line in code.split("\n"))
        source, method, keywords = io.BytesIO(code.encode("utf-8")), extract_python, PYTHON_KEYWORDS
    else:
        source = io.BytesIO(path.read_bytes())
        method, keywords = (extract_python, PYTHON_KEYWORDS) if kind == "python" else (extract_javascript, JS_KEYWORDS)
    # JavaScript: also the gettext() calls inside `${...}` of template literals, where screens build HTML.
    options = {"encoding": "utf-8", "parse_template_string": kind == "javascript"}
    return list(babel_extract(method, source, keywords=keywords, options=options))


def extract(domain: str):
    """A Babel catalog of every string the sources mark for translation in this domain."""
    catalog = Catalog(project="Firstline", fuzzy=False)
    for path, kind in _sources(domain):
        relative = str(path.relative_to(ROOT))
        for lineno, text, _comments, context in _extract_file(path, kind):
            catalog.add(text, None, [(relative, lineno)], context=context)
    return catalog


def po_files(domain: str | None = None) -> list[Path]:
    pattern = f"{domain}.po" if domain else "*.po"
    return sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{pattern}"))


def read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name, abort_invalid=True)


def compiled(path: Path) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, read(path), use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> list[Path]:
    """Write each catalog's .mo where it is missing or differs from its .po; return those written."""
    written = []
    for po in po_files():
        mo = po.with_suffix(".mo")
        content = compiled(po)
        if mo.exists() and mo.read_bytes() == content:
            continue
        temporary = mo.with_suffix(f".mo.{os.getpid()}")
        temporary.write_bytes(content)
        os.replace(temporary, mo)  # atomic: a process starting meanwhile reads the old or the new file
        written.append(mo)
    return written


@dataclass
class Findings:
    missing: list[str] = field(default_factory=list)  # marked in the sources, absent from the catalog
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)  # in the catalog, no longer marked anywhere

    def __bool__(self) -> bool:
        return bool(self.missing or self.untranslated or self.fuzzy or self.unused)


def _key(message) -> tuple[str | None, str]:
    text = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return message.context, text


def _label(key: tuple[str | None, str]) -> str:
    context, text = key
    return f"[{context}] {text}" if context else text


def check(path: Path, template=None) -> Findings:
    """What keeps one .po from being complete for the current sources."""
    domain = path.stem
    template = template if template is not None else extract(domain)
    catalog = read(path)
    wanted = {_key(message) for message in template if message.id}
    have = {}
    for message in catalog:
        if message.id:
            have[_key(message)] = message
    findings = Findings()
    findings.missing = sorted(_label(key) for key in wanted - have.keys())
    findings.unused = sorted(_label(key) for key in have.keys() - wanted)
    for key, message in sorted(have.items(), key=lambda item: _label(item[0])):
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy:
            findings.fuzzy.append(_label(key))
        elif not all(strings):
            findings.untranslated.append(_label(key))
    return findings


def update(domain: str) -> list[Path]:
    """Merge the sources' strings into each language's .po of the domain (what makemessages does)."""
    template = extract(domain)
    updated = []
    for path in po_files(domain):
        catalog = read(path)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False, update_creation_date=False)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, ignore_obsolete=True, include_previous=False, include_lineno=False)
        updated.append(path)
    return updated


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "compile"
    if command == "compile":
        for mo in compile_all():
            print(f"compiled {mo.relative_to(ROOT)}")
        return 0
    if command == "update":
        for domain in ("django", "djangojs"):
            for path in update(domain):
                print(f"updated {path.relative_to(ROOT)}")
        return 0
    if command == "check":
        failed = False
        for path in po_files():
            findings = check(path)
            for kind in ("missing", "untranslated", "fuzzy", "unused"):
                for label in getattr(findings, kind):
                    print(f"{path.relative_to(ROOT)}: {kind}: {label}")
            failed = failed or bool(findings)
        return 1 if failed else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
