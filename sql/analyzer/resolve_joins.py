"""Joins: rename a self-joined right side apart, and rewrite ``USING`` columns into a condition."""

from __future__ import annotations

from ember.sql import expressions as E
from ember.sql.errors import AnalysisException
from ember.sql.plan import logical as L

__all__ = ["dedup_right", "resolve_using"]


def dedup_right(join: L.Join) -> L.Join:
    """Give the right side fresh attribute ids when it shares any with the left (a self-join).

    The renamed columns keep the right side's alias when all of them have the same one, so
    ``df.alias("a").join(df.alias("b"), col("a.x") == col("b.x"))`` still finds ``b.x``.
    """
    if not (join.left.output_set & join.right.output_set):
        return join
    fresh: L.LogicalPlan = L.Project(tuple(E.Alias.make(a, a.name) for a in join.right.output), join.right)
    qualifiers = {a.qualifier[-1:] for a in join.right.output}
    if len(qualifiers) == 1 and (qualifier := qualifiers.pop()):
        fresh = L.SubqueryAlias(qualifier[0], fresh)
    return L.Join(join.left, fresh, join.join_type, join.condition, join.using, join.broadcast_hint)


def _find(name: str, plan: L.LogicalPlan, side: str) -> E.AttributeReference:
    matches = [a for a in plan.output if a.name.lower() == name.lower()]
    if not matches:
        raise AnalysisException(
            "UNRESOLVED_USING_COLUMN_FOR_JOIN",
            f"USING column `{name}` cannot be resolved on the {side} side of the join. The {side}-side "
            f"columns: [{', '.join(f'`{a.name}`' for a in plan.output)}].",
        )
    return matches[0]


def resolve_using(join: L.Join) -> L.LogicalPlan:
    """``a JOIN b USING (k)`` as ``Project[k, a.rest, b.rest](a JOIN b ON a.k = b.k)``."""
    names = join.using or ()
    pairs = [(_find(n, join.left, "left"), _find(n, join.right, "right")) for n in names]
    conditions: list[E.Expression] = []
    for la, ra in pairs:
        from ember.sql.analyzer.resolve_references import coerce

        conditions.append(coerce(E.EqualTo(la, ra)))
    condition = E.conjoin(conditions)
    if join.condition is not None:
        condition = E.And(join.condition, condition) if condition is not None else join.condition
    resolved = L.Join(join.left, join.right, join.join_type, condition, None, join.broadcast_hint)
    if join.join_type in ("left_semi", "left_anti"):
        return resolved
    keys: list[E.Expression] = []
    for la, ra in pairs:
        if join.join_type == "full":
            keys.append(E.Alias.make(E.Coalesce((la, ra)).coerce(), la.name))
        else:
            keys.append(ra if join.join_type == "right" else la)
    left_ids = {la.expr_id for la, _ in pairs}
    right_ids = {ra.expr_id for _, ra in pairs}
    out = resolved.output
    rest = [a for a in out if a.expr_id not in left_ids and a.expr_id not in right_ids]
    # Outer joins make the kept key nullable: take the attribute as the join outputs it.
    by_id = {a.expr_id: a for a in out}
    keys = [by_id.get(k.expr_id, k) if isinstance(k, E.AttributeReference) else k for k in keys]
    return L.Project(tuple(keys) + tuple(rest), resolved)
