"""Subqueries in expressions become joins and aggregates, never a query run once per row.

In a filter's conjuncts (Spark's ``RewritePredicateSubquery``):

- ``EXISTS (q)`` → left semi join with ``q`` on its correlated predicates; ``NOT EXISTS`` →
  left anti join.
- ``v IN (q)`` → left semi join on ``v = q.col`` (plus the correlated predicates).
- ``v NOT IN (q)`` keeps SQL's three-valued logic: a row is kept when ``q`` is empty, or when
  ``v`` is not NULL, matches no row of ``q`` and ``q`` holds no NULL. Uncorrelated with one
  column, that is a hash anti join plus ``count(*)``/``count(col)`` of ``q``; otherwise an anti
  join on ``(v = col) OR (v = col) IS NULL`` (a nested-loop join).

Anywhere else (the select list, under OR, in CASE):

- A scalar subquery ``(q)`` → a left outer join with ``q``, grouped by its correlation keys
  when correlated (the "count bug": where ``q`` gives a non-NULL value on no rows, such as
  ``count``, groups that found no row get that value instead of NULL). An uncorrelated ``q``
  that is not provably one row is checked: more than one row fails with
  ``SCALAR_SUBQUERY_TOO_MANY_ROWS``.
- ``EXISTS``/``IN`` → a left outer join with the distinct keys of ``q`` and a marker column
  (a "mark join"), ``IN`` with ``q``'s row and NULL counts for its NULL cases.

Correlated predicates are pulled up from the subquery's filters (through projections,
aliases, sorts and aggregates, whose grouping gains the correlated columns); a correlated
reference anywhere else is refused with an error naming it, never answered wrongly.
"""

from __future__ import annotations

import pyarrow as pa

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.analyzer.resolve_references import coerce
from ember.sql.errors import AnalysisException
from ember.sql.plan import logical as L

__all__ = ["rewrite_subqueries", "decorrelate", "join_condition"]


def rewrite_subqueries(plan: L.LogicalPlan) -> L.LogicalPlan:
    """``plan`` with no subquery expression left in it."""
    return plan.transform_up(_rewrite_node)


def _has_subquery(e: E.Expression) -> bool:
    return any(isinstance(n, E.SubqueryExpression) for n in e.walk())


def _rewrite_node(node: L.LogicalPlan) -> L.LogicalPlan:
    if not any(_has_subquery(e) for e in node.expressions):
        return node
    if isinstance(node, L.Filter):
        return _rewrite_filter(node)
    if isinstance(node, L.Project):
        plan = node.child
        items = []
        for item in node.project_list:
            plan, item = _rewrite_expression(item, plan)
            items.append(item)
        return L.Project(tuple(items), plan)
    raise _unsupported(f"A subquery in {type(node).__name__} is not supported; use it in WHERE, HAVING "
                       "or a select list without aggregates.")


def _unsupported(message: str) -> AnalysisException:
    return AnalysisException("UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY", message, "0A000")


# ---------------------------------------------------------------------------- filters
def _rewrite_filter(node: L.Filter) -> L.LogicalPlan:
    """Conjuncts without subqueries filter first (where join reordering can still use them:
    they may be the join conditions of a comma join below), then semi and anti joins, then
    conjuncts whose subqueries become columns of joins."""
    conjuncts = E.split_conjuncts(node.condition)
    plain = [c for c in conjuncts if not _has_subquery(c)]
    plan = L.Filter(E.conjoin(plain), node.child) if plain else node.child
    kept: list[E.Expression] = []
    for conjunct in (c for c in conjuncts if _has_subquery(c)):
        negated = isinstance(conjunct, E.Not)
        inner = conjunct.child if negated else conjunct
        if isinstance(inner, E.Exists):
            sub, predicates = decorrelate(inner.plan)
            plan = L.Join(plan, sub, "left_anti" if negated else "left_semi", join_condition(predicates))
        elif isinstance(inner, E.InSubquery):
            plan = _not_in(plan, inner) if negated else _in(plan, inner)
        else:
            plan, rewritten = _rewrite_expression(conjunct, plan)
            kept.append(rewritten)
    if kept:
        plan = L.Filter(E.conjoin(kept), plan)
    if plan.output_set != node.child.output_set:
        plan = L.Project(tuple(node.child.output), plan)
    return plan


def _value_equalities(sub: E.InSubquery) -> E.Expression:
    columns = sub.plan.output[:len(sub.values)]
    return E.conjoin([coerce(E.EqualTo(v, c)) for v, c in zip(sub.values, columns)])


