"""How the shell prints a result: ``table``, ``tsv``, ``csv`` or ``json``.

- ``table``: the aligned ``+---+`` grid of ``DataFrame.show(truncate=False)``, every row
  (the interactive prompt's default).
- ``tsv``: one line per row, values separated by tabs, no header, nested values as
  ``[1,2]`` and ``{"a":1}``. This is what spark-sql prints, so it is the default of ``-e``,
  ``-f`` and piped input.
- ``csv``: a header line, then RFC 4180 rows.
- ``json``: one JSON object per row (JSON Lines), as ``DataFrame.write.json`` writes rows.

Cells are spelled as ``show()`` spells them (``NULL``, ``1.0E20``, ``[1, 2]``); JSON keeps
numbers as numbers (decimals with all their digits) and NULL as ``null``.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
from typing import Any, Callable

from ember.sql import types as T
from ember.sql.display import format_double, format_value, show_string

__all__ = ["FORMATS", "render", "time_taken", "hive_string"]

FORMATS = ("table", "tsv", "csv", "json")


def _table(names: list[str], types: list[T.DataType], rows: list[tuple]) -> str:
    return show_string(names, types, rows, False, 0, False)


def hive_string(value: Any, dt: T.DataType | None, nested: bool = False) -> str:
    """A value as spark-sql prints it: ``NULL``, ``[1,2]``, ``{"a":1,"b":"x"}``, ``{"k":1}``;
    strings inside collections are quoted and NULL there is ``null``."""
    if value is None:
        return "null" if nested else "NULL"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if nested else value
    if isinstance(value, list):
        et = dt.elementType if isinstance(dt, T.ArrayType) else None
        return "[" + ",".join(hive_string(v, et, True) for v in value) + "]"
    if isinstance(value, dict):
        kt, vt = (dt.keyType, dt.valueType) if isinstance(dt, T.MapType) else (None, None)
        return "{" + ",".join(f"{hive_string(k, kt, True)}:{hive_string(v, vt, True)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        fields = dt.fields if isinstance(dt, T.StructType) else []
        names = [f.name for f in fields] or [f"col{i + 1}" for i in range(len(value))]
        types = [f.dataType for f in fields] or [None] * len(value)
        return "{" + ",".join(f"{json.dumps(n)}:{hive_string(v, t, True)}" for n, t, v in zip(names, types, value)) + "}"
    return format_value(value, dt)


def _tsv(names: list[str], types: list[T.DataType], rows: list[tuple]) -> str:
    return "".join("\t".join(hive_string(v, t) for v, t in zip(row, types)) + "\n" for row in rows)


def _csv(names: list[str], types: list[T.DataType], rows: list[tuple]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    writer.writerows([["" if v is None else format_value(v, t) for v, t in zip(row, types)] for row in rows])
    return buffer.getvalue()


def _json_value(value: Any, dt: T.DataType | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return json.dumps(format_double(value)) if value != value or value in (float("inf"), float("-inf")) \
            else json.dumps(value)
    if isinstance(value, (datetime.date, datetime.datetime, bytes, bytearray)) or \
            isinstance(dt, (T.YearMonthIntervalType, T.DayTimeIntervalType)):
        return json.dumps(format_value(value, dt))
    if isinstance(value, dict):
        kt, vt = (dt.keyType, dt.valueType) if isinstance(dt, T.MapType) else (None, None)
        return "{" + ",".join(f"{json.dumps(format_value(k, kt))}:{_json_value(v, vt)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple):
        fields = dt.fields if isinstance(dt, T.StructType) else []
        names = [f.name for f in fields] or [f"col{i + 1}" for i in range(len(value))]
        types = [f.dataType for f in fields] or [None] * len(value)
        return _json_object(names, types, value)
    if isinstance(value, list):
        et = dt.elementType if isinstance(dt, T.ArrayType) else None
        return "[" + ",".join(_json_value(v, et) for v in value) + "]"
    return json.dumps(value)


def _json_object(names: list[str], types: list[Any], row: tuple) -> str:
    return "{" + ",".join(f"{json.dumps(n)}:{_json_value(v, t)}" for n, t, v in zip(names, types, row)) + "}"


def _json(names: list[str], types: list[T.DataType], rows: list[tuple]) -> str:
    return "".join(_json_object(names, types, row) + "\n" for row in rows)


_RENDERERS: dict[str, Callable[[list[str], list[T.DataType], list[tuple]], str]] = {
    "table": _table, "tsv": _tsv, "csv": _csv, "json": _json,
}


def render(fmt: str, schema: T.StructType, rows: list[tuple]) -> str:
    """The text of ``rows`` in format ``fmt`` (one of ``FORMATS``); a result without columns
    (``CREATE VIEW``, ``SET k=v``) prints nothing."""
    if not schema.fields:
        return ""
    return _RENDERERS[fmt](schema.names, [f.dataType for f in schema.fields], rows)


def time_taken(seconds: float, rows: int | None) -> str:
    """spark-sql's line after each statement: ``Time taken: 0.42 seconds, Fetched 12 row(s)``
    (the fetched part only when the statement returned rows)."""
    text = f"Time taken: {format_double(round(seconds, 3))} seconds"
    return text + (f", Fetched {rows} row(s)" if rows else "")
