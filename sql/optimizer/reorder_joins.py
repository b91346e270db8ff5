"""Order a tree of inner joins so that each join has a condition, and give it its conditions.

``FROM a, b, c WHERE a.x = c.x AND c.y = b.y`` parses as ``(a × b) × c`` under a filter:
run as written, the first join is a cross product. As Spark's ``ReorderJoin`` does, the tree
of inner and cross joins (with the filters directly above its joins) is flattened into its
relations and conjuncts, then rebuilt left-deep: start from the first relation in FROM order
and repeatedly join the first remaining relation that some conjunct connects to what is
joined so far (a cross product only when none is), with every conjunct that spans the two.
A conjunct over one relation becomes a filter on it; the rest (none left, or
nondeterministic) stays on top. No statistics are needed, and the FROM order a user wrote
is kept wherever it already avoids cross products.

Before: ``Filter(a.x = c.x AND c.y = b.y AND b.z > 0) <- Join(Join(a, b), c)``
After:  ``Join(Join(a, c, a.x = c.x), Filter(b.z > 0) <- b, c.y = b.y)``
"""

from __future__ import annotations

from ember.sql import expressions as E
from ember.sql.plan import logical as L

__all__ = ["reorder_joins"]


def reorder_joins(plan: L.LogicalPlan) -> L.LogicalPlan:
    if _is_inner_join(plan) or (isinstance(plan, L.Filter) and _is_inner_join(plan.child)):
        relations: list[L.LogicalPlan] = []
        conjuncts: list[E.Expression] = []
        _flatten(plan, relations, conjuncts)
        rebuilt = _rebuild([reorder_joins(r) for r in relations], conjuncts)
        if [a.expr_id for a in rebuilt.output] != [a.expr_id for a in plan.output]:
            rebuilt = L.Project(tuple(plan.output), rebuilt)  # the columns in their original order
        return rebuilt
    if not plan.children:
        return plan
    children = [reorder_joins(c) for c in plan.children]
    if all(a is b for a, b in zip(children, plan.children)):
        return plan
    return plan.with_new_children(children)


def _is_inner_join(plan: L.LogicalPlan) -> bool:
    return isinstance(plan, L.Join) and plan.join_type in ("inner", "cross") and plan.broadcast_hint is None


def _flatten(plan: L.LogicalPlan, relations: list[L.LogicalPlan], conjuncts: list[E.Expression]) -> None:
    if isinstance(plan, L.Filter) and _is_inner_join(plan.child):
        conjuncts.extend(E.split_conjuncts(plan.condition))
        _flatten(plan.child, relations, conjuncts)
    elif _is_inner_join(plan):
        _flatten(plan.left, relations, conjuncts)
        _flatten(plan.right, relations, conjuncts)
        if plan.condition is not None:
            conjuncts.extend(E.split_conjuncts(plan.condition))
    else:
        relations.append(plan)


def _rebuild(relations: list[L.LogicalPlan], conjuncts: list[E.Expression]) -> L.LogicalPlan:
    pending = [c for c in conjuncts if c.deterministic and c.references()]
    on_top = [c for c in conjuncts if not (c.deterministic and c.references())]
    filtered = []
    for relation in relations:
        ids = relation.output_set
        own = [c for c in pending if c.references() <= ids]
        pending = [c for c in pending if c not in own]
        filtered.append(L.Filter(E.conjoin(own), relation) if own else relation)

    joined, rest = filtered[0], filtered[1:]
    while rest:
        done = joined.output_set

        def spanning(relation: L.LogicalPlan) -> list[E.Expression]:
            both = done | relation.output_set
            return [c for c in pending if c.references() <= both and c.references() & done
                    and c.references() & relation.output_set]

        nxt = next((r for r in rest if spanning(r)), rest[0])
        conditions = spanning(nxt)
        pending = [c for c in pending if c not in conditions]
        rest = [r for r in rest if r is not nxt]
        joined = L.Join(joined, nxt, "inner" if conditions else "cross", E.conjoin(conditions))
    remaining = pending + on_top
    return L.Filter(E.conjoin(remaining), joined) if remaining else joined
