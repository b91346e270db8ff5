"""Text fields → typed values, and the type a column of text fields is inferred as.

CSV fields arrive as strings. ``converter(dt)`` returns a function that parses one field as
Spark type ``dt`` and raises ``ValueError`` for a field that is not one (the caller decides,
by parse mode, whether that nulls the field, drops the record or fails the job).
``ValueOptions`` carries the reader options that change how a field parses: the
``dateFormat``/``timestampFormat``/``timestampNTZFormat`` patterns (``datetime_patterns``;
without one, ISO text as Spark's default parser reads it) and the ``nanValue``/``positiveInf``/
``negativeInf`` spellings, matched exactly before the number itself is parsed.
``infer_field`` follows Spark's CSV inference order: int, bigint, double, date, timestamp,
boolean, else string; ``merge_types`` widens across rows (int + bigint → bigint, a number
+ double → double, date + timestamp → timestamp, anything else → string).
"""

from __future__ import annotations

import datetime
import decimal
import re
from dataclasses import dataclass
from typing import Any, Callable

from ember.sql import types as T
from ember.sql.io.datetime_patterns import compile_parser
from ember.sql.io.options import Options

__all__ = ["ValueOptions", "value_options", "converter", "infer_field", "merge_types"]


@dataclass(frozen=True, slots=True)
class ValueOptions:
    """The reader options that change how one text field parses (Spark's defaults)."""

    date_format: str | None = None
    timestamp_format: str | None = None
    ntz_format: str | None = None
    nan: str = "NaN"
    positive_inf: str = "Inf"
    negative_inf: str = "-Inf"


DEFAULT_VALUES = ValueOptions()


def value_options(options: Options) -> ValueOptions:
    """The field-parsing options of a read (unknown patterns fail here, on the driver)."""
    values = ValueOptions(options.get("dateFormat"), options.get("timestampFormat"), options.get("timestampNTZFormat"),
                          options.get("nanValue", "NaN") or "", options.get("positiveInf", "Inf") or "",
                          options.get("negativeInf", "-Inf") or "")
    for pattern, kind in ((values.date_format, "date"), (values.timestamp_format, "timestamp"),
                          (values.ntz_format, "timestamp_ntz")):
        if pattern is not None:
            compile_parser(pattern, kind)
    return values

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


def _special_double(values: ValueOptions) -> Callable[[str], float]:
    specials = {values.nan: float("nan"), values.negative_inf: float("-inf"), values.positive_inf: float("inf")}

    def parse(text: str) -> float:
        special = specials.get(text)
        return special if special is not None else _java_double(text)

    return parse


def _java_double(text: str) -> float:
    """Java's ``Double.parseDouble``: blanks trimmed, a sign, ``NaN``/``Infinity``, a ``d``/``f`` suffix."""
    match = _JAVA_DOUBLE.fullmatch(text.strip(_JAVA_BLANKS))
    if match is None:
        raise ValueError(text)
    sign, word, number = match.group(1) or "", match.group(2), match.group(3)
    if word is not None:
        return float(sign + ("nan" if word == "NaN" else "inf"))
    return float(sign + number)


_JAVA_BLANKS = "".join(chr(c) for c in range(33))
_JAVA_DOUBLE = re.compile(r"([+-])?(?:(NaN|Infinity)|((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?)")
_double = _special_double(DEFAULT_VALUES)


def _boolean(text: str) -> bool:
    lowered = text.lower()  # Scala's toBoolean: no blanks around
    if lowered not in ("true", "false"):
        raise ValueError(text)
    return lowered == "true"


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text.strip())


def _bare_date(text: str) -> datetime.date:
    """A date as inference sees it: Spark's ``yyyy-MM-dd`` formatter takes no blanks around."""
    if text != text.strip():
        raise ValueError(f"{text!r} has blanks")
    return _date(text)


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


def _patterned(pattern: str, kind: str) -> Callable[[str], Any]:
    parse = compile_parser(pattern, kind)
    return lambda text: parse(text.strip())


def converter(dt: T.DataType, values: ValueOptions = DEFAULT_VALUES) -> Callable[[str], Any]:
    """Parse one non-null text field as a value of Spark type ``dt``."""
    if isinstance(dt, T.DateType) and values.date_format is not None:
        return _patterned(values.date_format, "date")
    if isinstance(dt, T.TimestampType) and values.timestamp_format is not None:
        return _patterned(values.timestamp_format, "timestamp")
    if isinstance(dt, T.TimestampNTZType) and values.ntz_format is not None:
        return _patterned(values.ntz_format, "timestamp_ntz")
    if isinstance(dt, (T.DoubleType, T.FloatType)):
        return _double if values == DEFAULT_VALUES else _special_double(values)
    bound = _INT_RANGES.get(type(dt))
    if bound is not None:
        return _integer(bound)
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
    (T.DateType(), _bare_date),
    (T.TimestampType(), _timestamp),
    (T.BooleanType(), _boolean),
)


def infer_field(text: str, values: ValueOptions = DEFAULT_VALUES) -> T.DataType:
    if values == DEFAULT_VALUES:
        inference = _INFERENCE
    else:
        inference = tuple((dt, parse if isinstance(dt, T.DateType) and values.date_format is None
                           else converter(dt, values)) for dt, parse in _INFERENCE)
    for dt, parse in inference:
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
