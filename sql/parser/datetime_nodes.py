"""Builders for the sqlglot nodes that hold Spark's date and time functions in another shape.

sqlglot turns ``date_trunc('hour', t)`` into ``TimestampTrunc`` with the unit as a keyword,
``trunc(d, 'month')`` into ``DateTrunc``, translates the Java patterns of ``unix_timestamp`` and
``from_unixtime`` into strftime ones, and wraps the time of ``from_utc_timestamp`` /
``to_utc_timestamp`` in a cast it adds itself, and holds ``to_date`` as ``TsOrDsToDate``. These builders undo that, so the functions get
Spark's arguments back (the unit's spelling is lost to sqlglot's upper-casing).
"""

from __future__ import annotations

from typing import Callable

from sqlglot import exp
from sqlglot.dialects.spark import Spark
from sqlglot.time import format_time

from ember.sql import expressions as E

__all__ = ["datetime_builders"]

Convert = Callable[[exp.Expression], E.Expression]


def _java_pattern(node: exp.Expression | None) -> E.Expression:
    dialect = Spark()
    text = "yyyy-MM-dd HH:mm:ss" if node is None else format_time(
        node.name, dialect.INVERSE_TIME_MAPPING, dialect.INVERSE_TIME_TRIE)
    return E.Literal.of(text)


def datetime_builders(convert: Convert) -> dict[type, Callable[[exp.Expression], E.Expression]]:
    def call(name: str, *args: E.Expression) -> E.Expression:
        return E.FunctionCall(name, tuple(args))

    def unwrap_cast(node: exp.Expression) -> E.Expression:
        if isinstance(node, exp.Cast) and node.to.is_type(exp.DataType.Type.TIMESTAMP):
            return convert(node.this)
        return convert(node)

    return {
        exp.TimestampTrunc: lambda n: call("date_trunc", E.Literal.of(n.args["unit"].name), convert(n.this)),
        exp.DateTrunc: lambda n: call("trunc", convert(n.this), E.Literal.of(n.args["unit"].name)),
        exp.TsOrDsToDate: lambda n: E.ToDate(convert(n.this), None if n.args.get("format") is None
                                             else _java_pattern(n.args["format"]).value),
        exp.StrToUnix: lambda n: call("unix_timestamp", convert(n.this), _java_pattern(n.args.get("format"))),
        exp.TimeToStr: lambda n: E.DateFormat(convert(n.this.this if isinstance(n.this, exp.TimeStrToTime) else n.this),
                                              _java_pattern(n.args.get("format")).value),
        exp.UnixToStr: lambda n: call("from_unixtime", convert(n.this), _java_pattern(n.args.get("format"))),
        exp.AtTimeZone: lambda n: call("from_utc_timestamp", unwrap_cast(n.this), convert(n.args["zone"])),
        exp.FromTimeZone: lambda n: call("to_utc_timestamp", unwrap_cast(n.this), convert(n.args["zone"])),
    }
