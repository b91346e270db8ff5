"""Cast kernels Arrow has no (Spark-shaped) cast for: timestamps to and from numbers, integer
narrowing with Spark's overflow rules, and text for timestamps and nested values.

A TIMESTAMP is a count of microseconds (UTC); as a number it is seconds, so a cast to an integer
floors (``TIMESTAMP '1969-12-31 23:59:59.5'`` is -1), and a number becomes seconds since the epoch.
"""

from __future__ import annotations

import decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import ArithmeticException, NumberFormatException
from ember.sql.expressions.base import ArrowValue, as_array

__all__ = ["narrow_integral", "integral_bytes", "float_to_integral_legacy", "timestamp_to_number", "number_to_timestamp", "timestamp_text", "nested_text",
           "cast_overflow"]

MICROS = 1_000_000
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_SUFFIX = {T.ByteType: "Y", T.ShortType: "S", T.LongType: "L"}


def _array(value: ArrowValue) -> tuple[pa.Array, bool]:
    if isinstance(value, pa.Scalar):
        return as_array(value, 1), True
    return as_array(value, len(value)), False


def _back(array: pa.Array, scalar: bool) -> ArrowValue:
    return array[0] if scalar else array


def _literal(value: Any, src: T.DataType) -> str:
    """A value as Spark's cast errors quote it: ``32767S``, ``1.0E26D``, ``TIMESTAMP '...'``."""
    if isinstance(src, T.TimestampType):
        return f"TIMESTAMP '{_timestamp_str(value)}'"
    if isinstance(src, T.DoubleType):
        from ember.sql.display import format_double

        return format_double(value) + "D"
    return f"{value}{_SUFFIX.get(type(src), '')}"


def cast_overflow(value: Any, src: T.DataType, to: T.DataType) -> ArithmeticException:
    """Spark's ``CAST_OVERFLOW`` for one value."""
    return ArithmeticException(
        "CAST_OVERFLOW",
        f"The value {_literal(value, src)} of the type \"{src.simpleString().upper()}\" cannot be cast to "
        f"\"{to.simpleString().upper()}\" due to an overflow. Use `try_cast` to tolerate overflow and return NULL "
        "instead.", "22003")


def narrow_integral(value: ArrowValue, src: T.DataType, to: T.IntegralType, ansi: bool,
                    shown: ArrowValue | None = None) -> ArrowValue:
    """An integer array as a narrower integer type: out of range raises ``CAST_OVERFLOW`` (ANSI) or
    keeps the low bits (legacy, Java's two's complement wrap). ``shown`` holds the values the
    error quotes (the source values, when ``value`` was derived from them)."""
    array, scalar = _array(value)
    target = to_arrow_type(to)
    bits = target.bit_width - 1
    outside = pc.fill_null(pc.or_(pc.less(array, -(2**bits)), pc.greater(array, 2**bits - 1)), False)
    if pc.any(outside).as_py():
        if ansi:
            first = pc.filter(as_array(shown, len(array)) if shown is not None else array, outside)[0].as_py()
            raise cast_overflow(first, src, to)
        return _back(pc.cast(array.cast(pa.int64()), target, safe=False), scalar)
    return _back(pc.cast(array, target), scalar)


def timestamp_to_number(value: ArrowValue, to: T.DataType, ansi: bool) -> ArrowValue:
    """Seconds since the epoch: floored for integers, exact for decimals, ``micros / 1e6`` for floats."""
    array, scalar = _array(value)
    micros = pc.cast(array, pa.int64())
    if isinstance(to, T.BooleanType):  # legacy mode only
        return _back(pc.not_equal(micros, 0), scalar)
    if isinstance(to, (T.DoubleType, T.FloatType)):
        return _back(pc.cast(pc.divide(pc.cast(micros, pa.float64()), float(MICROS)), to_arrow_type(to)), scalar)
    if isinstance(to, T.DecimalType):
        from ember.sql.expressions.decimals import rescale

        exact = pa.array([None if v is None else decimal.Decimal(v).scaleb(-6) for v in micros.to_pylist()],
                         pa.decimal128(38, 6))
        return _back(rescale(exact, to, ansi), scalar)
    truncated = pc.divide(micros, MICROS)  # integer division rounds toward zero: floor it
    below = pc.less(pc.subtract(micros, pc.multiply(truncated, MICROS)), 0)
    seconds = pc.if_else(below, pc.subtract(truncated, 1), truncated)
    if isinstance(to, T.LongType):
        return _back(seconds, scalar)
    if not ansi:  # the legacy cast gives NULL where the seconds do not fit
        bits = to_arrow_type(to).bit_width - 1
        fits = pc.and_(pc.greater_equal(seconds, -(2**bits)), pc.less_equal(seconds, 2**bits - 1))
        seconds = pc.if_else(fits, seconds, pa.scalar(None, pa.int64()))
    return _back(narrow_integral(seconds, T.TimestampType(), to, ansi, shown=array), scalar)


def integral_bytes(value: ArrowValue, src: T.IntegralType) -> ArrowValue:
    """An integer as its big-endian two's-complement bytes (legacy mode's cast to BINARY)."""
    array, scalar = _array(value)
    width = to_arrow_type(src).bit_width // 8
    out = [None if v is None else v.to_bytes(width, "big", signed=True) for v in array.to_pylist()]
    return _back(pa.array(out, pa.binary()), scalar)


