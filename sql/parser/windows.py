"""SQL windows → ``WindowExpression``: ``f(...) [IGNORE NULLS] OVER (PARTITION BY ... ORDER BY ... frame)``.

``IGNORE NULLS`` is converted wherever it appears (``first(x, true)`` in a GROUP BY query too).

Named windows (``WINDOW w AS (...)``) are inlined into the ``OVER`` clauses that name them
before conversion, as Spark's ``WindowsSubstitution`` does: ``OVER w`` takes w's definition and
``OVER (w ORDER BY v)`` adds to it.
"""

from __future__ import annotations

import dataclasses
import decimal

from sqlglot import exp

from ember.sql import expressions as E
from ember.sql.errors import AnalysisException, ParseException
from ember.sql.expressions.windows import UNBOUNDED_FOLLOWING, UNBOUNDED_PRECEDING, WindowFrame
from ember.sql.parser.expressions import convert

__all__ = ["window_expression", "inline_named_windows", "ignore_nulls"]

_SPEC_PARTS = ("partition_by", "order", "spec")


def inline_named_windows(select: exp.Select) -> None:
    """Replace each ``OVER name`` in ``select`` by the definition in its WINDOW clause (in place)."""
    named = {w.name.lower(): w for w in select.args.get("windows") or []}
    for window in list(select.find_all(exp.Window)):
        name = window.args.get("alias")
        if name is None or window.find_ancestor(exp.Select) is not select:
            continue  # a definition, an inline OVER (...), or a window of a subquery (inlined with it)
        definition = named.get(name.name.lower())
        if definition is None:
            raise AnalysisException(
                "MISSING_WINDOW_SPECIFICATION",
                f"Window specification is not defined in the WINDOW clause for {name.name}. For more information "
                "about WINDOW clauses, please refer to "
                "'https://spark.apache.org/docs/latest/sql-ref-syntax-qry-select-window.html'.", "42P20")
        for part in _SPEC_PARTS:
            if not window.args.get(part) and definition.args.get(part):
                window.set(part, definition.args[part].copy())
        window.set("alias", None)


def ignore_nulls(node: exp.IgnoreNulls) -> E.Expression:
    """``f(x) IGNORE NULLS`` (also Spark's ``first(x, true)``): the function skipping NULL inputs."""
    fn = convert(node.this)
    if isinstance(fn, (E.Lead, E.NthValue)):
        return dataclasses.replace(fn, ignore_nulls=True)
    if isinstance(fn, E.First):  # Spark names first_value(x) IGNORE NULLS as first(x)
        return (E.Last if isinstance(fn, E.Last) else E.First)(fn.child, True)
    raise ParseException("UNSUPPORTED_FEATURE", f"IGNORE NULLS is not supported for {node.sql(dialect='spark')!r}.")


def _bound(value: object, side: str | None) -> tuple[float | int, bool]:
    """A frame bound as (offset, written as PRECEDING)."""
    if isinstance(value, str):
        if value.upper() == "UNBOUNDED":
            return (UNBOUNDED_PRECEDING if (side or "").upper() == "PRECEDING" else UNBOUNDED_FOLLOWING), False
        return 0, False  # CURRENT ROW
    literal = convert(value)
    if not isinstance(literal, E.Literal) or not isinstance(literal.value, (int, float, decimal.Decimal)):
        raise ParseException("UNSUPPORTED_FEATURE", f"Unsupported window frame bound {value.sql(dialect='spark')!r}.")
    preceding = (side or "").upper() == "PRECEDING"
    offset = float(literal.value) if isinstance(literal.value, decimal.Decimal) else literal.value  # 1.5 is a decimal
    return (-offset if preceding else offset), preceding


def _frame(spec: exp.WindowSpec | None) -> WindowFrame | None:
    if spec is None:
        return None
    kind = spec.args["kind"].lower()
    lower, lower_preceding = _bound(spec.args.get("start"), spec.args.get("start_side"))
    end = spec.args.get("end")
    upper, upper_preceding = _bound(end, spec.args.get("end_side")) if end is not None else (0, False)
    return WindowFrame(kind, lower, upper, (lower_preceding, upper_preceding))


def window_expression(node: exp.Window) -> E.Expression:
    if node.args.get("alias") is not None:
        raise AnalysisException("MISSING_WINDOW_SPECIFICATION", f"Window specification is not defined in the "
                                f"WINDOW clause for {node.args['alias'].name}.", "42P20")
    fn = convert(node.this)
    partition = tuple(convert(p) for p in node.args.get("partition_by") or [])
    order = node.args.get("order")
    orders = tuple(E.SortOrder(convert(o.this), not o.args.get("desc"), o.args.get("nulls_first"))
                   for o in (order.expressions if order is not None else []))
    return E.WindowExpression(fn, E.WindowSpecDefinition(partition, orders, _frame(node.args.get("spec"))))
