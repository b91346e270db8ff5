"""Filters pushed into file scans: Ember expressions → ``pyarrow.dataset`` expressions.

Only comparisons of a scan column with a literal (and ``IS [NOT] NULL``, ``IN``, ``AND``, ``OR``,
``NOT`` over those) convert; a conjunct that does not convert is simply not pushed. The scan
uses the converted filter to skip row groups whose statistics exclude every row and partition
directories whose values do; the ``Filter`` above the scan still checks each row, so pushing
is always safe. ``describe`` renders pushed filters as Spark's explain does (``EqualTo(k,1)``).
"""

from __future__ import annotations

from typing import Any, Callable

import pyarrow as pa
import pyarrow.dataset as ds

from ember.sql import expressions as E
from ember.sql.arrow_types import to_arrow_type

__all__ = ["to_arrow_filter", "pushable", "describe"]

_COMPARISONS: dict[type, Callable[[Any, Any], Any]] = {
    E.EqualTo: lambda a, b: a == b,
    E.LessThan: lambda a, b: a < b,
    E.LessThanOrEqual: lambda a, b: a <= b,
    E.GreaterThan: lambda a, b: a > b,
    E.GreaterThanOrEqual: lambda a, b: a >= b,
}
_MIRRORED = {E.LessThan: E.GreaterThan, E.GreaterThan: E.LessThan,
             E.LessThanOrEqual: E.GreaterThanOrEqual, E.GreaterThanOrEqual: E.LessThanOrEqual, E.EqualTo: E.EqualTo}


def _scalar(lit: E.Literal) -> Any:
    return pa.scalar(lit.value, type=to_arrow_type(lit.data_type))


def _column_literal(e: Any) -> tuple[type, E.AttributeReference, E.Literal] | None:
    """``(comparison class, column, literal)`` with the column on the left, if ``e`` is one."""
    kind = type(e)
    if kind not in _COMPARISONS:
        return None
    if isinstance(e.left, E.AttributeReference) and isinstance(e.right, E.Literal) and e.right.value is not None:
        return kind, e.left, e.right
    if isinstance(e.right, E.AttributeReference) and isinstance(e.left, E.Literal) and e.left.value is not None:
        return _MIRRORED[kind], e.right, e.left
    return None


def to_arrow_filter(e: E.Expression | None) -> Any | None:
    """The exact Arrow equivalent of ``e``, or ``None`` if any part of it has none (or no ``e``)."""
    if e is None:
        return None
    simple = _column_literal(e)
    if simple is not None:
        kind, column, literal = simple
        return _COMPARISONS[kind](ds.field(column.name), _scalar(literal))
    if isinstance(e, (E.IsNull, E.IsNotNull)) and isinstance(e.child, E.AttributeReference):
        test = ds.field(e.child.name).is_null()
        return test if isinstance(e, E.IsNull) else ~test
    if isinstance(e, E.In) and isinstance(e.value, E.AttributeReference) and all(
            isinstance(i, E.Literal) and i.value is not None for i in e.items):
        values = pa.array([i.value for i in e.items], type=to_arrow_type(e.value.data_type))
        return ds.field(e.value.name).isin(values)
    if isinstance(e, (E.And, E.Or)):
        left, right = to_arrow_filter(e.left), to_arrow_filter(e.right)
        if left is None or right is None:
            return None
        return (left & right) if isinstance(e, E.And) else (left | right)
    if isinstance(e, E.Not):
        inner = to_arrow_filter(e.child)
        return None if inner is None else ~inner
    return None


def pushable(e: E.Expression) -> bool:
    try:
        return e.deterministic and to_arrow_filter(e) is not None
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError):
        return False


def describe(e: E.Expression) -> str:
    """Spark's data-source filter text: ``GreaterThan(d,0.0)``, ``IsNotNull(k)``, ``In(k, [1,2])``."""
    simple = _column_literal(e)
    if simple is not None:
        kind, column, literal = simple
        return f"{kind.__name__}({column.name},{literal.value})"
    if isinstance(e, (E.IsNull, E.IsNotNull)):
        return f"{type(e).__name__}({e.child.name})"
    if isinstance(e, E.In):
        return f"In({e.value.name}, [{','.join(str(i.value) for i in e.items)}])"
    if isinstance(e, (E.And, E.Or)):
        return f"{type(e).__name__}({describe(e.left)},{describe(e.right)})"
    if isinstance(e, E.Not):
        return f"Not({describe(e.child)})"
    return e.sql()
