"""SQL text → logical plan: sqlglot parses (Spark dialect), dispatch tables build the plan.

``_QUERIES`` maps query nodes (``SELECT``, set operations, parenthesised queries, ``VALUES``)
and ``_RELATIONS`` maps ``FROM`` items (tables, table functions, subqueries, ``VALUES``) to
small builders; a FROM item's PIVOT / UNPIVOT clauses follow it (``parser.pivot``), lateral
views follow the joins (``parser.lateral``), GROUP BY clauses go through ``parser.grouping``,
and parameter markers are bound before anything is built (``parser.parameters``);
expressions go through ``parser.expressions``. Each step is analysed as it is built, as a
DataFrame's are, so a bad name fails with the plan it belongs to.

A SELECT becomes, bottom-up: FROM and JOINs, ``Filter`` (WHERE), ``Aggregate`` (GROUP BY or
aggregate calls) or ``Project``, ``Filter`` (HAVING), ``Distinct``, ``Sort`` (ORDER BY),
``Limit`` / ``Offset``. HAVING and ORDER BY may use what the select list does not output (an
aggregate, a column): such a term is computed as a hidden column of the Aggregate/Project
and dropped by a final Project, as Spark's analyzer does. ``ORDER BY 2`` and ``GROUP BY 2`` name select
items by position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import pyarrow as pa
import sqlglot
from sqlglot import exp

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.analyzer import analyze
from ember.sql.analyzer.extract_windows import window_in_operator, window_not_allowed
from ember.sql.analyzer.resolve_references import outer_scope
from ember.sql.errors import AnalysisException, ParseException
from ember.sql.parser.expressions import convert, subqueries_planned_by
from ember.sql.parser.grouping import group_by
from ember.sql.parser.lateral import lateral_views
from ember.sql.parser.organization import organize
from ember.sql.parser.parameters import bind_parameters, mark_positional
from ember.sql.parser.pivot import apply_pivots
from ember.sql.parser.arity import check_calls
from ember.sql.parser.dialect import EmberSpark
from ember.sql.parser.parse_errors import check_statement_start, from_sqlglot
from ember.sql.parser.values import inline_table, table_function
from ember.sql.parser.windows import inline_named_windows
from ember.sql.plan import logical as L
from ember.sql.plan.fresh_ids import with_fresh_ids
from ember.sql.plan.grouping_sets import grouped_aggregate
from ember.sql.plan.limits import check_limit_like
from ember.sql.plan.set_operations import except_, intersect

from ember.sql.catalog import table_not_found

if TYPE_CHECKING:
    from ember.sql.catalog import Catalog

__all__ = ["to_logical"]

_HIDDEN = "__hidden"


@dataclass(frozen=True)
class _Scope:
    catalog: Catalog
    ctes: dict[str, L.LogicalPlan] = field(default_factory=dict)


def to_logical(sql: str, catalog: Catalog, args: dict[str, Any] | list | None = None) -> L.LogicalPlan:
    """The analysed plan of one SQL query, its parameter markers bound to ``args``;
    ``ParseException`` points at the offending text."""
    check_statement_start(sql)
    text = mark_positional(sql) if "?" in sql else sql
    try:
        trees = [t for t in sqlglot.parse(text, read=EmberSpark) if t is not None]
    except sqlglot.errors.ParseError as e:
        check_calls(text)
        raise from_sqlglot(text, e) from None
    check_calls(text)
    if len(trees) != 1:
        raise ParseException("PARSE_SYNTAX_ERROR", f"Expected one statement, got {len(trees)}.")
    return _query(bind_parameters(trees[0], args), _Scope(catalog))


def _unsupported(node: exp.Expression) -> ParseException:
    return ParseException("UNSUPPORTED_FEATURE", f"Unsupported SQL construct {type(node).__name__}: "
                          f"{node.sql(dialect='spark')[:200]!r}.")


# The arguments of each sqlglot node that its builder reads. Any other argument that is set
# is a clause this translator would silently drop (QUALIFY, TABLESAMPLE, NATURAL JOIN, ...):
# it is refused by name instead, so that no query runs without a part of its text.
_HANDLED_CLAUSES: dict[type, set[str]] = {
    exp.Select: {"expressions", "from_", "joins", "where", "group", "having", "order", "limit", "distinct",
                 "with_", "hint", "kind", "offset", "laterals", "sort", "cluster", "distribute", "windows"},
    exp.Join: {"this", "on", "using", "side", "kind", "hint", "pivots"},
    exp.Table: {"this", "alias", "db", "catalog", "pivots"},
    exp.Subquery: {"this", "alias", "limit", "order", "with_", "offset", "pivots"},
    exp.Union: {"this", "expression", "distinct", "order", "limit", "with_", "offset"},
    exp.Intersect: {"this", "expression", "distinct", "order", "limit", "with_", "offset"},
    exp.Except: {"this", "expression", "distinct", "order", "limit", "with_", "offset"},
}
_CLAUSE_NAMES = {
    "qualify": "QUALIFY", "sample": "TABLESAMPLE", "cluster": "CLUSTER BY", "distribute": "DISTRIBUTE BY",
    "sort": "SORT BY", "method": "NATURAL JOIN", "laterals": "LATERAL VIEW", "pivots": "PIVOT/UNPIVOT",
    "windows": "WINDOW", "offset": "OFFSET", "into": "INTO", "prewhere": "PREWHERE", "settings": "SETTINGS",
    "connect": "CONNECT BY", "match": "MATCH_RECOGNIZE", "locks": "FOR UPDATE", "by_name": "BY NAME",
}


def _check_clauses(node: exp.Expression) -> None:
    handled = _HANDLED_CLAUSES.get(type(node))
    if handled is None:
        return
    for key, value in node.args.items():
        if key not in handled and value not in (None, False, []):
            clause = _CLAUSE_NAMES.get(key, key.rstrip("_").upper())
            raise ParseException("UNSUPPORTED_FEATURE", f"The {clause} clause is not supported: "
                                 f"{node.sql(dialect='spark')[:200]!r}.")
    if isinstance(node, exp.Select) and isinstance(node.args.get("distinct"), exp.Distinct) \
            and node.args["distinct"].args.get("on") is not None:
        raise ParseException("UNSUPPORTED_FEATURE", "SELECT DISTINCT ON is not supported.")


def _query(node: exp.Expression, scope: _Scope) -> L.LogicalPlan:
    _check_clauses(node)
    scope = _with_ctes(node, scope)
    builder = _QUERIES.get(type(node))
    if builder is None:
        raise _unsupported(node)
    return builder(node, scope)


def _with_ctes(node: exp.Expression, scope: _Scope) -> _Scope:
    with_ = node.args.get("with_")
    if with_ is None:
        return scope
    ctes = dict(scope.ctes)
    for cte in with_.expressions:
        ctes[cte.alias.lower()] = L.SubqueryAlias(cte.alias, _query(cte.this, _Scope(scope.catalog, ctes)))
    return _Scope(scope.catalog, ctes)


# ---------------------------------------------------------------------------- FROM
def _table(node: exp.Table, scope: _Scope) -> L.LogicalPlan:
    """A table or CTE reference; each reference gets its own attribute ids, so a table read
    twice (a self-join, a subquery over the outer query's table) has two distinct sets."""
    if isinstance(node.this, exp.Func):
        return table_function(node)
    name = node.name
    if node.catalog and node.catalog.lower() != "spark_catalog":
        raise table_not_found(".".join((node.catalog, node.db, name)))
    if node.db:  # a warehouse table (db.t), or files (parquet.`/path`)
        return _aliased(with_fresh_ids(scope.catalog.lookup(name, node.db)), node)
    plan = scope.ctes.get(name.lower())
    if plan is None:
        plan = scope.catalog.lookup(name)
    return _aliased(with_fresh_ids(plan), node)


def _subquery(node: exp.Subquery, scope: _Scope) -> L.LogicalPlan:
    return _aliased(_query(node.this, scope), node)


def _aliased(plan: L.LogicalPlan, node: exp.Expression) -> L.LogicalPlan:
    """``plan`` under the FROM item's alias; ``AS t(a, b)`` also renames its columns."""
    alias = node.args.get("alias")
    columns = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) else []
    if columns:
        if len(columns) != len(plan.output):
            raise AnalysisException(
                "ASSIGNMENT_ARITY_MISMATCH", f"The number of columns or variables assigned or aliased: "
                f"{len(plan.output)} does not match the number of source expressions: {len(columns)}.", "42802")
        plan = analyze(L.Project(tuple(E.Alias.make(a, c) for a, c in zip(plan.output, columns)), plan))
    return analyze(L.SubqueryAlias(node.alias, plan)) if node.alias else plan


