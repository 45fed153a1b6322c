"""Privacy for everything the public sees (issue 15, item 4): small-count suppression,
complementary suppression, and suppression of statistics that rest on too few records.

Pure Python, no Django models and no database: it takes numbers and the sums that tie them
together, and answers which of them may be published. It must never see a person's record.

A publication is a set of *cells* (a name and a true count) and of *sums* (a whole cell equals the
sum of its part cells). Every table of one period is written as cells and sums: a one-way table
(calls by source) is "total = sum of its cells"; a two-way table (month × source) is one sum per
row (its margin), one per column, and the margins to the grand total. Tables that share a total
share the *same* cell name, which is how a reader could subtract across tables, and how the
suppression below sees it.

Rules (threshold T = FIRSTLINE_PUBLIC_MIN_COUNT, default 11):
- a count from 1 to T-1 is suppressed (primary); zero is shown;
- more cells are suppressed (complementary) until no suppressed cell can be worked out from the
  published ones: neither by any combination of the sums (exact elimination over fractions), nor by
  bounds (zero is always shown, so a reader knows every suppressed cell is at least 1: a row whose
  three suppressed cells must add up to 3 gives each away);
- a rate, percentile or median rests on a base: it is suppressed when the base is below T; a share
  is also suppressed when the count it implies (or its complement) is from 1 to T-1.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings

DEFAULT_MIN_COUNT = 11


def min_count() -> int:
    """The smallest count the public may see (FIRSTLINE_PUBLIC_MIN_COUNT); at least 2."""
    return max(2, int(getattr(settings, "FIRSTLINE_PUBLIC_MIN_COUNT", DEFAULT_MIN_COUNT)))


def is_small(count: int, *, threshold: int) -> bool:
    """A count the public must not see: from 1 to threshold - 1 (zero is shown)."""
    return 0 < count < threshold


@dataclass(frozen=True)
class Sum:
    """whole == sum(parts): one published identity a reader can use."""

    whole: str
    parts: tuple[str, ...]


@dataclass
class Publication:
    """The cells of a period's public tables and the sums that tie them together."""

    cells: dict[str, int] = field(default_factory=dict)
    sums: list[Sum] = field(default_factory=list)

    def cell(self, name: str, value: int) -> str:
        if name in self.cells and self.cells[name] != value:
            raise ValueError(f"cell {name} published twice with different counts")
        if value < 0:
            raise ValueError(f"cell {name} is a negative count")
        self.cells[name] = int(value)
        return name

    def add_sum(self, whole: str, parts: Iterable[str]) -> None:
        parts = tuple(parts)
        if whole not in self.cells or any(p not in self.cells for p in parts):
            raise ValueError("a sum names a cell that is not published")
        if sum(self.cells[p] for p in parts) != self.cells[whole]:
            raise ValueError(f"the parts of {whole} do not add up to it")
        self.sums.append(Sum(whole, parts))

    def one_way(self, prefix: str, values: Mapping[str, int], *, total: str) -> dict[str, str]:
        """A table of groups adding up to `total` (a cell that may be shared with other tables)."""
        names = {group: self.cell(f"{prefix}[{group}]", count) for group, count in values.items()}
        self.add_sum(total, names.values())
        return names

    def two_way(
        self,
        prefix: str,
        values: Mapping[tuple[str, str], int],
        *,
        rows: Mapping[str, str],
        columns: Mapping[str, str],
    ) -> dict[tuple[str, str], str]:
        """A cross-table: each row adds up to its margin cell (rows[r]), each column to columns[c].
        The margins are cells of other tables (e.g. calls by month and calls by source)."""
        names = {key: self.cell(f"{prefix}[{key[0]}|{key[1]}]", count) for key, count in values.items()}
        for r, margin in rows.items():
            self.add_sum(margin, [names[(r, c)] for c in columns])
        for c, margin in columns.items():
            self.add_sum(margin, [names[(r, c)] for r in rows])
        return names


