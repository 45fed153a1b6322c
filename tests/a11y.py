"""axe-core in the browser tests: inject the vendored copy into a page and fail on what would block
a person using a screen reader or a keyboard (axe's 'serious' and 'critical' impacts)."""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "data" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def axe_violations(page, *, context: str = "document") -> list[dict]:
    """Every serious or critical violation on the page as it is now, as short readable rows."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Through the driver, not a <script> tag: the pages' CSP rightly refuses inline scripts.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate(f"async () => await axe.run({context}, {{ resultTypes: ['violations'] }})")
    return [
        {"rule": v["id"], "impact": v["impact"], "where": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe found serious or critical problems on {page.url}: {violations}"