_RELATIONS: dict[type, Callable[[exp.Expression, _Scope], L.LogicalPlan]] = {
    exp.Table: _table,
    exp.Subquery: _subquery,
    exp.Values: lambda n, scope: inline_table(n),
}


def _relation(node: exp.Expression, scope: _Scope) -> L.LogicalPlan:
    _check_clauses(node)
    builder = _RELATIONS.get(type(node))
    if builder is None:
        raise _unsupported(node)
    return apply_pivots(node, builder(node, scope))


def _join_type(join: exp.Join) -> str:
    side, kind = (join.side or "").lower(), (join.kind or "").lower()
    if kind in ("semi", "anti"):
        return f"left_{kind}"
    if side in ("left", "right", "full"):
        return side
    if kind == "cross" or (join.args.get("on") is None and not join.args.get("using")):
        return "cross"
    return "inner"


def _from(node: exp.Select, scope: _Scope) -> L.LogicalPlan:
    source = node.args.get("from_")
    if source is None:
        return L.Range(0, 1, 1, 1, E.AttributeReference("id", T.LongType(), False, E.new_expr_id()))
    plan = _relation(source.this, scope)
    for join in node.args.get("joins") or []:
        _check_clauses(join)
        right = _relation(join.this, scope)
        using = tuple(i.name for i in join.args.get("using") or []) or None
        on = join.args.get("on")
        with subqueries_planned_by(None):
            condition = convert(on) if on is not None else None
        plan = apply_pivots(join, analyze(L.Join(plan, right, _join_type(join), condition, using)))
    return lateral_views(node, plan)