def float_to_integral_legacy(value: ArrowValue, to: T.IntegralType) -> ArrowValue:
    """Java's conversion: NaN is 0, out of range saturates at the int (long for BIGINT) bounds,
    and a byte or short keeps the low bits of that int."""
    array, scalar = _array(value)
    wide_bits = 63 if isinstance(to, T.LongType) else 31
    lo, hi = -(2**wide_bits), 2**wide_bits - 1
    out = []
    for v in array.to_pylist():
        if v is None or v != v:
            out.append(None if v is None else 0)
            continue
        whole = hi if v >= hi else lo if v <= lo else int(v)
        out.append(whole)
    wide = pa.array(out, pa.int64())
    return _back(pc.cast(wide, to_arrow_type(to), safe=False), scalar)


def number_to_timestamp(value: ArrowValue, src: T.DataType, ansi: bool) -> ArrowValue:
    """Seconds since the epoch as a timestamp. Integers saturate (Java's ``toMicros``); a NaN or
    infinite float is malformed (ANSI) or NULL; a float beyond the range overflows (ANSI) or saturates;
    decimals keep their low 64 bits (Java's ``longValue``); legacy mode reads true as 1 microsecond."""
    array, scalar = _array(value)
    target = pa.timestamp("us")
    if isinstance(src, T.BooleanType):
        return _back(pc.cast(pc.cast(array, pa.int64()), target), scalar)
    if isinstance(src, T.IntegralType):
        limit = _LONG_MAX // MICROS
        wide = pc.cast(array, pa.int64())
        clipped = pc.max_element_wise(pc.min_element_wise(wide, limit), -limit)
        micros = pc.multiply(clipped, MICROS)
        micros = pc.if_else(pc.greater(wide, limit), _LONG_MAX, pc.if_else(pc.less(wide, -limit), _LONG_MIN, micros))
        return _back(pc.cast(micros, target), scalar)
    if isinstance(src, T.DecimalType):
        micros = [None if v is None else _wrap_long(int(v.scaleb(6))) for v in array.to_pylist()]
        return _back(pc.cast(pa.array(micros, pa.int64()), target), scalar)
    return _back(_float_seconds_to_timestamp(pc.cast(array, pa.float64()), ansi), scalar)


def _wrap_long(v: int) -> int:
    return (v - _LONG_MIN) % 2**64 + _LONG_MIN


def _float_seconds_to_timestamp(seconds: pa.Array, ansi: bool) -> pa.Array:
    nonfinite = pc.fill_null(pc.invert(pc.is_finite(seconds)), False)
    if ansi and pc.any(nonfinite).as_py():
        bad = pc.filter(seconds, nonfinite)[0].as_py()
        from ember.sql.display import format_double

        raise NumberFormatException(
            "CAST_INVALID_INPUT",
            f"The value {format_double(bad)} of the type \"DOUBLE\" cannot be cast to \"TIMESTAMP\" because it is "
            "malformed. Correct the value as per the syntax, or change its target type. Use `try_cast` to tolerate "
            "malformed input and return NULL instead.", "22018")
    seconds = pc.if_else(nonfinite, pa.scalar(None, pa.float64()), seconds)
    micros = pc.trunc(pc.multiply(seconds, float(MICROS)))
    outside = pc.fill_null(pc.or_(pc.greater_equal(micros, 2.0**63), pc.less(micros, -(2.0**63))), False)
    if pc.any(outside).as_py():
        if ansi:
            raise cast_overflow(pc.filter(micros, outside)[0].as_py(), T.DoubleType(), T.LongType())
        micros = pc.if_else(outside, pc.if_else(pc.greater(micros, 0), float(_LONG_MAX), float(_LONG_MIN)), micros)
        exact = [None if v is None else max(_LONG_MIN, min(_LONG_MAX, int(v))) for v in micros.to_pylist()]
        return pc.cast(pa.array(exact, pa.int64()), pa.timestamp("us"))
    return pc.cast(pc.cast(micros, pa.int64()), pa.timestamp("us"))


def timestamp_text(value: ArrowValue) -> ArrowValue:
    """Timestamps as Spark writes them: ``2020-01-01 10:00:00.5`` (no trailing zeros, no empty fraction)."""
    array, scalar = _array(value)
    text = pc.strftime(pc.cast(array, pa.timestamp("us")), format="%Y-%m-%d %H:%M:%S")
    return _back(pc.utf8_rtrim(pc.utf8_rtrim(text, characters="0"), characters="."), scalar)


def _timestamp_str(value: Any) -> str:
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    return text + (f".{value.microsecond:06d}".rstrip("0") if value.microsecond else "")


def nested_text(value: ArrowValue, src: T.DataType) -> ArrowValue:
    """Arrays, maps and structs as Spark's cast writes them: ``[1, null, 3]``, ``{a -> 1}``, ``{1}``."""
    array, scalar = _array(value)
    text = [None if v is None else _nested(v, src) for v in array.to_pylist()]
    return _back(pa.array(text, pa.string()), scalar)


def _nested(value: Any, dt: T.DataType) -> str:
    if value is None:
        return "null"
    if isinstance(dt, T.ArrayType):
        return "[" + ", ".join(_nested(v, dt.elementType) for v in value) + "]"
    if isinstance(dt, T.MapType):
        return "{" + ", ".join(f"{_nested(k, dt.keyType)} -> {_nested(v, dt.valueType)}" for k, v in value) + "}"
    if isinstance(dt, T.StructType):
        return "{" + ", ".join(_nested(value[f.name], f.dataType) for f in dt.fields) + "}"
    from ember.sql.expressions.cast import cast_arrow

    return cast_arrow(pa.scalar(value, to_arrow_type(dt)), dt, T.StringType()).as_py()
