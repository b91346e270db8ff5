"""``left.zip(right)``: the columns of two DataFrames side by side, for DataFrames that are
projections of one plan (so their rows are aligned by construction).

As in Spark, each side's chain of projections (and aliases) is stripped; what remains must be
the same plan (``canonical_form``: the same steps over the same sources), else the sides are
not known to be row-aligned and ``ZIP_PLANS_NOT_MERGEABLE`` is raised. The result is one
projection over the left side's base: the left's columns, then the right's, each side's
expressions rewritten through its chain down to the base's columns.
"""

from __future__ import annotations

from ember.sql import expressions as E
from ember.sql.errors import AnalysisException
from ember.sql.plan import logical as L
from ember.sql.plan import python_plans
from ember.sql.plan.semantics import canonical_form

__all__ = ["zip_plans"]

_PYTHON_NODES = (python_plans.MapInBatches, python_plans.FlatMapGroupsInPandas, python_plans.FlatMapCoGroupsInPandas)


def _flattened(plan: L.LogicalPlan) -> tuple[list[E.Expression], L.LogicalPlan]:
    """``plan``'s columns as expressions over the plan below its projections and aliases."""
    columns: list[E.Expression] = list(plan.output)
    while isinstance(plan, (L.Project, L.SubqueryAlias)):
        if isinstance(plan, L.Project):
            aliases = {a.expr_id: a.child for a in plan.project_list if isinstance(a, E.Alias)}
            columns = [c.transform_up(lambda e: aliases.get(e.expr_id, e) if isinstance(e, E.AttributeReference)
                                      else e) for c in columns]
        plan = plan.child
    return columns, plan


def _not_mergeable() -> AnalysisException:
    return AnalysisException("ZIP_PLANS_NOT_MERGEABLE", "The two DataFrames in zip() cannot be merged. They must "
                             "produce the same canonicalized plan after stripping outer Project chains, and must "
                             "not contain non-scalar Python UDFs.", "42K03")


def _named(column: E.Expression, attr: E.AttributeReference) -> E.Expression:
    """``column`` under the name and id of the side's output column it computes."""
    if isinstance(column, E.AttributeReference) and column.expr_id == attr.expr_id:
        return column
    return E.Alias(column, attr.name, attr.expr_id)


def zip_plans(left: L.LogicalPlan, right: L.LogicalPlan) -> L.Project:
    """One projection with ``left``'s columns then ``right``'s, over their common base."""
    left_columns, left_base = _flattened(left)
    right_columns, right_base = _flattened(right)
    if canonical_form(left_base) != canonical_form(right_base) or any(
            isinstance(n, _PYTHON_NODES) for n in left_base.walk()):
        raise _not_mergeable()
    # The same plan built twice has its own ids: read the right side's base columns from the left's.
    same = {r.expr_id: lb for r, lb in zip(right_base.output, left_base.output)}
    right_columns = [c.transform_up(lambda e: same.get(e.expr_id, e) if isinstance(e, E.AttributeReference) else e)
                     for c in right_columns]
    items = [_named(c, a) for c, a in zip(left_columns, left.output)]
    items += [_named(c, a) for c, a in zip(right_columns, right.output)]
    return L.Project(tuple(items), left_base)
