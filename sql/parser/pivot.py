"""SQL ``PIVOT`` and ``UNPIVOT`` clauses on a ``FROM`` item → the plans of ``plan.pivot``.

``t PIVOT (sum(v) [AS s], ... FOR c IN ('x' [AS xx], ...))`` groups by every column of ``t``
that neither the aggregates nor the pivot column use, as Spark does.
``t UNPIVOT [INCLUDE | EXCLUDE NULLS] (val FOR var IN (a [AS x], b))`` keeps the columns it
does not unpivot as ids; ``((v1, v2) FOR var IN ((a, b) AS ab, ...))`` unpivots groups of
columns. Pivoting on several columns at once is not supported and says so.
"""

from __future__ import annotations

from sqlglot import exp

from ember.sql.analyzer.resolve_references import resolve_expression
from ember.sql.errors import AnalysisException, ParseException
from ember.sql.parser.expressions import convert
from ember.sql.parser.values import with_table_alias
from ember.sql.plan import logical as L
from ember.sql.plan.pivot import pivot_aggregate, unpivot

__all__ = ["apply_pivots"]


def apply_pivots(node: exp.Expression, plan: L.LogicalPlan) -> L.LogicalPlan:
    """``plan`` with the PIVOT / UNPIVOT clauses attached to the FROM item ``node`` applied."""
    for clause in node.args.get("pivots") or []:
        plan = _unpivot(clause, plan) if clause.args.get("unpivot") else _pivot(clause, plan)
        plan = with_table_alias(plan, clause.args.get("alias"), "PIVOT")
    return plan


def _unaliased(item: exp.Expression) -> tuple[exp.Expression, str | None]:
    if isinstance(item, (exp.PivotAlias, exp.Alias)):
        return item.this, item.alias
    return item, None


def _pivot(clause: exp.Pivot, plan: L.LogicalPlan) -> L.LogicalPlan:
    field = clause.args["fields"][0]
    if len(clause.args["fields"]) != 1 or isinstance(field.this, exp.Tuple):
        raise ParseException("UNSUPPORTED_FEATURE", "PIVOT over several columns is not supported.")
    attrs = plan.output
    pivot = resolve_expression(convert(field.this), attrs, plan)
    aggregates = [convert(a) for a in clause.expressions]
    used = set(pivot.references())
    for agg in aggregates:
        used |= resolve_expression(agg, attrs, plan).references()
    grouping = [a for a in attrs if a.expr_id not in used]
    values = []
    for item in field.expressions:
        value, alias = _unaliased(item)
        converted = convert(value)
        if not converted.foldable:
            raise AnalysisException("NON_LITERAL_PIVOT_VALUES", f"Literal expressions required for pivot values, "
                                    f"found \"{converted.sql()}\".", "42K08")
        values.append((converted, alias))
    return pivot_aggregate(grouping, pivot, values, aggregates, plan)


def _names(item: exp.Expression) -> tuple[list[exp.Expression], str]:
    """The columns of one ``IN`` item of an UNPIVOT and the name its rows get."""
    body, alias = _unaliased(item)
    columns = list(body.expressions) if isinstance(body, exp.Tuple) else [body]
    return columns, alias or "_".join(c.name for c in columns)


def _unpivot(clause: exp.Pivot, plan: L.LogicalPlan) -> L.LogicalPlan:
    field = clause.args["fields"][0]
    target = clause.expressions[0]
    value_names = [i.name for i in target.expressions] if isinstance(target, exp.Tuple) else [target.name]
    groups, names = [], []
    for item in field.expressions:
        columns, name = _names(item)
        if len(columns) != len(value_names):
            raise AnalysisException("UNPIVOT_VALUE_SIZE_MISMATCH", f"All unpivot value columns must have the same "
                                    f"size as there are value column names ({len(value_names)}).", "428C4")
        groups.append([resolve_expression(convert(c), plan.output, plan) for c in columns])
        names.append(name)
    used = {r for group in groups for e in group for r in e.references()}
    ids = [a for a in plan.output if a.expr_id not in used]
    return unpivot(plan, ids, groups, names, field.this.name, value_names, bool(clause.args.get("include_nulls")))
