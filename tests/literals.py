"""Read the application's code for the literal names it passes to a keyword (audit actions, event kinds)."""

import ast
from collections.abc import Iterator
from pathlib import Path

APPS = Path(__file__).resolve().parent.parent / "apps"


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _strings(node: ast.AST) -> Iterator[str]:
    """The plain strings an argument can take: a constant, or either side of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)


def literal_arguments(
    keyword: str,
    *,
    callees: set[str] | None = None,
    skip: set[str] = frozenset(),
    positional: dict[str, int] | None = None,
) -> dict[str, list[str]]:
    """Every literal string passed as `keyword=` (to `callees` only, when given, and never to `skip`),
    or at the position `positional[callee]`, mapped to the places ("path:line") that pass it."""
    positional = positional or {}
    found: dict[str, list[str]] = {}
    for path in sorted(APPS.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            callee = _callee(node)
            if callee in skip or (callees is not None and callee not in callees and callee not in positional):
                continue
            values = [k.value for k in node.keywords if k.arg == keyword]
            if callee in positional and len(node.args) > positional[callee]:
                values.append(node.args[positional[callee]])
            for value in values:
                for name in _strings(value):
                    found.setdefault(name, []).append(f"{path.relative_to(APPS.parent)}:{node.lineno}")
    return found


def forwarding_callees(base: set[str], keyword: str) -> set[str]:
    """`base`, and every function that passes its own `keyword` parameter on to one of them
    (`_announce(f, kind=...)` calling `stream_append(kind=kind)`), to a fixed point."""
    trees = [ast.parse(p.read_text()) for p in sorted(APPS.rglob("*.py")) if "migrations" not in p.parts]
    found = set(base)
    while True:
        more = set()
        for tree in trees:
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name in found:
                    continue
                arguments = [a.arg for a in (*node.args.args, *node.args.kwonlyargs)]
                if keyword not in arguments:
                    continue
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and _callee(call) in found:
                        passed = [k.value for k in call.keywords if k.arg == keyword]
                        if any(isinstance(v, ast.Name) and v.id == keyword for v in passed):
                            more.add(node.name)
        if not more:
            return found
        found |= more


def markdown_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def generated_block(document: Path, name: str) -> str:
    """The text between `<!-- generated: name -->` and `<!-- end generated: name -->` in a document."""
    text = document.read_text()
    start, end = f"<!-- generated: {name} -->", f"<!-- end generated: {name} -->"
    if start not in text or end not in text:
        return ""
    return text.split(start, 1)[1].split(end, 1)[0].strip()