def _in(plan: L.LogicalPlan, sub: E.InSubquery) -> L.LogicalPlan:
    decorrelated, predicates = decorrelate(sub.plan)
    return L.Join(plan, decorrelated, "left_semi", E.conjoin([_value_equalities(sub), join_condition(predicates)]
                                                             if predicates else [_value_equalities(sub)]))


def _not_in(plan: L.LogicalPlan, sub: E.InSubquery) -> L.LogicalPlan:
    decorrelated, predicates = decorrelate(sub.plan)
    equal = _value_equalities(sub)
    if predicates or len(sub.values) > 1:
        match = E.Or(equal, E.IsNull(equal))
        condition = E.conjoin([join_condition(predicates), match] if predicates else [match])
        return L.Join(plan, decorrelated, "left_anti", condition)
    column = decorrelated.output[0]
    rows, non_null = _attr("__rows", T.LongType()), _attr("__non_null", T.LongType())
    stats = L.Aggregate((), (E.Alias(E.Count(None), rows.name, rows.expr_id),
                             E.Alias(E.Count(column), non_null.name, non_null.expr_id)), decorrelated)
    joined = L.Join(L.Join(plan, stats, "cross"), decorrelated, "left_anti", equal)
    value = sub.values[0]
    keep = E.Or(E.EqualTo(rows, E.Literal.of(0)),
                E.And(E.IsNotNull(value), E.EqualTo(non_null, rows)))
    return L.Project(tuple(plan.output), L.Filter(coerce(keep), joined))


def _attr(name: str, dtype: T.DataType, nullable: bool = True) -> E.AttributeReference:
    return E.AttributeReference(name, dtype, nullable, E.new_expr_id())


# ---------------------------------------------------------------------------- expressions
def _rewrite_expression(expr: E.Expression, plan: L.LogicalPlan) -> tuple[L.LogicalPlan, E.Expression]:
    """``expr`` with each subquery replaced by a column of ``plan`` joined with the subquery."""
    joined = [plan]

    def replace(e: E.Expression) -> E.Expression:
        if isinstance(e, E.ScalarSubquery):
            joined[0], value = _scalar(joined[0], e)
            return value
        if isinstance(e, E.Exists):
            joined[0], value = _exists_mark(joined[0], e)
            return value
        if isinstance(e, E.InSubquery):
            joined[0], value = _in_mark(joined[0], e)
            return value
        return e

    rewritten = expr.transform_up(replace)
    return joined[0], rewritten


def _scalar(plan: L.LogicalPlan, sub: E.ScalarSubquery) -> tuple[L.LogicalPlan, E.Expression]:
    if len(sub.plan.output) != 1:
        raise AnalysisException(
            "INVALID_SUBQUERY_EXPRESSION.SCALAR_SUBQUERY_RETURN_MORE_THAN_ONE_OUTPUT_COLUMN",
            f"Invalid subquery: Scalar subquery must return only one column, but got {len(sub.plan.output)}.",
            "42823")
    decorrelated, predicates = decorrelate(sub.plan)
    value = sub.plan.output[0]
    if not predicates:
        if not _at_most_one_row(decorrelated):
            rows, first = _attr("__rows", T.LongType()), _attr(value.name, value.data_type)
            decorrelated = L.Aggregate((), (E.Alias(E.Count(None), rows.name, rows.expr_id),
                                            E.Alias(E.First(value), first.name, first.expr_id)), decorrelated)
            return L.Join(plan, decorrelated, "left"), E.ScalarSubqueryValue(rows, first)
        return L.Join(plan, decorrelated, "left"), value
    if not _grouped_by_correlation(sub.plan):
        raise _unsupported(
            "A correlated scalar subquery must be an aggregate (such as SELECT max(x) ... WHERE "
            f"inner.k = outer.k) so that it returns one row per outer row: {sub.plan.tree_string()}")
    empty_value = _value_on_no_rows(sub.plan)
    if empty_value is None:
        return L.Join(plan, decorrelated, "left", join_condition(predicates)), value
    marker = _attr("__matched", T.BooleanType())
    marked = L.Project(tuple(decorrelated.output) + (E.Alias(E.Literal.of(True), marker.name, marker.expr_id),),
                       decorrelated)
    joined = L.Join(plan, marked, "left", join_condition(predicates))
    literal = E.Literal(empty_value, value.data_type)
    return joined, E.CaseWhen((E.IsNull(marker),), (literal,), value)


