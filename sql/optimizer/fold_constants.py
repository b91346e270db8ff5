"""Evaluate expressions that do not depend on any row once, at planning time.

Before: ``Project[(d * cast(2 as double)) AS x]``; after: ``Project[(d * 2.0) AS x]``.
An expression whose evaluation fails (``1 / 0`` under ANSI) stays as it is: the error belongs
to run time, where it is raised only if some row reaches it (an empty table returns no rows).
"""

from __future__ import annotations

import pyarrow as pa

from ember.sql import expressions as E
from ember.sql.plan import logical as L

_ONE_ROW = pa.RecordBatch.from_pydict({"_": [None]})


def _fold(e: E.Expression) -> E.Expression:
    if isinstance(e, E.Literal) or not e.foldable or isinstance(e, E.Alias):
        return e
    try:
        value = e.eval(_ONE_ROW)
    except Exception:  # noqa: BLE001 - any failure is the query's, at run time, not the planner's
        return e
    scalar = value if isinstance(value, pa.Scalar) else value[0]
    python = scalar.as_py()
    return E.Literal(tuple(python) if isinstance(python, list) else python, e.data_type)


def fold_constants(plan: L.LogicalPlan) -> L.LogicalPlan:
    return plan.transform_up(lambda node: node.map_expressions(lambda e: e.transform_up(_fold)))
