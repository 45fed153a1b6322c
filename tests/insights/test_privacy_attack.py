"""The subtraction attack (issue 15, item 4): publish a period's tables from known data with many
small cells, then try every way a reader could work a suppressed cell out, and find nothing.

The attacker here is written apart from apps/insights/privacy.py on purpose (dense matrices, rank
by exact fractions, brute force over small integers), so the suppression cannot pass by agreeing
with itself. It is first shown to *succeed* against primary suppression alone: an attacker that
never finds anything would prove nothing.

The period: calls by source (911, 988, 211, 311, Open311, self-initiated), by call type, by
priority, by district and by month, all sharing the grand total; month × source sharing both
margins with the month and source tables; month × district likewise.
"""

import itertools
import random
from collections import Counter
from fractions import Fraction

import pytest

from apps.insights import privacy

T = 11
SOURCES = ["911", "988", "211", "311", "open311", "self"]
TYPES = ["welfare", "mental_health", "intoxication", "shelter", "conflict", "suicidal", "other"]
PRIORITIES = ["1", "2", "3", "4"]
DISTRICTS = ["north", "south", "east", "west", "central"]
MONTHS = ["2026-01", "2026-02", "2026-03"]


def calls(seed: int, n: int) -> list[dict]:
    """n calls with skewed attributes, so that many cells of every table are small."""
    rng = random.Random(seed)

    def pick(values):
        weights = [2 ** (len(values) - i) for i in range(len(values))]
        return rng.choices(values, weights=weights)[0]

    return [
        {
            "source": pick(SOURCES),
            "type": pick(TYPES),
            "priority": pick(PRIORITIES),
            "district": pick(DISTRICTS),
            "month": pick(MONTHS),
        }
        for _ in range(n)
    ]


def publication(records: list[dict]) -> privacy.Publication:
    pub = privacy.Publication()
    total = pub.cell("calls[total]", len(records))
    margins = {}
    for field, groups in [
        ("source", SOURCES),
        ("type", TYPES),
        ("priority", PRIORITIES),
        ("district", DISTRICTS),
        ("month", MONTHS),
    ]:
        counts = Counter(r[field] for r in records)
        margins[field] = pub.one_way(f"calls_by_{field}", {g: counts[g] for g in groups}, total=total)
    for field in ("source", "district"):
        counts = Counter((r["month"], r[field]) for r in records)
        pub.two_way(
            f"calls_by_month_and_{field}",
            {(m, g): counts[(m, g)] for m in MONTHS for g in margins[field]},
            rows=margins["month"],
            columns=margins[field],
        )
    return pub


# The attacker.


