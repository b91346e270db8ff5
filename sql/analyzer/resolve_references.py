"""Resolve column names against the child plans' output, expand ``*``, coerce and name.

Runs on a node once all its children are resolved: each ``UnresolvedAttribute`` becomes the
child's ``AttributeReference`` (case-insensitively, as Spark's default), ``a.b`` becomes a
qualified column or a struct field, each resolved expression node applies its implicit casts
(``coerce``) bottom-up, and select-list items without a name get Spark's generated one.
"""

from __future__ import annotations

import dataclasses
import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.analyzer.suggestions import unresolved_column
from ember.sql.errors import AnalysisException
from ember.sql.expressions.lazy_outer import has_lazy_outer, resolve_lazy_outer
from ember.sql.plan import logical as L

__all__ = ["resolve_expression", "resolve_node", "coerce", "outer_scope"]

# The columns of the queries enclosing the subquery being analysed, innermost last.
_OUTER_SCOPES: ContextVar[tuple[list[E.AttributeReference], ...]] = ContextVar("outer_scopes", default=())


@contextmanager
def outer_scope(attrs: list[E.AttributeReference]) -> Iterator[None]:
    """Within the block, a name that no child outputs may name one of ``attrs`` (a correlated
    reference of a subquery to its enclosing query's columns)."""
    token = _OUTER_SCOPES.set(_OUTER_SCOPES.get() + (list(attrs),))
    try:
        yield
    finally:
        _OUTER_SCOPES.reset(token)


def _lookup_outer(name: str, attrs: list[E.AttributeReference], plan: L.LogicalPlan) -> E.Expression:
    """``name`` in the node's own columns, else in the enclosing queries', innermost first."""
    try:
        return _lookup(name, attrs, plan)
    except AnalysisException as local_error:
        if not local_error.error_class or not local_error.error_class.startswith("UNRESOLVED_COLUMN"):
            raise
        for scope in reversed(_OUTER_SCOPES.get()):
            try:
                found = _lookup(name, scope, plan)
            except AnalysisException:
                continue
            return found.transform_up(
                lambda e: E.OuterReference(e) if isinstance(e, E.AttributeReference) else e)
        raise local_error from None


def _lookup(name: str, attrs: list[E.AttributeReference], plan: L.LogicalPlan) -> E.Expression:
    parts = E.UnresolvedAttribute(name).name_parts
    for n_qualifier in (1, 0):  # "t.c" is table t's column c before column t's field c, as in Spark
        if len(parts) <= n_qualifier:
            continue
        qualifier = [p.lower() for p in parts[:n_qualifier]]
        column = parts[n_qualifier].lower()
        matches = [a for a in attrs if a.name.lower() == column
                   and [q.lower() for q in a.qualifier[-n_qualifier:]][:n_qualifier] == qualifier]
        if len({m.expr_id for m in matches}) > 1:
            raise AnalysisException(
                "AMBIGUOUS_REFERENCE",
                f"Reference `{name}` is ambiguous, could be: [{', '.join(f'`{m.name}`' for m in matches)}].",
                "42704",
            )
        if matches:
            result: E.Expression = matches[0]
            for field in parts[n_qualifier + 1:]:
                result = E.GetItem(result, field).coerce()
            return result
    raise unresolved_column(name, [a.name for a in attrs], plan.tree_string())


def coerce(expr: E.Expression) -> E.Expression:
    """Apply every node's implicit casts, bottom-up (a higher-order function also binds its lambdas)."""
    return expr.transform_up(lambda e: e.coerce() if e.children and (e.resolved or E.binds_lambdas(e)) else e)


def resolve_expression(expr: E.Expression, attrs: list[E.AttributeReference], plan: L.LogicalPlan) -> E.Expression:
    def resolve(e: E.Expression) -> E.Expression:
        if isinstance(e, E.UnresolvedAttribute):
            return _lookup_outer(e.name, attrs, plan)
        if isinstance(e, E.UnresolvedRegex):
            return _one_match(e, attrs, plan)
        if isinstance(e, E.SubqueryExpression) and has_lazy_outer(e.plan):
            # A DataFrame's scalar()/exists() naming this query's columns with Column.outer().
            return e.with_plan(resolve_lazy_outer(e.plan, attrs, plan))
        return e

    expr = expr.transform_up(lambda e: _expand_star_arguments(e, attrs))

    return coerce(expr.transform_up(resolve))


def _regex_matches(item: E.UnresolvedRegex, attrs: list[E.AttributeReference]) -> list[E.AttributeReference]:
    pattern = re.compile(item.pattern, re.IGNORECASE)
    return [a for a in attrs if pattern.fullmatch(a.name)]


