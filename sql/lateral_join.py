"""``left.lateralJoin(right, on, how)``: ``right`` evaluated for each row of ``left``, reading
that row's columns through ``Column.outer()``.

Never run once per row: the right side is decorrelated as a subquery is (the optimizer's
``decorrelate`` pulls the predicates naming outer columns out of its filters, through
projections and aliases), and the lateral join becomes an ordinary join of ``left`` with what
is left, on those predicates and ``on``. A projection of outer columns at the top of ``right``
(``spark.range(1).select(col("c.x").outer() * 10)``) is computed after the join. A correlated ``limit(n)`` over an ``orderBy`` (each row's top
``n``) becomes a ``row_number`` window partitioned by the correlation's keys, filtered before
the join. Correlation under an aggregate (per-row counts, with SQL's count bug) or elsewhere
is refused by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ember.sql import expressions as E
from ember.sql.column import Column, expression_of
from ember.sql.errors import AnalysisException
from ember.sql.expressions.lazy_outer import resolve_lazy_outer
from ember.sql.optimizer.rewrite_subqueries import decorrelate, join_condition
from ember.sql.plan import logical as L
from ember.sql.dataframe import derive, plan_of

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["lateral_join"]

_JOIN_TYPES = {"inner": "inner", "cross": "inner", "left": "left", "leftouter": "left", "left_outer": "left"}


def _has_outer(e: E.Expression) -> bool:
    return any(isinstance(n, E.OuterReference) for n in e.walk())


def _strip_outer(e: E.Expression) -> E.Expression:
    return e.transform_up(lambda n: n.attr if isinstance(n, E.OuterReference) else n)


def _correlated_under(plan: L.LogicalPlan) -> str | None:
    """The first operator below which a correlated reference sits and a join cannot express it."""
    for node in plan.walk():
        if isinstance(node, (L.Limit, L.Offset, L.Aggregate, L.Distinct, L.Window)) and any(
                _has_outer(e) for n in node.walk() for e in n.expressions):
            return type(node).__name__
    return None


def lateral_join(left: DataFrame, right: DataFrame, on: Column | None, how: str | None) -> DataFrame:
    """``left`` joined with ``right`` evaluated per left row (see the module's docstring)."""
    join_type = _JOIN_TYPES.get((how or "inner").lower())
    if join_type is None:
        raise AnalysisException("UNSUPPORTED_JOIN_TYPE", f"Unsupported join type '{how}'. Supported join types "
                                "include: 'inner', 'leftouter', 'left', 'left_outer', 'cross'.", "0A000")
    plan = resolve_lazy_outer(plan_of(right), plan_of(left).output, plan_of(left))
    width = len(plan.output)
    projected: tuple[E.Expression, ...] | None = None
    if isinstance(plan, L.Project) and any(_has_outer(e) for e in plan.project_list):
        if join_type == "left":
            raise _refused("a projection of outer columns in a left lateral join")
        projected, plan = plan.project_list, plan.child
    decorrelated, predicates = _decorrelated(plan, right)
    condition = E.conjoin([c for c in (join_condition(predicates), expression_of(on) if on is not None else None) if c])
    joined = derive(left, L.Join(plan_of(left), decorrelated, join_type, condition))
    output = plan_of(joined).output
    n_left = len(plan_of(left).output)
    if projected is None:
        return derive(joined, L.Project(tuple(output[:n_left + width]), plan_of(joined)))
    items = tuple(_strip_outer(e) for e in projected)
    return derive(joined, L.Project(tuple(output[:n_left]) + items, plan_of(joined)))


def _decorrelated(plan: L.LogicalPlan, right: DataFrame) -> tuple[L.LogicalPlan, list[E.Expression]]:
    """``plan`` without its correlated predicates, and those predicates. A correlated
    ``Limit`` over a ``Sort`` (under projections) keeps each outer row's first rows: a
    ``row_number`` window partitioned by the correlation's inner keys."""
    chain: list[L.LogicalPlan] = []
    node = plan
    while isinstance(node, (L.Project, L.SubqueryAlias)) and not any(_has_outer(e) for e in node.expressions):
        chain.append(node)
        node = node.child
    if not (isinstance(node, L.Limit) and _correlated_under(node)):
        under = _correlated_under(plan)
        if under is not None:
            raise _refused(f"a correlated reference under {under}")
        return decorrelate(plan)
    rebuilt, predicates = _first_rows_per_key(node, right)
    needed = set().union(*[p.references() for p in predicates]) if predicates else set()
    for above in reversed(chain):
        if isinstance(above, L.Project):
            have = above.output_set
            extra = tuple(a for a in rebuilt.output if a.expr_id in needed and a.expr_id not in have)
            rebuilt = L.Project(above.project_list + extra, rebuilt)
        else:
            rebuilt = above.with_new_children([rebuilt])
    return rebuilt, predicates


def _first_rows_per_key(limit: L.Limit, right: DataFrame) -> tuple[L.LogicalPlan, list[E.Expression]]:
    from ember.sql import functions as F
    from ember.sql.dataframe import DataFrame
    from ember.sql.window import Window

    if not isinstance(limit.child, L.Sort):
        raise _refused("a correlated limit without an order")
    orders, child = limit.child.orders, limit.child.child
    under = _correlated_under(child)
    if under is not None:
        raise _refused(f"a correlated reference under {under}")
    decorrelated, predicates = decorrelate(child)
    keys = []
    for p in predicates:
        sides = (p.left, p.right) if isinstance(p, E.EqualTo) else ()
        inner = [s for s in sides if not _has_outer(s)]
        if len(inner) != 1 or not inner[0].references():
            raise _refused(f"the correlated predicate {_strip_outer(p).sql()} under a limit (it must be an "
                           "equality of an inner and an outer expression)")
        keys.append(Column(inner[0]))
    position = "__lateral_row_number"
    frame = DataFrame(right.sparkSession, decorrelated)
    window = Window.partitionBy(*keys).orderBy(*[Column(o) for o in orders])
    first = (frame.withColumn(position, F.row_number().over(window)).filter(F.col(position) <= limit.n)
             .select(*[Column(a) for a in decorrelated.output]))
    return plan_of(first), predicates


def _refused(what: str) -> AnalysisException:
    return AnalysisException("UNSUPPORTED_FEATURE", f"DataFrame.lateralJoin with {what} is not supported by "
                             "Ember: it decorrelates lateral subqueries that read outer columns in filters, in a "
                             "projection at the top, or under an ordered limit.")
