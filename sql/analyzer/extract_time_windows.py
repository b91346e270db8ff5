"""Move ``window(time, ...)`` out of a select list or grouping into a ``Generate`` below it.

Before: ``Aggregate[window(t, 1 hour)], [window(t, 1 hour) AS window, count(1)] <- r``;
after: ``Aggregate[window], [window AS window, count(1)] <- Generate(window(t, 1 hour), [window]) <- r``.
Every occurrence of the same window expression reads the one generated column, so a query can
group by a window and select it. Spark allows one distinct window per operator.
"""

from __future__ import annotations

from ember.sql import expressions as E
from ember.sql.errors import AnalysisException
from ember.sql.plan import logical as L

__all__ = ["extract_time_windows"]


def extract_time_windows(node: L.LogicalPlan) -> L.LogicalPlan:
    if not isinstance(node, (L.Project, L.Aggregate, L.Filter)):
        return node
    windows = {n for e in node.expressions for n in e.walk() if isinstance(n, E.TimeWindow)}
    if not windows:
        return node
    if len(windows) > 1:
        raise AnalysisException("UNSUPPORTED_FEATURE.MULTIPLE_TIME_WINDOWS",
                                "Multiple time/session window expressions would result in a cartesian product of "
                                "rows, therefore they are currently not supported.", "0A000")
    window = windows.pop()
    (name, dt, nullable), = window.element_fields()
    attr = E.AttributeReference(name, dt, nullable, E.new_expr_id())
    generate = L.Generate(window, False, (attr,), node.child)  # type: ignore[attr-defined]
    replaced = node.map_expressions(lambda e: e.transform_up(lambda n: attr if n == window else n))
    return replaced.with_new_children([generate])
