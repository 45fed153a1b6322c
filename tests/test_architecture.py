"""Imports sit at the top of the module. One inside a function is allowed only where a comment says
why, `# lazy: <why>`, on its line or on the comment line just above it (or above the run of imports
it begins): Django's AppConfig.ready wiring, models loaded only once apps are ready, a heavy library
only one function needs. The layers themselves are checked by `lint-imports` (.importlinter).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = "# lazy:"


def _function_level_imports(source: str) -> list[tuple[int, bool]]:
    """(line, documented) for each import statement inside a function of `source`."""
    lines = source.splitlines()
    found = set()
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        imports = [node for node in ast.walk(function) if isinstance(node, ast.Import | ast.ImportFrom)]
        starts = {node.end_lineno + 1: node for node in imports}  # an import right after another continues a run
        for node in imports:
            first = node
            while first.lineno in starts:
                first = starts[first.lineno]
            above = lines[first.lineno - 2].strip() if first.lineno > 1 else ""
            documented = MARK in lines[node.lineno - 1] or (above.startswith("#") and MARK in above)
            found.add((node.lineno, documented))
    return sorted(found)


def _sources():
    for folder in ("apps", "config"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_the_check_tells_a_documented_lazy_import_from_an_undocumented_one():
    source = """
import os


def ready():
    # lazy: AppConfig.ready wiring
    from a import b
    from a import c

    from d import e
    from f import g  # lazy: heavy, one caller


async def handler():
    import json
"""
    assert _function_level_imports(source) == [(7, True), (8, True), (10, False), (11, True), (15, False)]


def test_no_function_level_import_in_apps_or_config_without_a_reason():
    undocumented, documented = [], []
    for path, source in _sources():
        for line, ok in _function_level_imports(source):
            (documented if ok else undocumented).append(f"{path}:{line}")
    assert "apps/accounts/apps.py:12" in documented, "the walk reaches the AppConfig.ready wiring"
    assert undocumented == [], (
        "Move these imports to the module top (lint-imports will say if that makes a cycle), "
        f"or say why they must wait with '{MARK} <why>' on the line or just above: {undocumented}"
    )
