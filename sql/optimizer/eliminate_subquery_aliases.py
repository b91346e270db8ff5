"""Drop ``SubqueryAlias`` nodes once analysis has resolved every name.

Before: ``Filter(b#1 = x) <- SubqueryAlias s <- Project [...] <- Filter(a#0 > 1)``;
after: ``Filter(b#1 = x) <- Project [...] <- Filter(a#0 > 1)``. An alias only makes its
child's columns reachable as ``s.col`` while names are resolved; after that every reference
is an expression id, so the alias changes nothing but stands between rules and the nodes
they rewrite (filters could not be combined or pushed into a scan through it). Spark removes
these aliases at the start of optimization for the same reason. A ``ResolvedHint`` that no
join consumed (``broadcast(df)`` used without a join) goes the same way.
"""

from __future__ import annotations

from ember.sql.plan import logical as L


def eliminate_subquery_aliases(plan: L.LogicalPlan) -> L.LogicalPlan:
    def rule(node: L.LogicalPlan) -> L.LogicalPlan:
        return node.child if isinstance(node, (L.SubqueryAlias, L.ResolvedHint)) else node

    return plan.transform_up(rule)