# ---------------------------------------------------------------------------- SELECT
class _Hidden:
    """Terms of HAVING / ORDER BY that the select list does not output, as hidden columns."""

    def __init__(self, items: list[exp.Expression]):
        self.bodies = [i.this if isinstance(i, exp.Alias) else i for i in items]
        self.names = {i.alias_or_name.lower() for i in items if isinstance(i, (exp.Alias, exp.Column))}
        self.columns = [i for i in items if isinstance(i, exp.Column)]
        self.items: list[E.Expression] = []

    def _hide(self, node: exp.Expression) -> exp.Expression:
        name = f"{_HIDDEN}{len(self.items)}"
        self.items.append(E.Alias.make(convert(node), name))
        return exp.column(name)

    def lift(self, node: exp.Expression) -> E.Expression:
        def visit(n: exp.Expression) -> exp.Expression:
            if isinstance(n, exp.Column):
                output = n in self.columns or (not n.table and n.name.lower() in self.names)
                return n if output else self._hide(n)
            if any(n == body for body in self.bodies) or isinstance(n, (exp.AggFunc, exp.Grouping, exp.GroupingId)):
                return self._hide(n)
            if isinstance(n, _SUBQUERIES):
                return n.copy()  # a new node: its inside belongs to the subquery, not to this query
            return n

        return convert(node.copy().transform(visit))


