"""Hand file scans the filters they can prune with, and read only the columns used.

Before: ``Project[a] <- Filter(b > 1) <- FileScan[a, b, c]``;
after: ``Project[a] <- Filter(b > 1) <- FileScan[a, b] pushed=[b > 1]``.
The filter stays above the scan: statistics and partition values only rule data out. A scan
keeps at least one data column, so row counts survive even when no column is read
(``count()``), and parse modes see whole records anyway (see ``io.modes``).
"""

from __future__ import annotations

import dataclasses

from ember.sql import expressions as E
from ember.sql.io.pushdown import pushable
from ember.sql.plan import logical as L


def _narrow(scan: L.FileScan, needed: set[int]) -> L.FileScan:
    kept = tuple(a for a in scan.attributes if a.expr_id in needed)
    partitions = scan.source.partition_names
    if not any(a.name.lower() not in partitions for a in kept):
        data = [a for a in scan.attributes if a.name.lower() not in partitions]
        if data:
            kept = tuple(a for a in scan.attributes if a.expr_id in needed or a is data[0])
    return scan if len(kept) == len(scan.attributes) else dataclasses.replace(scan, attributes=kept)


def _push(f: L.Filter, scan: L.FileScan) -> L.LogicalPlan:
    found = tuple(c for c in E.split_conjuncts(f.condition) if pushable(c))
    pushed = tuple(dict.fromkeys(scan.pushed_filters + found))
    if pushed == scan.pushed_filters:
        return f
    return L.Filter(f.condition, dataclasses.replace(scan, pushed_filters=pushed))


def _refs(exprs: list[E.Expression]) -> set[int]:
    return set().union(*[e.references() for e in exprs]) if exprs else set()


def push_down_into_scans(plan: L.LogicalPlan) -> L.LogicalPlan:
    def rule(node: L.LogicalPlan) -> L.LogicalPlan:
        if isinstance(node, L.Filter) and isinstance(node.child, L.FileScan):
            return _push(node, node.child)
        if isinstance(node, (L.Project, L.Aggregate)):
            child = node.child
            needed = _refs(node.expressions)
            if isinstance(child, L.FileScan):
                return node.with_new_children([_narrow(child, needed)])
            if isinstance(child, L.Filter) and isinstance(child.child, L.FileScan):
                scan = _narrow(child.child, needed | child.condition.references())
                return node.with_new_children([child.with_new_children([scan])])
        return node

    return plan.transform_down(rule)
