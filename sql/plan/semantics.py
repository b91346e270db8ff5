"""Whether two plans compute the same result: ``sameSemantics`` and ``semanticHash``.

Spark compares *canonicalized* plans, in which the ids of attributes are renumbered by first
appearance, so two DataFrames built by the same steps over the same source compare equal
though each got fresh ids. Here the canonical form is the plan's ``repr`` with ids renumbered
the same way, plus the identity of each data source (two ``createDataFrame`` calls with the
same schema are different data; Spark's ``LogicalRDD``s differ by RDD too).
"""

from __future__ import annotations

import re
import zlib

from ember.sql.plan import logical as L

__all__ = ["canonical_form", "semantic_hash"]

_EXPR_ID = re.compile(r"expr_id=(-?\d+)")


def _sources(plan: L.LogicalPlan) -> list[object]:
    out: list[object] = []
    for node in plan.walk():
        if isinstance(node, L.LocalRelation):
            out.append(("local", id(node.data)))
        elif isinstance(node, L.FileScan):
            out.append(("files", node.source.format, node.source.paths))
        elif isinstance(node, L.InMemoryRelation):
            out.append(("cached", canonical_form(node.plan)))
    return out


def canonical_form(plan: L.LogicalPlan) -> str:
    """The plan's text with attribute ids renumbered by first appearance, and its sources."""
    numbers: dict[str, int] = {}

    def renumber(match: re.Match) -> str:
        return f"expr_id={numbers.setdefault(match.group(1), len(numbers))}"

    return _EXPR_ID.sub(renumber, repr(plan)) + repr(_sources(plan))


def semantic_hash(plan: L.LogicalPlan) -> int:
    """A 32-bit signed hash of the canonical form (Spark's ``semanticHash`` is a Java int)."""
    value = zlib.crc32(canonical_form(plan).encode())
    return value - (1 << 32) if value >= 1 << 31 else value
