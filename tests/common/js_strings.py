"""A small JavaScript reader for the string-literal guard: finds literals shown to people that do not
go through the translation catalog (gettext and its kin). Not a parser; enough for our plain ES code.
"""

import re
from dataclasses import dataclass

TRANSLATORS = {"gettext", "ngettext", "pgettext", "npgettext", "gettext_noop"}
# A literal right after these is markup or code, not words: CSS classes, selectors, keys.
CODE_CONTEXT = re.compile(
    r"(?:\bclass\s*:|\bclassName\s*[=:]|\bquerySelector(?:All)?\(|\bclosest\(|\bdataset\.\w+\s*===?)\s*$"
)
REGEX_ALLOWED_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {""}
REGEX_KEYWORDS = {"return", "typeof", "case", "in", "of", "void", "delete", "throw", "else"}
WORD = re.compile(r"^[A-Za-z][a-z]+[.,!?:;…]?$")
SINGLE_WORD = re.compile(r"^[A-Z][a-z]{2,}[.!?…:]?$")
SHOWN_ATTRIBUTES = re.compile(r"\b(?:aria-label|title|placeholder|alt)=\"([^\"]*)\"")


@dataclass(frozen=True)
class Literal:
    line: int
    text: str  # template literals: their text with each ${...} as \x00
    template: bool
    translated: bool  # a direct argument of gettext(...) and its kin
    code_context: bool


def literals(source: str) -> list[Literal]:
    found: list[Literal] = []
    _scan(source, 0, found, [], stop_at_brace=False)
    return found


def _line(source: str, index: int) -> int:
    return source.count("\n", 0, index) + 1


def _previous_token(source: str, index: int) -> str:
    """The last significant character or word before index (for regex-or-division)."""
    j = index - 1
    while j >= 0 and source[j].isspace():
        j -= 1
    if j < 0:
        return ""
    if source[j].isalnum() or source[j] in "_$":
        k = j
        while k >= 0 and (source[k].isalnum() or source[k] in "_$"):
            k -= 1
        return source[k + 1 : j + 1]
    return source[j]


def _scan(source, i, found, calls, stop_at_brace):
    """Walk code from i; return the index after the closing brace when stop_at_brace."""
    depth = 0
    n = len(source)
    while i < n:
        c = source[i]
        if source.startswith("//", i):
            i = source.find("\n", i)
            i = n if i < 0 else i
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c in "\"'":
            j = i + 1
            while j < n and source[j] != c:
                j += 2 if source[j] == "\\" else 1
            found.append(_literal(source, i, source[i + 1 : j], False, calls))
            i = j + 1
        elif c == "`":
            i = _template(source, i, found, calls)
        elif c == "/":
            previous = _previous_token(source, i)
            if previous in REGEX_ALLOWED_AFTER or previous in REGEX_KEYWORDS:
                j, in_class = i + 1, False
                while j < n and (in_class or source[j] != "/"):
                    if source[j] == "\\":
                        j += 1
                    elif source[j] == "[":
                        in_class = True
                    elif source[j] == "]":
                        in_class = False
                    j += 1
                i = j + 1
            else:
                i += 1
        elif c == "(":
            calls.append(_previous_token(source, i))
            i += 1
        elif c == ")":
            if calls:
                calls.pop()
            i += 1
        elif c == "{":
            depth += 1
            calls.append("{")
            i += 1
        elif c == "}":
            if calls:
                calls.pop()
            if stop_at_brace and depth == 0:
                return i + 1
            depth -= 1
            i += 1
        else:
            i += 1
    return i


def _template(source, start, found, calls):
    """Read a template literal from its backtick; its ${...} are code, read recursively."""
    i, n, text = start + 1, len(source), []
    while i < n and source[i] != "`":
        if source[i] == "\\":
            text.append(source[i : i + 2])
            i += 2
        elif source.startswith("${", i):
            text.append("\x00")
            calls.append("${")
            i = _scan(source, i + 2, found, calls, stop_at_brace=True)
        else:
            text.append(source[i])
            i += 1
    found.append(_literal(source, start, "".join(text), True, calls))
    return i + 1


def _literal(source, index, text, template, calls):
    translated = bool(calls) and calls[-1] in TRANSLATORS
    code = bool(CODE_CONTEXT.search(source[max(0, index - 40) : index]))
    return Literal(_line(source, index), text, template, translated, code)


def _prose(text: str) -> bool:
    words = [w for w in text.replace("\x00", " ").split() if WORD.match(w)]
    return len(words) >= 2 or bool(SINGLE_WORD.match(text.strip()))


def shown_words(literal: Literal) -> list[str]:
    """The pieces of a literal a person would read, if it holds any words."""
    if literal.translated or literal.code_context:
        return []
    text = literal.text
    if "<" in text and ">" in text:
        pieces = [value for tag in re.findall(r"<[^>]*>", text) for value in SHOWN_ATTRIBUTES.findall(tag)]
        pieces += re.sub(r"<[^>]*>", "\x00", text).split("\x00")
        return [p.strip() for p in pieces if re.search(r"[A-Za-z]{2,}", p)]
    return [text.replace("\x00", "…").strip()] if _prose(text) else []