def _is_window_function(node: exp.Expression) -> bool:
    """``node`` is the function of an OVER clause (an aggregate there does not group the query)."""
    parent = node.parent
    if isinstance(parent, (exp.IgnoreNulls, exp.RespectNulls)):
        node, parent = parent, parent.parent
    return isinstance(parent, exp.Window) and parent.this is node


_SUBQUERIES = (exp.Subquery, exp.Exists)


def _walk_outside_subqueries(node: exp.Expression):
    return node.walk(prune=lambda n: isinstance(n, _SUBQUERIES))


def _is_aggregate(node: exp.Select) -> bool:
    return bool(node.args.get("group") or node.args.get("having")) or any(
        isinstance(n, exp.AggFunc) and not _is_window_function(n)
        for item in node.expressions for n in _walk_outside_subqueries(item))


def _subquery_planner(scope: _Scope, outer: list[E.AttributeReference]) -> Callable[[exp.Expression], L.LogicalPlan]:
    """Plans a subquery of a query whose FROM clause outputs ``outer`` (its correlated names)."""
    def plan(query: exp.Expression) -> L.LogicalPlan:
        with outer_scope(outer):
            return _query(query, scope)

    return plan


def _ordinal(node: exp.Expression) -> int | None:
    return int(node.this) if isinstance(node, exp.Literal) and not node.is_string else None


def _select(node: exp.Select, scope: _Scope) -> L.LogicalPlan:
    inline_named_windows(node)
    plan = _from(node, scope)
    with subqueries_planned_by(_subquery_planner(scope, plan.output)):
        return _select_from(node, plan)


def _select_from(node: exp.Select, plan: L.LogicalPlan) -> L.LogicalPlan:
    if node.args.get("where") is not None:
        plan = analyze(L.Filter(convert(node.args["where"].this), plan))
    items = [convert(e) for e in node.expressions]
    hidden = _Hidden(node.expressions)
    having = node.args.get("having")
    if having is not None and having.find(exp.Window):
        raise window_not_allowed("HAVING")
    if node.args.get("order") is not None and node.args["order"].find(exp.Window):
        raise window_in_operator("Sort")
    condition = hidden.lift(having.this) if having is not None else None
    orders = _orders(node, hidden)
    if _is_aggregate(node):
        grouping, sets = group_by(node)
        plan = grouped_aggregate(grouping, sets, items + hidden.items, plan)
    else:
        plan = analyze(L.Project(tuple(items + hidden.items), plan))
    visible = [a for a in plan.output if not a.name.startswith(_HIDDEN)]
    if condition is not None:
        plan = analyze(L.Filter(condition, plan))
    if node.args.get("distinct") is not None:
        plan = analyze(L.Distinct(L.Project(tuple(visible), plan)) if hidden.items else L.Distinct(plan))
    if orders:
        plan = analyze(L.Sort(_bind_orders(orders, visible), plan))
    if len(visible) != len(plan.output):
        plan = analyze(L.Project(tuple(visible), plan))
    return _limit(node, organize(node, plan))


def _orders(node: exp.Expression, hidden: _Hidden | None) -> list[E.SortOrder | tuple[int, exp.Ordered]]:
    order = node.args.get("order")
    out: list[E.SortOrder | tuple[int, exp.Ordered]] = []
    for o in (order.expressions if order is not None else []):
        position = _ordinal(o.this)
        if isinstance(o.this, exp.Var) and o.this.name.upper() == "ALL":
            position = _ALL  # ORDER BY ALL: every select item, in order
        if position is not None:
            out.append((position, o))
            continue
        key = hidden.lift(o.this) if hidden is not None else convert(o.this)
        out.append(E.SortOrder(key, not o.args.get("desc"), o.args.get("nulls_first")))
    return out


_ALL = 0