def _exists_mark(plan: L.LogicalPlan, sub: E.Exists) -> tuple[L.LogicalPlan, E.Expression]:
    decorrelated, predicates = decorrelate(sub.plan)
    marker = _attr("__exists", T.BooleanType())
    if not predicates:
        found = L.Aggregate((), (E.Alias(coerce(E.GreaterThan(E.Count(None), E.Literal.of(0))), marker.name,
                                         marker.expr_id),), decorrelated)
        return L.Join(plan, found, "left"), marker
    inner_keys, outer_keys = _equality_keys(predicates, decorrelated, "EXISTS")
    keys = [E.Alias.make(k, f"__key{i}") for i, k in enumerate(inner_keys)]
    distinct = L.Aggregate(tuple(inner_keys), tuple(keys) + (E.Alias(E.Literal.of(True), marker.name,
                                                                      marker.expr_id),), decorrelated)
    condition = E.conjoin([coerce(E.EqualTo(_strip_outer(o), k.to_attribute())) for o, k in zip(outer_keys, keys)])
    return L.Join(plan, distinct, "left", condition), E.IsNotNull(marker)


def _in_mark(plan: L.LogicalPlan, sub: E.InSubquery) -> tuple[L.LogicalPlan, E.Expression]:
    decorrelated, predicates = decorrelate(sub.plan)
    if predicates or len(sub.values) != 1:
        raise _unsupported("IN with a correlated or multi-column subquery is supported only as a "
                           "condition of WHERE or HAVING (not under OR, NOT of a larger expression, or "
                           "in a select list).")
    column, value = decorrelated.output[0], sub.values[0]
    key, matched = _attr(column.name, column.data_type), _attr("__matched", T.BooleanType())
    distinct = L.Aggregate((column,), (E.Alias(column, key.name, key.expr_id),
                                       E.Alias(E.Literal.of(True), matched.name, matched.expr_id)), decorrelated)
    rows, non_null = _attr("__rows", T.LongType()), _attr("__non_null", T.LongType())
    stats = L.Aggregate((), (E.Alias(E.Count(None), rows.name, rows.expr_id),
                             E.Alias(E.Count(column), non_null.name, non_null.expr_id)), decorrelated)
    joined = L.Join(L.Join(plan, distinct, "left", coerce(E.EqualTo(value, key))), stats, "cross")
    null = E.Literal(None, T.BooleanType())
    result = E.CaseWhen(
        (E.IsNotNull(matched), coerce(E.EqualTo(rows, E.Literal.of(0))),
         E.Or(E.IsNull(value), coerce(E.LessThan(non_null, rows)))),
        (E.Literal.of(True), E.Literal.of(False), null), E.Literal.of(False))
    return joined, coerce(result)


# ---------------------------------------------------------------------------- subquery shapes
def _through_wrappers(plan: L.LogicalPlan) -> L.LogicalPlan:
    while isinstance(plan, (L.Project, L.SubqueryAlias, L.Sort)):
        plan = plan.child
    return plan


def _at_most_one_row(plan: L.LogicalPlan) -> bool:
    root = plan
    while isinstance(root, (L.Project, L.SubqueryAlias, L.Sort, L.Filter)):
        root = root.child
    return (isinstance(root, L.Aggregate) and not root.grouping) or (isinstance(root, L.Limit) and root.n <= 1)


def _grouped_by_correlation(plan: L.LogicalPlan) -> bool:
    root = _through_wrappers(plan)
    return isinstance(root, L.Aggregate) and not root.grouping


def _value_on_no_rows(plan: L.LogicalPlan):
    """The subquery's value when no row matches (``count`` → 0), or None when it is NULL."""
    substitutions: dict[int, E.Expression] = {}
    chain: list[L.LogicalPlan] = []
    node = plan
    while not isinstance(node, L.Aggregate):
        chain.append(node)
        node = node.child

    def on_empty(e: E.Expression) -> E.Expression:
        if isinstance(e, E.AggregateFunction):
            return E.Literal(0 if isinstance(e, (E.Count, E.CountDistinct)) else None, e.data_type)
        if isinstance(e, E.AttributeReference):
            return substitutions.get(e.expr_id, E.Literal(None, e.data_type))
        return e

    for item in node.aggregates:
        substitutions[item.expr_id] = (item.child if isinstance(item, E.Alias) else item).transform_up(on_empty)
    for wrapper in reversed(chain):
        if isinstance(wrapper, L.Project):
            substitutions.update({item.expr_id: (item.child if isinstance(item, E.Alias) else item)
                                  .transform_up(on_empty) for item in wrapper.project_list})
    result = substitutions[plan.output[0].expr_id]
    value = result.eval(pa.RecordBatch.from_pydict({"_": [None]}))
    scalar = value if isinstance(value, pa.Scalar) else value[0]
    return scalar.as_py()