# The auditor: what a reader can work out from what is published.


def _equations(pub: Publication, hidden: set[str]) -> list[tuple[dict[str, Fraction], Fraction]]:
    """Each sum as Σ coef·x = rhs over the hidden cells, the published ones moved to the right."""
    equations = []
    for s in pub.sums:
        row: dict[str, Fraction] = {}
        rhs = Fraction(0)
        for name, coef in [(s.whole, 1), *[(p, -1) for p in s.parts]]:
            if name in hidden:
                row[name] = row.get(name, Fraction(0)) + coef
            else:
                rhs -= coef * pub.cells[name]
        row = {k: v for k, v in row.items() if v}
        if row:
            equations.append((row, rhs))
    return equations


def _eliminate(pub: Publication, hidden: set[str]) -> dict[str, tuple[dict[str, Fraction], dict[str, Fraction]]]:
    """Reduced row echelon form over exact fractions of the sums, hidden cells on the left. Each
    right-hand side is kept as a combination of published cells (not only its value), so that for
    a pinned cell we know which published cells it is worked out from."""
    pivots: dict[str, tuple[dict[str, Fraction], dict[str, Fraction]]] = {}

    def subtract(into: dict, other: dict, factor: Fraction) -> dict:
        out = dict(into)
        for k, v in other.items():
            out[k] = out.get(k, Fraction(0)) - factor * v
        return {k: v for k, v in out.items() if v}

    for s in pub.sums:
        row: dict[str, Fraction] = {}
        form: dict[str, Fraction] = {}
        for name, coef in [(s.whole, 1), *[(p, -1) for p in s.parts]]:
            side = row if name in hidden else form
            side[name] = side.get(name, Fraction(0)) + (coef if name in hidden else -coef)
        row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        for name in [n for n in row if n in pivots]:
            coef = row.get(name)
            if coef:
                prow, pform = pivots[name]
                row, form = subtract(row, prow, coef), subtract(form, pform, coef)
        if not row:
            continue  # a consequence of sums already seen
        pivot = min(row)
        scale = row[pivot]
        row = {k: v / scale for k, v in row.items()}
        form = {k: v / scale for k, v in form.items()}
        for other, (orow, oform) in list(pivots.items()):
            coef = orow.get(pivot)
            if coef:
                pivots[other] = (subtract(orow, row, coef), subtract(oform, form, coef))
        pivots[pivot] = (row, form)
    return pivots


def determined_by_elimination(pub: Publication, hidden: set[str]) -> set[str]:
    """Hidden cells whose value follows from the published ones through the sums (a pivot row
    with no free cell left pins its cell)."""
    return {name for name, (row, _form) in _eliminate(pub, hidden).items() if len(row) == 1}


def derivations(pub: Publication, hidden: set[str]) -> dict[str, set[str]]:
    """For each hidden cell the sums pin, the published cells its value is worked out from."""
    return {name: set(form) for name, (row, form) in _eliminate(pub, hidden).items() if len(row) == 1}


def determined_by_bounds(pub: Publication, hidden: set[str], *, rounds: int = 50) -> set[str]:
    """Hidden cells pinned by bounds: every hidden cell is at least 1 (zero is always shown);
    each sum narrows its hidden cells from the others' bounds until nothing moves."""
    low = dict.fromkeys(hidden, 1)
    high: dict[str, float] = dict.fromkeys(hidden, math.inf)
    # Integer coefficients (each ±1, or 2 for a cell named twice): Fraction arithmetic is slow here.
    equations = [({k: int(c) for k, c in row.items()}, int(rhs)) for row, rhs in _equations(pub, hidden)]
    for _ in range(rounds):
        moved = False
        for row, rhs in equations:
            for name, coef in row.items():
                # coef·x = rhs - Σ others; coefficients here are ±1.
                rest_low = sum((c * low[k] if c > 0 else c * high[k]) for k, c in row.items() if k != name)
                rest_high = sum((c * high[k] if c > 0 else c * low[k]) for k, c in row.items() if k != name)
                lo, hi = (rhs - rest_high, rhs - rest_low) if coef > 0 else (rest_low - rhs, rest_high - rhs)
                if lo > low[name]:
                    low[name], moved = int(lo), True
                if hi < high[name]:
                    high[name], moved = hi, True
        if not moved:
            break
    return {name for name in hidden if low[name] == high[name]}


