"""Set operations on logical plans, rewritten to joins and aggregates as Spark's optimizer does.

* ``INTERSECT`` is a left-semi join on every column (NULL-safe equality), then ``DISTINCT``.
* ``EXCEPT`` is a left-anti join on every column (NULL-safe), then ``DISTINCT``.
* ``INTERSECT ALL`` / ``EXCEPT ALL`` count each distinct row on both sides (a union tagged
  with 1/0 columns, then an aggregate) and replicate it ``min(l, r)`` / ``l - r`` times with
  a ``Generate`` over ``ReplicateRows``.

The right side always gets fresh attribute ids, so a plan combined with itself stays
unambiguous.
"""

from __future__ import annotations

from ember.sql import expressions as E
from ember.sql.analyzer import analyze
from ember.sql.analyzer.resolve_references import coerce
from ember.sql.errors import AnalysisException
from ember.sql.plan import logical as L

__all__ = ["intersect", "except_"]


def _check_widths(left: L.LogicalPlan, right: L.LogicalPlan, op: str) -> None:
    if len(left.output) != len(right.output):
        raise AnalysisException(
            "NUM_COLUMNS_MISMATCH",
            f"{op} can only be performed on inputs with the same number of columns, but the first input has "
            f"{len(left.output)} columns and the second input has {len(right.output)} columns.", "42826")


def _fresh(plan: L.LogicalPlan) -> L.LogicalPlan:
    return analyze(L.Project(tuple(E.Alias.make(a, a.name) for a in plan.output), plan))


def _distinct_join(left: L.LogicalPlan, right: L.LogicalPlan, join_type: str, op: str) -> L.LogicalPlan:
    _check_widths(left, right, op)
    right = _fresh(right)
    condition = E.conjoin([coerce(E.EqualNullSafe(la, ra)) for la, ra in zip(left.output, right.output)])
    return analyze(L.Distinct(L.Join(left, right, join_type, condition)))


def _counted(left: L.LogicalPlan, right: L.LogicalPlan, op: str) -> tuple[L.LogicalPlan, E.Expression, E.Expression]:
    """Every distinct row with its counts on the left and on the right."""
    _check_widths(left, right, op)

    def tagged(plan: L.LogicalPlan, side: int) -> L.LogicalPlan:
        tags = (E.Alias.make(E.Literal.of(1 - side), "__left"), E.Alias.make(E.Literal.of(side), "__right"))
        return analyze(L.Project(tuple(plan.output) + tags, plan))

    union = analyze(L.Union((tagged(left, 0), tagged(_fresh(right), 1))))
    columns = union.output[:-2]
    counts = (E.Alias.make(E.Sum(union.output[-2]), "__l"), E.Alias.make(E.Sum(union.output[-1]), "__r"))
    grouped = analyze(L.Aggregate(tuple(columns), tuple(columns) + counts, union))
    return grouped, grouped.output[-2], grouped.output[-1]


def _replicate(grouped: L.LogicalPlan, times: E.Expression) -> L.LogicalPlan:
    columns = grouped.output[:-2]
    generate = analyze(L.Generate(E.ReplicateRows(times), False, (), grouped))
    return analyze(L.Project(tuple(columns), generate))


def intersect(left: L.LogicalPlan, right: L.LogicalPlan, all_rows: bool) -> L.LogicalPlan:
    if not all_rows:
        return _distinct_join(left, right, "left_semi", "INTERSECT")
    grouped, l_count, r_count = _counted(left, right, "INTERSECT ALL")
    fewer = E.CaseWhen((E.LessThan(l_count, r_count),), (l_count,), r_count)
    return _replicate(grouped, coerce(fewer))


def except_(left: L.LogicalPlan, right: L.LogicalPlan, all_rows: bool) -> L.LogicalPlan:
    if not all_rows:
        return _distinct_join(left, right, "left_anti", "EXCEPT")
    grouped, l_count, r_count = _counted(left, right, "EXCEPT ALL")
    return _replicate(grouped, coerce(E.Subtract(l_count, r_count)))
