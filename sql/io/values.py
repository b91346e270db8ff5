"""Text fields → typed values, and the type a column of text fields is inferred as.

CSV fields arrive as strings. ``converter(dt)`` returns a function that parses one field as
Spark type ``dt`` and raises ``ValueError`` for a field that is not one (the caller decides,
by parse mode, whether that nulls the field, drops the record or fails the job).
``infer_field`` follows Spark's CSV inference order: int, bigint, double, date, timestamp,
boolean, else string; ``merge_types`` widens across rows (int + bigint → bigint, a number
+ double → double, date + timestamp → timestamp, anything else → string).
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any, Callable

from ember.sql import types as T

__all__ = ["converter", "infer_field", "merge_types"]

_INT_RANGES = {T.ByteType: 2**7, T.ShortType: 2**15, T.IntegerType: 2**31, T.LongType: 2**63}


def _integer(bound: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if text != text.strip():
            raise ValueError(f"{text!r} has blanks")  # Java's Integer.parseInt takes none
        value = int(text)
        if not -bound <= value < bound:
            raise ValueError(f"{text!r} is out of range")
        return value

    return parse


def _double(text: str) -> float:
    stripped = text.strip()
    special = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf"),
               "Inf": float("inf"), "-Inf": float("-inf")}
    if stripped in special:
        return special[stripped]
    if stripped.lower() in ("nan", "inf", "-inf", "infinity", "-infinity") or "_" in stripped:
        raise ValueError(text)
    return float(stripped)


def _boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise ValueError(text)
    return lowered == "true"


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text.strip())


def _timestamp(text: str) -> datetime.datetime:
    value = datetime.datetime.fromisoformat(text.strip())
    if value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    return value


def _decimal(dt: T.DecimalType) -> Callable[[str], decimal.Decimal]:
    quantum = decimal.Decimal(1).scaleb(-dt.scale)

    def parse(text: str) -> decimal.Decimal:
        value = decimal.Decimal(text.strip()).quantize(quantum, rounding=decimal.ROUND_HALF_UP)
        if len(value.as_tuple().digits) > dt.precision and value != 0:
            raise ValueError(f"{text!r} does not fit {dt.simpleString()}")
        return value

    return parse


def converter(dt: T.DataType) -> Callable[[str], Any]:
    """Parse one non-null text field as a value of Spark type ``dt``."""
    bound = _INT_RANGES.get(type(dt))
    if bound is not None:
        return _integer(bound)
    if isinstance(dt, (T.DoubleType, T.FloatType)):
        return _double
    if isinstance(dt, T.BooleanType):
        return _boolean
    if isinstance(dt, T.DateType):
        return _date
    if isinstance(dt, (T.TimestampType, T.TimestampNTZType)):
        return _timestamp
    if isinstance(dt, T.DecimalType):
        return _decimal(dt)
    if isinstance(dt, T.StringType):
        return str
    raise ValueError(f"CSV cannot hold values of type {dt.simpleString()}")


_INFERENCE: tuple[tuple[T.DataType, Callable[[str], Any]], ...] = (
    (T.IntegerType(), _integer(2**31)),
    (T.LongType(), _integer(2**63)),
    (T.DoubleType(), _double),
    (T.DateType(), _date),
    (T.TimestampType(), _timestamp),
    (T.BooleanType(), _boolean),
)


def infer_field(text: str) -> T.DataType:
    for dt, parse in _INFERENCE:
        try:
            parse(text)
            return dt
        except ValueError:
            continue
    return T.StringType()


_NUMERIC_ORDER = (T.IntegerType, T.LongType, T.DoubleType)


def merge_types(a: T.DataType | None, b: T.DataType | None) -> T.DataType | None:
    """The narrowest type holding both (``None`` = no value seen yet)."""
    if a is None or a == b:
        return b
    if b is None:
        return a
    if type(a) in _NUMERIC_ORDER and type(b) in _NUMERIC_ORDER:
        return max(a, b, key=lambda t: _NUMERIC_ORDER.index(type(t)))
    if {type(a), type(b)} == {T.DateType, T.TimestampType}:
        return T.TimestampType()
    return T.StringType()
