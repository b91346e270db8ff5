"""The Arrow fast path shared by the CSV and JSON readers.

A split is first parsed by pyarrow's C++ readers with the schema's column types. The result is
used only if it is *exactly* what the Python path (``values.converter`` and friends) would give
and no record is malformed; otherwise the caller re-reads the split with the Python path, which
owns every parse-mode rule, the corrupt-record column and FAILFAST's ``file:line``.

Per type, what pyarrow is asked for and how its answer is checked (pyarrow must accept a subset
of what Python accepts, with the same value):

* byte/short/int/bigint: JSON parses that Arrow integer type (pyarrow rejects ``+5``, ``1_0`` and
  out-of-range values, which send the split to the Python path); CSV reads a string that must be
  digits with an optional ``-`` (pyarrow's integer parser would skip blanks, which Spark rejects),
  then casts it (an out-of-range value falls back);
* double/float: parsed as float64 (float is then rounded to float32, as ``pa.array`` does to a
  Python float). A NaN or infinity sends the split to Python, which accepts only some spellings;
* boolean: only ``true``/``True``/``TRUE`` and the ``false`` forms (Python also accepts other
  casings and surrounding blanks: those fall back);
* date: CSV parses ``date32`` (pyarrow takes only ``YYYY-MM-DD``); JSON reads a string;
* timestamp: read as a string that must match ``YYYY-MM-DD[( |T)hh:mm[:ss[.f{1,6}]]]`` (no zone:
  Python converts an offset to local time), then cast;
* string: as is; anything else (decimal, nested types) has no fast path.
"""

from __future__ import annotations

import datetime
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T

__all__ = ["Fallback", "read_type", "finish", "emit", "all_true", "TIMESTAMP_PATTERN", "DATE_PATTERN"]

_INTS = {T.ByteType: pa.int8(), T.ShortType: pa.int16(), T.IntegerType: pa.int32(), T.LongType: pa.int64()}
TIMESTAMP_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)?$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
INTEGER_PATTERN = r"^-?[0-9]+$"
_BATCH_ROWS = 64 * 1024
_MIN_DAYS = (datetime.date(1, 1, 1) - datetime.date(1970, 1, 1)).days
_MIN_MICROS = _MIN_DAYS * 86_400_000_000


class Fallback(Exception):
    """The fast path cannot give the Python path's answer for this split."""


def read_type(dt: T.DataType, fmt: str) -> pa.DataType | None:
    """The Arrow type pyarrow's reader should produce for ``dt`` (``None``: no fast path)."""
    if type(dt) in _INTS:
        return pa.string() if fmt == "csv" else _INTS[type(dt)]  # CSV: checked, then cast
    if isinstance(dt, (T.DoubleType, T.FloatType)):
        return pa.float64()
    if isinstance(dt, T.BooleanType):
        return pa.bool_()
    if isinstance(dt, T.DateType):
        return pa.date32() if fmt == "csv" else pa.string()
    if isinstance(dt, (T.TimestampType, T.TimestampNTZType, T.StringType)):
        return pa.string()
    return None


def all_true(mask: pa.Array | pa.ChunkedArray) -> bool:
    return pc.all(mask).as_py() in (True, None)


def finish(column: pa.ChunkedArray, dt: T.DataType) -> pa.ChunkedArray:
    """``column`` as ``dt``'s Arrow type, checked against the Python path's rules; else ``Fallback``."""
    if column.null_count == len(column):
        return column.cast(arrow_type(dt)) if len(column) else pa.chunked_array([], arrow_type(dt))
    if type(dt) in _INTS and pa.types.is_string(column.type):
        if not all_true(pc.match_substring_regex(column, INTEGER_PATTERN)):
            raise Fallback
        try:
            return column.cast(_INTS[type(dt)])
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise Fallback from None
    if isinstance(dt, (T.DoubleType, T.FloatType)):
        if not all_true(pc.is_finite(column)):
            raise Fallback
        return column.cast(pa.float32(), safe=False) if isinstance(dt, T.FloatType) else column
    if isinstance(dt, (T.TimestampType, T.TimestampNTZType)) or (isinstance(dt, T.DateType)
                                                                  and pa.types.is_string(column.type)):
        date = isinstance(dt, T.DateType)
        if not all_true(pc.match_substring_regex(column, DATE_PATTERN if date else TIMESTAMP_PATTERN)):
            raise Fallback
        try:
            out = column.cast(pa.date32() if date else pa.timestamp("us"))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise Fallback from None
        column = out
    if isinstance(dt, (T.DateType, T.TimestampType, T.TimestampNTZType)):
        # Python's date and datetime start at year 1; pyarrow would take year 0 or below
        floor = _MIN_DAYS if isinstance(dt, T.DateType) else _MIN_MICROS
        low = pc.min(column.cast(pa.int32() if isinstance(dt, T.DateType) else pa.int64())).as_py()
        if low is not None and low < floor:
            raise Fallback
    return column


def arrow_type(dt: T.DataType) -> pa.DataType:
    from ember.sql.arrow_types import to_arrow_type

    return to_arrow_type(dt)


def emit(columns: list[pa.ChunkedArray], data_schema: T.StructType, out_schema: pa.Schema,
         positions: list[int]) -> Iterator[pa.RecordBatch]:
    """Batches of ``out_schema`` from the parsed data ``columns`` (all of them already checked)."""
    if not positions or not columns or len(columns[0]) == 0:
        return
    rows = len(columns[0])
    arrays = []
    for field, position in zip(out_schema, positions):
        column = pa.chunked_array([pa.nulls(rows, field.type)]) if position < 0 else columns[position]
        if column.type != field.type:
            column = column.cast(field.type)
        arrays.append(column)
    table = pa.Table.from_arrays(arrays, schema=out_schema)
    yield from table.to_batches(max_chunksize=_BATCH_ROWS)
