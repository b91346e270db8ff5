"""Text rendering with PySpark's exact layout: ``show()`` tables, ``printSchema()`` trees and
Spark's spelling of values (``NULL``, ``1.0E20``, ``[1, 2]``, ``{k -> 1}``, ``{1, z}``)."""

from __future__ import annotations

import datetime
import decimal
import html
import math
from typing import Any

from ember.sql import types as T

__all__ = ["format_double", "format_value", "show_string", "html_table", "schema_tree_string"]

_MIN_COL_WIDTH = 3


def format_double(value: float, single: bool = False) -> str:
    """Java's ``Double.toString``: plain for 1e-3 <= |x| < 1e7, else ``d.dddE±n``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1, value) < 0 else "0.0"
    text = repr(value)
    if single:
        import numpy as np

        text = np.format_float_positional(np.float32(value), unique=True, trim="-")
    digits, exponent = _shortest_digits(text)
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        point = exponent + 1
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        whole, frac = digits[:point].ljust(point, "0"), digits[point:]
        return f"{sign}{whole}.{frac or '0'}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent}"


def _shortest_digits(text: str) -> tuple[str, int]:
    """The significant digits of a shortest repr and the decimal exponent of the first one."""
    d = decimal.Decimal(text.lstrip("-"))
    sign, digits, exp = d.normalize().as_tuple()
    s = "".join(map(str, digits))
    return s, len(s) + exp - 1


def format_value(value: Any, dt: T.DataType | None = None, nested: bool = False) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_double(value, isinstance(dt, T.FloatType))
    if isinstance(dt, (T.YearMonthIntervalType, T.DayTimeIntervalType)):
        from ember.sql.expressions.intervals import format_interval

        return format_interval(value, dt)
    if isinstance(value, (bytes, bytearray)):
        return "[" + " ".join(f"{b:02X}" for b in value) + "]"
    if isinstance(value, datetime.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S")
        if value.microsecond:
            text += f".{value.microsecond:06d}".rstrip("0")
        return text
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        kt = dt.keyType if isinstance(dt, T.MapType) else None
        vt = dt.valueType if isinstance(dt, T.MapType) else None
        return "{" + ", ".join(f"{format_value(k, kt, True)} -> {format_value(v, vt, True)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):  # Row / struct
        fields = dt.fields if isinstance(dt, T.StructType) else [None] * len(value)
        return "{" + ", ".join(format_value(v, f.dataType if f else None, True) for v, f in zip(value, fields)) + "}"
    if isinstance(value, list):
        et = dt.elementType if isinstance(dt, T.ArrayType) else None
        return "[" + ", ".join(format_value(v, et, True) for v in value) + "]"
    return str(value)


def _truncate(cell: str, truncate: int) -> str:
    if truncate > 0 and len(cell) > truncate:
        return cell[:truncate] if truncate < 4 else cell[: truncate - 3] + "..."
    return cell


def show_string(names: list[str], types: list[T.DataType], rows: list[tuple], has_more: bool,
                truncate: int, vertical: bool) -> str:
    """What ``DataFrame.show`` prints for ``rows`` (already limited to the rows to show)."""
    cells = [[_truncate(format_value(v, t), truncate) for v, t in zip(row, types)] for row in rows]
    header = list(names)  # Spark truncates cells, never the column names
    lines: list[str] = []
    if vertical:
        key_width = max([_MIN_COL_WIDTH] + [len(n) for n in names])
        data_width = max([_MIN_COL_WIDTH] + [len(c) for row in cells for c in row])
        for i, row in enumerate(cells):
            lines.append(f"-RECORD {i}".ljust(key_width + data_width + 5, "-"))
            for name, cell in zip(names, row):
                lines.append(f" {name.ljust(key_width)} | {cell.ljust(data_width)} ")
        if not cells:
            lines.append("(0 rows)")
    else:
        widths = [max([_MIN_COL_WIDTH, len(h)] + [len(row[i]) for row in cells]) for i, h in enumerate(header)]
        sep = "+" + "+".join("-" * w for w in widths) + "+"

        def line(values: list[str]) -> str:
            pad = (lambda s, w: s.rjust(w)) if truncate > 0 else (lambda s, w: s.ljust(w))
            return "|" + "|".join(pad(v, w) for v, w in zip(values, widths)) + "|"

        lines += [sep, line(header), sep] + [line(row) for row in cells] + [sep]
    footer = has_more or (vertical and not cells)
    if has_more:
        lines.append(f"only showing top {len(rows)} {'row' if len(rows) == 1 else 'rows'}")
    return "\n".join(lines) + ("" if footer else "\n")  # Spark 4 ends a footer without a newline


def html_table(names: list[str], types: list[T.DataType], rows: list[tuple], has_more: bool, truncate: int) -> str:
    """PySpark's eager-evaluation HTML: a bordered table, then "only showing top N rows"."""
    def cell(text: str, tag: str) -> str:
        return f"<{tag}>{html.escape(text)}</{tag}>"

    lines = ["<table border='1'>", "<tr>" + "".join(cell(n, "th") for n in names) + "</tr>"]
    for row in rows:
        lines.append("<tr>" + "".join(cell(_truncate(format_value(v, t), truncate), "td")
                                      for v, t in zip(row, types)) + "</tr>")
    lines.append("</table>")
    text = "\n".join(lines) + "\n"
    if has_more:
        text += f"only showing top {len(rows)} {'row' if len(rows) == 1 else 'rows'}\n"
    return text


def _type_lines(dt: T.DataType, prefix: str, level: int | None, depth: int) -> list[str]:
    if level is not None and depth >= level:
        return []
    child_prefix = prefix + "    |"
    if isinstance(dt, T.ArrayType):
        return [f"{prefix}-- element: {dt.elementType.typeName()} (containsNull = {str(dt.containsNull).lower()})"] + \
            _type_lines(dt.elementType, child_prefix, level, depth + 1)
    if isinstance(dt, T.MapType):
        return ([f"{prefix}-- key: {dt.keyType.typeName()}"] + _type_lines(dt.keyType, child_prefix, level, depth + 1)
                + [f"{prefix}-- value: {dt.valueType.typeName()} (valueContainsNull = {str(dt.valueContainsNull).lower()})"]
                + _type_lines(dt.valueType, child_prefix, level, depth + 1))
    if isinstance(dt, T.StructType):
        out = []
        for f in dt.fields:
            spelled_out = (T.DecimalType, T.YearMonthIntervalType, T.DayTimeIntervalType)
            name = f.dataType.simpleString() if isinstance(f.dataType, spelled_out) else f.dataType.typeName()
            out.append(f"{prefix}-- {f.name}: {name} (nullable = {str(f.nullable).lower()})")
            out += _type_lines(f.dataType, child_prefix, level, depth + 1)
        return out
    return []


def schema_tree_string(schema: T.StructType, level: int | None = None) -> str:
    """``printSchema()``'s text: ``root`` then one `` |-- name: type (nullable = …)`` per field."""
    return "\n".join(["root"] + _type_lines(schema, " |", level, 0)) + "\n"