# ---------------------------------------------------------------------------- decorrelation
def _outer_references(e: E.Expression) -> bool:
    return any(isinstance(n, E.OuterReference) for n in e.walk())


def _is_correlated(plan: L.LogicalPlan) -> bool:
    return any(_outer_references(e) for node in plan.walk() for e in node.expressions)


def _strip_outer(e: E.Expression) -> E.Expression:
    return e.transform_up(lambda n: n.attr if isinstance(n, E.OuterReference) else n)


def decorrelate(plan: L.LogicalPlan) -> tuple[L.LogicalPlan, list[E.Expression]]:
    """The subquery without its correlated predicates, and those predicates (outer columns
    still marked ``OuterReference``; ``join_condition`` makes them join conditions)."""
    return _pull_up(rewrite_subqueries(plan))


def join_condition(predicates: list[E.Expression]) -> E.Expression | None:
    return E.conjoin([_strip_outer(p) for p in predicates])


def _pull_up(plan: L.LogicalPlan) -> tuple[L.LogicalPlan, list[E.Expression]]:
    if not _is_correlated(plan):
        return plan, []
    if isinstance(plan, L.Filter):
        child, predicates = _pull_up(plan.child)
        local = [c for c in E.split_conjuncts(plan.condition) if not _outer_references(c)]
        correlated = [c for c in E.split_conjuncts(plan.condition) if _outer_references(c)]
        return (L.Filter(E.conjoin(local), child) if local else child), predicates + correlated
    if isinstance(plan, (L.SubqueryAlias, L.Sort, L.Distinct)):
        _refuse_outer_in(plan)
        child, predicates = _pull_up(plan.child)
        return (child if isinstance(plan, L.Sort) else plan.with_new_children([child])), predicates
    if isinstance(plan, L.Project):
        _refuse_outer_in(plan)
        child, predicates = _pull_up(plan.child)
        have = plan.output_set
        needed = [a for a in child.output if a.expr_id not in have
                  and any(a.expr_id in p.references() for p in predicates)]
        return L.Project(plan.project_list + tuple(needed), child), predicates
    if isinstance(plan, L.Aggregate):
        _refuse_outer_in(plan)
        child, predicates = _pull_up(plan.child)
        inner_keys, outer_keys = _equality_keys(predicates, child, "an aggregate subquery")
        keys = [E.Alias.make(k, E.output_name(k)) for k in inner_keys]
        rewritten = [E.EqualTo(k.to_attribute(), o) for k, o in zip(keys, outer_keys)]
        return L.Aggregate(plan.grouping + tuple(inner_keys), plan.aggregates + tuple(keys), child), rewritten
    raise _unsupported(f"Correlated column references are supported in the WHERE clause of a subquery "
                       f"(through projections and aggregates), not under {plan.node_string()}.")


def _refuse_outer_in(node: L.LogicalPlan) -> None:
    for e in node.expressions:
        if _outer_references(e):
            raise _unsupported(f"A correlated column reference in {e.sql()} of a subquery's "
                               f"{type(node).__name__} is not supported; correlate in its WHERE clause.")


def _equality_keys(predicates: list[E.Expression], inner: L.LogicalPlan,
                   where: str) -> tuple[list[E.Expression], list[E.Expression]]:
    """Split ``inner_expr = outer_expr`` predicates into their two sides."""
    inner_ids = inner.output_set
    inner_keys, outer_keys = [], []
    for p in predicates:
        if isinstance(p, E.EqualTo):
            for a, b in ((p.left, p.right), (p.right, p.left)):
                if not _outer_references(a) and a.references() <= inner_ids and a.references() \
                        and _only_outer(b):
                    inner_keys.append(a), outer_keys.append(b)
                    break
            else:
                raise _correlated_predicate(p, where)
        else:
            raise _correlated_predicate(p, where)
    return inner_keys, outer_keys


def _only_outer(e: E.Expression) -> bool:
    return _outer_references(e) and not any(
        isinstance(n, E.AttributeReference) for n in _without_outer(e).walk())


def _without_outer(e: E.Expression) -> E.Expression:
    return e.transform_up(lambda n: E.Literal(None, n.data_type) if isinstance(n, E.OuterReference) else n)


def _correlated_predicate(p: E.Expression, where: str) -> AnalysisException:
    return AnalysisException(
        "UNSUPPORTED_SUBQUERY_EXPRESSION_CATEGORY.CORRELATED_COLUMN_IS_NOT_ALLOWED_IN_PREDICATE",
        f"Correlated column is not allowed in predicate: {_strip_outer(p).sql()} (in {where}, a correlated "
        "predicate must be an equality between an inner and an outer expression).", "0A000")

