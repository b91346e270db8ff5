"""``analyze(plan)``: a parsed plan → a resolved, type-checked plan.

One bottom-up pass suffices because a node is handled only after its children are resolved:
joins are de-duplicated and ``USING`` is rewritten, names are resolved against the children's
output (with implicit casts and generated names), generators move out of select lists into
``Generate`` nodes and then window expressions into ``Window`` nodes (so windows see the
generated rows, as in Spark), unions are widened, and each node is checked.
DataFrames are analysed as they are built (as in Spark), so errors point at the line that
introduced them and every plan a DataFrame holds is already resolved.
"""

from __future__ import annotations

import dataclasses

from ember.sql import expressions as E
from ember.sql.analyzer.check_analysis import check_node
from ember.sql.analyzer.extract_generators import extract_generators
from ember.sql.analyzer.extract_time_windows import extract_time_windows
from ember.sql.analyzer.extract_windows import extract_windows
from ember.sql.analyzer.resolve_joins import dedup_right, resolve_using
from ember.sql.analyzer.resolve_references import resolve_node
from ember.sql.expressions.coercion import cast_if_needed, common_type
from ember.sql.expressions.sql_conf import session_time_zone
from ember.sql.errors import AnalysisException
from ember.sql.plan import logical as L

__all__ = ["analyze"]


def _widen_union(node: L.Union) -> L.Union:
    check_node(node)
    columns = list(zip(*[c.output for c in node.inputs]))
    targets = []
    for i, attrs in enumerate(columns):
        target = common_type([a.data_type for a in attrs])
        if target is None:
            raise AnalysisException(
                "INCOMPATIBLE_COLUMN_TYPE",
                f"UNION can only be performed on tables with compatible column types. Column {i + 1} has "
                f"types {', '.join(a.data_type.simpleString().upper() for a in attrs)}.",
            )
        targets.append(target)
    inputs = []
    for child in node.inputs:
        if all(a.data_type == t for a, t in zip(child.output, targets)):
            inputs.append(child)
        else:
            inputs.append(L.Project(tuple(
                a if a.data_type == t else E.Alias.make(cast_if_needed(a, t), a.name)
                for a, t in zip(child.output, targets)), child))
    return L.Union(tuple(inputs))


def _take_broadcast_hints(join: L.Join) -> L.Join:
    """A ``broadcast(df)`` side of a join becomes the join's ``broadcast_hint`` (the right side wins)."""
    hints = [side for side, child in (("left", join.left), ("right", join.right)) if isinstance(child, L.ResolvedHint)]
    if not hints:
        return join
    strip = [c.child if isinstance(c, L.ResolvedHint) else c for c in (join.left, join.right)]
    return dataclasses.replace(join, left=strip[0], right=strip[1], broadcast_hint=hints[-1])


def _analyze_node(node: L.LogicalPlan) -> L.LogicalPlan:
    # Every step is idempotent, so re-analysing an already analysed subtree changes nothing.
    if isinstance(node, L.Join):
        node = dedup_right(_take_broadcast_hints(node))
        if node.using is not None:
            return resolve_using(node)
    if isinstance(node, L.Union):
        return _widen_union(node)
    node = extract_windows(extract_generators(extract_time_windows(resolve_node(node))))
    check_node(node)
    return node


def analyze(plan: L.LogicalPlan) -> L.LogicalPlan:
    """Resolve every node bottom-up; raises ``AnalysisException`` for what cannot be resolved
    (including a session time zone other than UTC, which Ember cannot compute in)."""
    session_time_zone()
    return plan.transform_up(_analyze_node)