def _one_match(item: E.UnresolvedRegex, attrs: list[E.AttributeReference], plan: L.LogicalPlan) -> E.Expression:
    """A ``colRegex`` outside a select list stands for one column: it must match exactly one."""
    matches = _regex_matches(item, attrs)
    if len(matches) != 1:
        raise AnalysisException(
            "INVALID_USAGE_OF_STAR_OR_REGEX",
            f"Invalid usage of regular expression `{item.pattern}` in {type(plan).__name__.lower()}: it matches "
            f"{len(matches)} columns where one column is expected.", "42000")
    return matches[0]


def _expand(items: tuple[E.Expression, ...], attrs: list[E.AttributeReference]) -> list[E.Expression]:
    out: list[E.Expression] = []
    for item in items:
        if isinstance(item, E.UnresolvedStar):
            chosen = [a for a in attrs if item.target is None
                      or (a.qualifier and a.qualifier[-1].lower() == item.target.lower())]
            if not chosen and item.target is not None:
                chosen = _struct_fields(item.target, attrs)
            if not chosen and item.target is not None:
                raise AnalysisException(
                    "CANNOT_RESOLVE_STAR_EXPAND",
                    f"Cannot resolve `{item.target}`.* given input columns {', '.join(a.name for a in attrs)}.",
                )
            out.extend(chosen)
        elif isinstance(item, E.UnresolvedRegex):
            out.extend(_regex_matches(item, attrs))
        else:
            out.append(item)
    return out


def _struct_fields(target: str, attrs: list[E.AttributeReference]) -> list[E.Expression]:
    """``s.*`` where ``s`` is a struct column: its fields, each named as the field."""
    structs = [a for a in attrs if a.name.lower() == target.lower() and isinstance(a.data_type, T.StructType)]
    if len(structs) != 1:
        return []
    return [E.Alias.make(E.GetItem(structs[0], f.name).coerce(), f.name) for f in structs[0].data_type.fields]


def _expand_star_arguments(e: E.Expression, attrs: list[E.AttributeReference]) -> E.Expression:
    """``f(*)``, ``f(a, t.*)``: as in Spark, a star among a function's arguments stands for the
    columns (``hash(*)`` is ``hash(x, y)``)."""
    if isinstance(e, E.CreateStruct) and any(isinstance(item, E.UnresolvedStar) for item in e.items):
        names: list[str] = []
        items: list[E.Expression] = []
        for name, item in zip(e.names, e.items):
            star = isinstance(item, E.UnresolvedStar)
            expanded = _expand((item,), attrs) if star else [item]
            names += [x.name for x in expanded] if star else [name]  # type: ignore[attr-defined]
            items += expanded
        return dataclasses.replace(e, names=tuple(names), items=tuple(items))
    changes = {name: tuple(_expand(value, attrs)) for name in e.child_fields
               if isinstance(value := getattr(e, name), tuple)
               and any(isinstance(item, E.UnresolvedStar) for item in value)}
    return dataclasses.replace(e, **changes) if changes else e


def _named(e: E.Expression, item: E.Expression | None = None) -> E.Expression:
    """A select-list item with its output name; ``col("s.a")``, a struct's field, is named ``a``, as in Spark."""
    if isinstance(e, (E.Alias, E.AttributeReference)):
        return e
    if isinstance(item, E.UnresolvedAttribute):
        return E.Alias.make(e, item.name_parts[-1])
    return E.Alias.make(e, E.output_name(e))


def _resolve_items(items: tuple[E.Expression, ...], attrs: list[E.AttributeReference],
                   node: L.LogicalPlan) -> tuple[E.Expression, ...]:
    return tuple(_named(resolve_expression(e, attrs, node), e) for e in _expand(items, attrs))


def _has_aggregate(e: E.Expression) -> bool:
    return E.has_aggregate_outside_windows(e)


def resolve_node(node: L.LogicalPlan) -> L.LogicalPlan:
    """Resolve one node whose children are resolved."""
    if isinstance(node, L.Project):
        attrs = node.child.output
        items = _resolve_items(node.project_list, attrs, node)
        if any(_has_aggregate(e) for e in items):
            return L.Aggregate((), items, node.child)
        return L.Project(items, node.child)
    if isinstance(node, L.Aggregate):
        attrs = node.child.output
        grouping = tuple(resolve_expression(e, attrs, node) for e in _expand(node.grouping, attrs))
        items = _resolve_items(node.aggregates, attrs, node)
        return L.Aggregate(grouping, items, node.child)
    attrs = [a for c in node.children for a in c.output]
    return node.map_expressions(lambda e: resolve_expression(e, attrs, node))
