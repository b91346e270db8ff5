"""PIVOT and UNPIVOT as plans of existing nodes, for SQL and the DataFrame API alike.

Pivot, as Spark's two-phase plan: aggregate by the grouping columns *and* the pivot column,
then group by the grouping columns alone and pick, for each pivot value ``v`` and aggregate
``a``, ``first(if(pivot <=> v, a, NULL), ignorenulls)``. A value with no rows in a group thus
gives NULL, even for ``count``. Columns are named by the value (its alias if it has one), and
``{value}_{aggregate}`` when there are several aggregates.

Unpivot is an ``Expand`` with one projection per value column (or group of columns):
the id columns, the column's name, and its value cast to the columns' common type. SQL's
default ``EXCLUDE NULLS`` then drops rows whose values are all NULL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.analyzer import analyze
from ember.sql.analyzer.resolve_references import resolve_expression, resolve_node
from ember.sql.errors import AnalysisException
from ember.sql.expressions.coercion import cast_if_needed, common_type, is_string
from ember.sql.plan import logical as L
from ember.sql.sql_config import PIVOT_MAX_VALUES

if TYPE_CHECKING:
    from ember.sql.session import SparkSession

__all__ = ["pivot_aggregate", "distinct_pivot_values", "unpivot"]



def _value_name(value: E.Expression) -> str:
    if isinstance(value, E.Literal):
        if value.value is None:
            return "null"
        if isinstance(value.value, bool):
            return "true" if value.value else "false"
        return str(value.value)
    return value.sql()


def pivot_aggregate(grouping: Sequence[E.Expression], pivot: E.Expression,
                    values: Sequence[tuple[E.Expression, str | None]], aggregates: Sequence[E.Expression],
                    child: L.LogicalPlan) -> L.LogicalPlan:
    """``GROUP BY grouping PIVOT (aggregates FOR pivot IN values)``; ``values`` are (value, alias) pairs."""
    keys = tuple(grouping) + (pivot,)
    first = analyze(resolve_node(L.Aggregate(keys, keys + tuple(aggregates), child)))
    outputs = first.output
    key_attrs, pivot_attr, agg_attrs = outputs[:len(grouping)], outputs[len(grouping)], outputs[len(keys):]
    items: list[E.Expression] = list(key_attrs)
    for value, alias in values:
        name = alias or _value_name(value)
        typed = cast_if_needed(resolve_expression(value, [], first), pivot_attr.data_type)
        matches = E.EqualNullSafe(pivot_attr, typed)
        for agg in agg_attrs:
            picked = E.First(E.CaseWhen((matches,), (agg,), None), True)
            items.append(E.Alias.make(picked, name if len(agg_attrs) == 1 else f"{name}_{agg.name}"))
    return analyze(L.Aggregate(tuple(key_attrs), tuple(items), first))


def distinct_pivot_values(plan: L.LogicalPlan, pivot: E.Expression, session: SparkSession) -> list:
    """The sorted distinct values of ``pivot`` (a job, as in Spark), at most ``spark.sql.pivotMaxValues``."""
    from ember.sql.column import Column
    from ember.sql.dataframe import DataFrame

    column = DataFrame(session, plan).select(Column(pivot))
    limit = PIVOT_MAX_VALUES.read(session.conf)
    found = column.distinct().orderBy(column.columns[0]).limit(limit + 1).collect()
    if len(found) > limit:
        raise AnalysisException("_LEGACY_ERROR_TEMP_1324",
                                f"The pivot column {column.columns[0]} has more than {limit} distinct values, "
                                "this could indicate an error. If this was intended, set "
                                "spark.sql.pivotMaxValues to at least the number of distinct values of the "
                                "pivot column.")
    return [r[0] for r in found]


def unpivot(child: L.LogicalPlan, ids: Sequence[E.Expression], values: Sequence[Sequence[E.Expression]],
            names: Sequence[str], variable: str, value_names: Sequence[str], include_nulls: bool) -> L.LogicalPlan:
    """Rows of ``ids`` plus ``variable`` (a value group's name) and ``value_names`` (its values)."""
    if not values:
        raise AnalysisException("UNPIVOT_REQUIRES_VALUE_COLUMNS", "At least one value column needs to be specified "
                                "for UNPIVOT, all columns specified as ids.", "42K0A")
    attrs = child.output
    ids = [resolve_expression(e, attrs, child) for e in ids]
    groups = [[resolve_expression(e, attrs, child) for e in group] for group in values]
    targets = [_value_type([g[j] for g in groups]) for j in range(len(value_names))]
    id_attrs = [e if isinstance(e, E.AttributeReference) else E.AttributeReference(
        E.output_name(e), e.data_type, e.nullable, E.new_expr_id()) for e in ids]
    var_attr = E.AttributeReference(variable, T.StringType(), False, E.new_expr_id())
    value_attrs = [E.AttributeReference(n, t, any(g[j].nullable for g in groups), E.new_expr_id())
                   for j, (n, t) in enumerate(zip(value_names, targets))]
    projections = tuple(tuple(ids) + (E.Literal.of(name),) + tuple(cast_if_needed(v, t) for v, t in zip(g, targets))
                        for g, name in zip(groups, names))
    plan: L.LogicalPlan = L.Expand(projections, tuple(id_attrs) + (var_attr,) + tuple(value_attrs), child)
    if not include_nulls:
        plan = L.Filter(E.Not(E.conjoin([E.IsNull(a) for a in value_attrs])), plan)
    return analyze(plan)


def _value_type(columns: list[E.Expression]) -> T.DataType:
    types = [c.data_type for c in columns]
    known = [t for t in types if not isinstance(t, T.NullType)]
    mixed_strings = any(is_string(t) for t in known) and not all(is_string(t) for t in known)
    target = None if mixed_strings else common_type(types)
    if target is None:
        listed = ", ".join(f"\"{c.data_type.simpleString().upper()}\" (`{E.output_name(c)}`)" for c in columns)
        raise AnalysisException("UNPIVOT_VALUE_DATA_TYPE_MISMATCH", "Unpivot value columns must share a least "
                                f"common type, some types do not: [{listed}].", "42K09")
    return target