def rref(matrix: list[list[Fraction]]) -> list[list[Fraction]]:
    """Dense reduced row echelon form, the textbook way."""
    rows = [list(r) for r in matrix]
    width = len(rows[0]) if rows else 0
    lead = 0
    out = []
    for col in range(width - 1):  # the last column is the right-hand side
        pivot = next((i for i in range(lead, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[lead], rows[pivot] = rows[pivot], rows[lead]
        p = rows[lead][col]
        rows[lead] = [v / p for v in rows[lead]]
        for i in range(len(rows)):
            if i != lead and rows[i][col] != 0:
                f = rows[i][col]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[lead], strict=True)]
        lead += 1
    out = rows[:lead]
    return out


def solve_by_elimination(pub: privacy.Publication, hidden: set[str]) -> dict[str, Fraction]:
    """Every hidden cell the published cells and the sums determine, with its value."""
    unknowns = sorted(hidden)
    index = {name: i for i, name in enumerate(unknowns)}
    matrix = []
    for s in pub.sums:
        row = [Fraction(0)] * (len(unknowns) + 1)
        for name, coef in [(s.whole, 1), *[(p, -1) for p in s.parts]]:
            if name in index:
                row[index[name]] += coef
            else:
                row[-1] -= coef * pub.cells[name]
        if any(row[:-1]):
            matrix.append(row)
    found = {}
    for row in rref(matrix):
        nonzero = [i for i, v in enumerate(row[:-1]) if v != 0]
        if len(nonzero) == 1:
            found[unknowns[nonzero[0]]] = row[-1] / row[nonzero[0]]
    return found


def single_subtractions(pub: privacy.Publication, hidden: set[str]) -> dict[str, int]:
    """Row and column differences: a sum with one hidden cell gives it away."""
    found = {}
    for s in pub.sums:
        members = [(s.whole, 1), *[(p, -1) for p in s.parts]]
        unknown = [(n, c) for n, c in members if n in hidden]
        if len(unknown) == 1:
            name, coef = unknown[0]
            found[name] = -sum(c * pub.cells[n] for n, c in members if n not in hidden) // coef
    return found


def cross_table_equalities(pub: privacy.Publication, hidden: set[str]) -> dict[str, int]:
    """Two tables with the same total: the difference of their hidden parts is published; if one
    side has a single hidden cell and the other none, it is given away."""
    found = {}
    for a, b in itertools.combinations(pub.sums, 2):
        if a.whole != b.whole:
            continue
        ha = [p for p in a.parts if p in hidden]
        hb = [p for p in b.parts if p in hidden]
        if len(ha) + len(hb) == 1:
            name = (ha or hb)[0]
            mine, other = (a, b) if ha else (b, a)
            found[name] = sum(pub.cells[p] for p in other.parts) - sum(pub.cells[p] for p in mine.parts if p != name)
    return found


def bounds_attack(pub: privacy.Publication, hidden: set[str]) -> set[str]:
    """Every hidden cell is at least 1 (zeros are shown): a sum whose hidden cells must add up to
    exactly their number gives each away as 1."""
    found = set()
    for s in pub.sums:
        members = [(s.whole, 1), *[(p, -1) for p in s.parts]]
        unknown = [(n, c) for n, c in members if n in hidden]
        if unknown and all(c == -1 for _, c in unknown):
            rest = sum(c * pub.cells[n] for n, c in members if n not in hidden)  # = Σ hidden parts
            if rest == len(unknown):
                found.update(n for n, _ in unknown)
    return found


def brute_force(values: dict, hidden: set[str], rows: list[str], cols: list[str]) -> set[str]:
    """Every filling of the hidden cells of a two-way table (cells "cell[r|c]", margins "row[r]",
    "col[c]", total "t") with integers from 1 up that keeps every published number: hidden cells
    that have one possible value. Depth first over the interior, pruned by published margins."""
    published = {n: v for n, v in values.items() if n not in hidden}
    interior = [(r, c) for r in rows for c in cols]
    seen: dict[str, set[int]] = {n: set() for n in hidden}
    # A bound for the search that gives nothing away: twice the total (which may itself be hidden).
    cap = 2 * values["t"] + 3

    def search(i: int, filled: dict):
        if i == len(interior):
            cells = {f"cell[{r}|{c}]": filled[(r, c)] for r, c in interior}
            cells |= {f"row[{r}]": sum(filled[(r, c)] for c in cols) for r in rows}
            cells |= {f"col[{c}]": sum(filled[(r, c)] for r in rows) for c in cols}
            cells["t"] = sum(filled.values())
            if all(cells[n] == v for n, v in published.items()):
                for n in hidden:
                    seen[n].add(cells[n])
            return
        r, c = interior[i]
        name = f"cell[{r}|{c}]"
        later = interior[i + 1 :]
        floor = sum(1 if f"cell[{a}|{b}]" in hidden else values[f"cell[{a}|{b}]"] for a, b in later)
        room = cap - sum(filled.values()) - floor  # what the total leaves for this cell
        options = [values[name]] if name not in hidden else range(1, room + 1)
        for v in options:
            filled[(r, c)] = v
            row_so_far = sum(filled[(r, k)] for k in cols if (r, k) in filled)
            col_so_far = sum(filled[(k, c)] for k in rows if (k, c) in filled)
            if published.get(f"row[{r}]", cap) >= row_so_far and published.get(f"col[{c}]", cap) >= col_so_far:
                search(i + 1, filled)
            del filled[(r, c)]

    search(0, {})
    return {n for n, vs in seen.items() if len(vs) == 1}


def every_attack(pub, hidden):
    return (
        set(single_subtractions(pub, hidden))
        | set(cross_table_equalities(pub, hidden))
        | set(solve_by_elimination(pub, hidden))
        | bounds_attack(pub, hidden)
    )


# The tests.


def primary_only(pub):
    return {n for n, v in pub.cells.items() if 0 < v < T}


@pytest.mark.parametrize("seed", range(3))
def test_the_attacker_recovers_cells_from_primary_suppression_alone(seed):
    pub = publication(calls(seed, 300))
    hidden = primary_only(pub)
    recovered = solve_by_elimination(pub, hidden)
    assert recovered, "this data set must be attackable, or the attack test proves nothing"
    for name, value in recovered.items():
        assert value == pub.cells[name]  # the attacker is right, not only loud
    assert set(single_subtractions(pub, hidden)) <= set(recovered)


@pytest.mark.parametrize(("seed", "n"), [(s, n) for s in range(12) for n in (40, 150, 400, 2000)])
def test_no_suppressed_cell_is_recoverable_from_the_periods_tables(seed, n):
    pub = publication(calls(seed, n))
    hidden = privacy.protect(pub, threshold=T)
    small = primary_only(pub)
    assert small <= hidden and small, "the data set has small cells to protect"
    assert all(pub.cells[name] > 0 for name in hidden), "zero is always shown"
    assert every_attack(pub, hidden) == set()


def test_a_small_grand_total_leaves_nothing_recoverable():
    pub = publication(calls(7, 6))
    hidden = privacy.protect(pub, threshold=T)
    assert "calls[total]" in hidden
    assert every_attack(pub, hidden) == set()


@pytest.mark.parametrize("seed", range(6))
def test_brute_force_over_small_integers_finds_no_cell_with_a_single_possible_value(seed):
    """A small two-way table with its margins: every integer filling of the suppressed cells that
    keeps every published sum; each suppressed cell must have more than one possible value."""
    rng = random.Random(seed)
    pub = privacy.Publication()
    rows, cols = ["a", "b"], ["x", "y", "z"]
    values = {(r, c): rng.choice([0, 1, 2, 3, 5]) for r in rows for c in cols}
    total = pub.cell("t", sum(values.values()))
    row_cells = pub.one_way("row", {r: sum(values[(r, c)] for c in cols) for r in rows}, total=total)
    col_cells = pub.one_way("col", {c: sum(values[(r, c)] for r in rows) for c in cols}, total=total)
    pub.two_way("cell", values, rows=row_cells, columns=col_cells)
    hidden = privacy.protect(pub, threshold=4)
    assert hidden, "the table has small cells"
    assert brute_force(pub.cells, hidden, rows, cols) == set()


def test_the_bounds_attack_catches_what_equations_miss():
    """Two suppressed cells of 1 in a row whose total is published: 1 + 1 = 2 gives both away,
    though no equation pins either; protect() adds a third cell."""
    pub = privacy.Publication()
    total = pub.cell("t", 22)
    pub.one_way("x", {"a": 1, "b": 1, "c": 20}, total=total)
    pub.one_way("y", {"d": 11, "e": 11}, total=total)
    primary = {"x[a]", "x[b]"}
    assert not solve_by_elimination(pub, primary)
    assert bounds_attack(pub, primary) == primary
    hidden = privacy.protect(pub, threshold=T)
    assert hidden == {"x[a]", "x[b]", "x[c]"}
    assert every_attack(pub, hidden) == set()


def test_brute_force_recovers_a_cell_left_alone_in_its_row():
    """The brute force can fail: one small cell alone in a published row has one possible value."""
    pub = privacy.Publication()
    rows, cols = ["a", "b"], ["x", "y", "z"]
    values = {("a", "x"): 2, ("a", "y"): 5, ("a", "z"): 5, ("b", "x"): 5, ("b", "y"): 5, ("b", "z"): 5}
    total = pub.cell("t", 27)
    row_cells = pub.one_way("row", {"a": 12, "b": 15}, total=total)
    col_cells = pub.one_way("col", {"x": 7, "y": 10, "z": 10}, total=total)
    pub.two_way("cell", values, rows=row_cells, columns=col_cells)
    assert brute_force(pub.cells, {"cell[a|x]"}, rows, cols) == {"cell[a|x]"}
    hidden = privacy.protect(pub, threshold=4)
    assert len(hidden) >= 4  # a 2 × 2 rectangle at least
    assert brute_force(pub.cells, hidden, rows, cols) == set()
