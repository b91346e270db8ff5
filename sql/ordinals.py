"""Column ordinals in ``groupBy(1)`` and ``orderBy(2)`` / ``orderBy(-2)``, as PySpark 4 reads them.

An integer names the DataFrame's column at that 1-based position; in a sort a negative one
sorts that column descending. PySpark checks the integer before building anything, so the
errors here are its Python-side errors (``INDEX_NOT_POSITIVE``, ``ZERO_INDEX``, ``IndexError``).
"""

from __future__ import annotations

from typing import Any

from ember.sql.column import Column
from ember.sql.errors import EmberIndexError
from ember.sql.plan import logical as L

__all__ = ["grouping_ordinals", "sort_ordinals"]


def _column(plan: L.LogicalPlan, position: int) -> Column:
    output = plan.output
    if position > len(output):
        raise IndexError("list index out of range")
    return Column(output[position - 1])


def grouping_ordinals(plan: L.LogicalPlan, cols: list[Any]) -> list[Any]:
    """``cols`` with each integer replaced by the column at that 1-based position."""
    out = []
    for c in cols:
        if isinstance(c, int) and not isinstance(c, bool):
            if c < 1:
                raise EmberIndexError("INDEX_NOT_POSITIVE", f"Index must be positive, got '{c}'.")
            c = _column(plan, c)
        out.append(c)
    return out


def sort_ordinals(plan: L.LogicalPlan, cols: list[Any]) -> list[Any]:
    """``cols`` with each integer ``n`` replaced by column ``|n|``, descending when ``n < 0``."""
    out = []
    for c in cols:
        if isinstance(c, int) and not isinstance(c, bool):
            if c == 0:
                raise EmberIndexError("ZERO_INDEX", "Index must be non-zero.")
            column = _column(plan, abs(c))
            c = column if c > 0 else column.desc()  # a positive ordinal follows ``ascending``
        out.append(c)
    return out