def _bind_orders(orders: list[E.SortOrder | tuple[int, exp.Ordered]],
                 output: list[E.AttributeReference]) -> tuple[E.SortOrder, ...]:
    out: list[E.SortOrder] = []
    for order in orders:
        if isinstance(order, tuple) and order[0] == _ALL:
            named_all = [a for a in output if a.name.lower() == "all"]
            o = order[1]
            out.extend(E.SortOrder(a, not o.args.get("desc"), o.args.get("nulls_first")) for a in named_all or output)
        else:
            out.append(_bind_ordinal(order, output))
    return tuple(out)


def _bind_ordinal(order: E.SortOrder | tuple[int, exp.Ordered], output: list[E.AttributeReference]) -> E.SortOrder:
    if isinstance(order, E.SortOrder):
        return order
    position, o = order
    if not 1 <= position <= len(output):
        raise AnalysisException("ORDER_BY_POS_OUT_OF_RANGE", f"ORDER BY position {position} is not in select "
                                f"list (valid range is [1, {len(output)}]).", "42805")
    return E.SortOrder(output[position - 1], not o.args.get("desc"), o.args.get("nulls_first"))


def _limit(node: exp.Expression, plan: L.LogicalPlan) -> L.LogicalPlan:
    """``LIMIT l``, ``OFFSET n`` and ``LIMIT l OFFSET n`` (``Offset n <- Limit l + n``, as Spark plans it)."""
    limit, offset = node.args.get("limit"), node.args.get("offset")
    if limit is not None and isinstance(limit.expression, exp.Var) and limit.expression.name.upper() == "ALL":
        limit = None
    n = _limit_value("limit", limit.expression) if limit is not None else None
    m = _limit_value("offset", offset.expression) if offset is not None else 0
    if n is not None:
        plan = analyze(L.Limit(n + m, plan))
    return analyze(L.Offset(m, plan)) if m else plan


def _limit_value(kind: str, node: exp.Expression) -> int:
    value = _constant(convert(node))
    if not isinstance(value, int) or isinstance(value, bool):
        raise AnalysisException("INVALID_LIMIT_LIKE_EXPRESSION.DATA_TYPE", f"The limit like expression "
                                f"\"{node.sql()}\" is invalid. The {kind} expression must be a constant integer.",
                                "42K0E")
    check_limit_like(kind, value)
    return value


def _constant(e: E.Expression) -> object:
    """The value of a constant integer expression (``3``, ``-1``, ``2 + 1``), else ``None``."""
    if not e.foldable or not isinstance(e.data_type, T.IntegralType):
        return None
    value = E.as_array(e.eval(pa.RecordBatch.from_pydict({"_": [None]})), 1)[0]
    return value.as_py()


# ---------------------------------------------------------------------------- set operations
def _set_operation(node: exp.SetOperation, scope: _Scope) -> L.LogicalPlan:
    left, right = _query(node.this, scope), _query(node.expression, scope)
    distinct = node.args.get("distinct") is not False
    if isinstance(node, exp.Union):
        if len(left.output) != len(right.output):
            raise AnalysisException(
                "NUM_COLUMNS_MISMATCH", f"UNION can only be performed on inputs with the same number of columns, "
                f"but the first input has {len(left.output)} columns and the second input has "
                f"{len(right.output)} columns.", "42826")
        plan = analyze(L.Union((left, right)))
        plan = analyze(L.Distinct(plan)) if distinct else plan
    elif isinstance(node, exp.Intersect):
        plan = intersect(left, right, not distinct)
    else:
        plan = except_(left, right, not distinct)
    orders = _orders(node, None)
    if orders:
        plan = analyze(L.Sort(_bind_orders(orders, plan.output), plan))
    return _limit(node, plan)


_QUERIES: dict[type, Callable[[exp.Expression, _Scope], L.LogicalPlan]] = {
    exp.Select: _select,
    exp.Union: _set_operation,
    exp.Intersect: _set_operation,
    exp.Except: _set_operation,
    exp.Subquery: lambda n, scope: _limit(n, _query(n.this, scope)),
    exp.Values: lambda n, scope: inline_table(n),
}