def exposed(pub: Publication, hidden: set[str]) -> set[str]:
    """Every hidden cell a reader could work out exactly."""
    if not hidden:
        return set()
    return determined_by_elimination(pub, hidden) | determined_by_bounds(pub, hidden)


# The suppression.


def protect(pub: Publication, *, threshold: int | None = None) -> set[str]:
    """The cells to suppress: every small count, and as few others as this greedy search finds so
    that `exposed` is empty. Each round, every exposed cell not yet covered takes a complement: a
    published non-zero cell of one of its sums: a table's cell before a total (whole of fewer sums first), then the one
    that sits in the most sums with exposed cells (one complement often covers several), then the
    smallest."""
    threshold = threshold or min_count()
    hidden = {name for name, count in pub.cells.items() if is_small(count, threshold=threshold)}
    totals = Counter(s.whole for s in pub.sums)  # a total shared by several tables counts high
    sums_of: dict[str, list[Sum]] = {}
    for s in pub.sums:
        for name in (s.whole, *s.parts):
            sums_of.setdefault(name, []).append(s)

    def members(s: Sum) -> tuple[str, ...]:
        return (s.whole, *s.parts)

    while True:
        derived = derivations(pub, hidden) if hidden else {}
        found = sorted(set(derived) | (determined_by_bounds(pub, hidden) if hidden else set()))
        if not found:
            return hidden
        touched = {id(s) for name in found for s in sums_of.get(name, [])}
        covered: set[int] = set()
        added = False
        for name in found:
            own = sums_of.get(name, [])
            if any(id(s) in covered for s in own):
                continue  # a complement added this round already sits in one of its sums
            # Pinned by the sums: hiding any published cell it is worked out from breaks that.
            candidates = {o for o in derived.get(name, ()) if pub.cells[o] > 0}
            if not candidates:
                candidates = {o for s in own for o in members(s) if o not in hidden and pub.cells[o] > 0}
            if not candidates:  # its own sums are all hidden: widen to every sum with a hidden cell
                candidates = {
                    o
                    for s in pub.sums
                    if any(n in hidden for n in members(s))
                    for o in members(s)
                    if o not in hidden and pub.cells[o] > 0
                }
            if not candidates:
                continue
            choice = min(
                candidates,
                key=lambda n: (
                    totals[n],
                    -sum(1 for s in sums_of.get(n, []) if id(s) in touched),
                    pub.cells[n],
                    n,
                ),
            )
            hidden.add(choice)
            covered.update(id(s) for s in sums_of.get(choice, []))
            added = True
        if not added:
            return hidden  # every non-zero cell is hidden: nothing more can be given away


def statistic(value: float | None, *, base: int, threshold: int | None = None) -> float | None:
    """A rate, percentile or median: shown only when it rests on at least `threshold` records."""
    threshold = threshold or min_count()
    if value is None or base < threshold:
        return None
    return value


def share(percent: float | None, *, base: int, threshold: int | None = None) -> float | None:
    """A percent of a base: suppressed when the base is small, or when the count it implies (or the
    rest of the base) is from 1 to threshold - 1 (a percent of 40 would give 3 people away)."""
    threshold = threshold or min_count()
    if percent is None or base < threshold:
        return None
    part = round(percent * base / 100)
    if is_small(part, threshold=threshold) or is_small(base - part, threshold=threshold):
        return None
    return percent
