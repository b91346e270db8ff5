"""``Cast``: conversion between Spark types with ANSI-mode error behaviour (Spark 4's default)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import ArithmeticException, NumberFormatException
from ember.sql.expressions.base import ArrowValue, Expression, as_array
from ember.sql.expressions.named import AttributeReference

__all__ = ["Cast", "TryCast"]


@dataclass(frozen=True, slots=True)
class Cast(Expression):
    """``CAST(child AS to)``. Malformed input and overflow raise, as with ANSI mode on."""

    child: Expression
    to: T.DataType
    ansi: bool = True
    implicit: bool = False  # inserted by coercion: Spark's column names do not show it

    child_fields = ("child",)

    def coerce(self) -> Expression:
        from ember.sql.expressions.sql_conf import ansi_enabled

        return replace(self, ansi=ansi_enabled())

    @property
    def data_type(self) -> T.DataType:
        return self.to

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        if not self.ansi and isinstance(self.child.data_type, T.StringType):
            # Spark's legacy cast reads malformed text as NULL.
            from ember.sql.expressions.try_eval import eval_or_null

            return eval_or_null(Cast(self.child, self.to), batch)
        return cast_arrow(self.child.eval(batch), self.child.data_type, self.to, self.ansi)

    def to_string(self, ids: bool) -> str:
        if not ids and isinstance(self.child, AttributeReference):
            return self.child.name
        if not ids and self.implicit:
            return self.child.to_string(ids)
        inner = self.child.to_string(ids)
        return f"cast({inner} as {self.to.simpleString()})" if ids else (
            f"CAST({inner} AS {self.to.simpleString().upper()})")


class TryCast(Cast):
    """``TRY_CAST(child AS to)``: NULL where the ANSI cast fails (malformed input, overflow)."""

    __slots__ = ()

    def coerce(self) -> Expression:
        return self

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        from ember.sql.expressions.try_eval import eval_or_null

        return eval_or_null(Cast(self.child, self.to), batch)

    def to_string(self, ids: bool) -> str:
        if not ids and isinstance(self.child, AttributeReference):
            return self.child.name  # Spark names a cast column after the column, as for CAST
        inner = self.child.to_string(ids)
        return f"try_cast({inner} as {self.to.simpleString()})" if ids else (
            f"TRY_CAST({inner} AS {self.to.simpleString().upper()})")


def cast_arrow(value: ArrowValue, src: T.DataType, to: T.DataType, ansi: bool = True) -> ArrowValue:
    """Cast an Arrow value from Spark type ``src`` to ``to`` with Spark's rules."""
    target = to_arrow_type(to)
    if value.type == target:
        return value
    if isinstance(to, T.DecimalType) and isinstance(src, (T.NumericType, T.StringType)):
        return _to_decimal(value, src, to, ansi)
    if isinstance(src, T.DecimalType) and isinstance(to, T.IntegralType):
        return _decimal_to_integral(value, src, to, ansi)
    if isinstance(src, (T.YearMonthIntervalType, T.DayTimeIntervalType)) and isinstance(to, T.StringType):
        return _interval_text(value, src)
    if isinstance(src, T.StringType) and isinstance(to, T.BooleanType):
        return _string_to_boolean(value, ansi)
    if isinstance(src, T.StringType) and isinstance(to, T.DateType):
        return _string_to_date(value, ansi)
    if isinstance(src, T.DecimalType) and isinstance(to, T.FloatType):  # Arrow's direct cast is off by an ulp
        return pc.cast(pc.cast(value, pa.float64()), pa.float32())
    try:
        if isinstance(src, T.StringType) and not isinstance(to, (T.StringType, T.BinaryType)):
            value = pc.utf8_trim_whitespace(value)
        if isinstance(src, (T.FloatType, T.DoubleType)) and isinstance(to, T.IntegralType):
            value = pc.trunc(value)
        if isinstance(src, T.TimestampType) and isinstance(to, T.DateType):
            return pc.cast(value, target, safe=False)
        if isinstance(src, T.BooleanType) and isinstance(to, T.StringType):
            return pc.if_else(value, pa.scalar("true"), pa.scalar("false"))
        if isinstance(src, (T.FloatType, T.DoubleType)) and isinstance(to, T.StringType):
            return _float_text(value, isinstance(src, T.FloatType))
        if isinstance(src, (T.TimestampType, T.TimestampNTZType)) and isinstance(to, T.StringType):
            return _timestamp_text(value)
        if isinstance(src, T.IntegralType) and isinstance(to, (T.FloatType, T.DoubleType)):
            return pc.cast(value, target, safe=False)  # rounds to the nearest float past 2**53, as Java does
        return pc.cast(value, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        text = str(e)
        if isinstance(src, T.StringType):
            raise _malformed(_first_malformed(value, target), to) from None
        if "overflow" in text.lower() or "out of bounds" in text.lower() or "truncated" in text.lower():
            raise ArithmeticException(
                "CAST_OVERFLOW",
                f"The value of type \"{src.simpleString().upper()}\" cannot be cast to "
                f"\"{to.simpleString().upper()}\" due to an overflow. Use `try_cast` to tolerate overflow "
                "and return NULL instead.",
                "22003",
            ) from None
        raise


def _float_text(value: ArrowValue, single: bool) -> ArrowValue:
    """Floats as Spark prints them (Java's ``toString``): ``1.0``, ``1.0E20``, ``NaN``."""
    from ember.sql.display import format_double

    def text(v: float | None) -> str | None:
        return None if v is None else format_double(v, single)

    if isinstance(value, pa.Scalar):
        return pa.scalar(text(value.as_py()), pa.string())
    return pa.array([text(v) for v in as_array(value, len(value)).to_pylist()], pa.string())


def _timestamp_text(value: ArrowValue) -> ArrowValue:
    """Timestamps as Spark writes them: ``2015-07-01 05:00:00``, with a fraction of a second
    only when there is one, and without its trailing zeros (``05:00:00.12``)."""
    scalar = isinstance(value, pa.Scalar)
    micros = pc.cast(as_array(value, 1) if scalar else value, pa.int64())
    seconds = pc.divide(micros, 10**6)  # truncates toward zero
    fraction = pc.subtract(micros, pc.multiply(seconds, 10**6))
    negative = pc.less(fraction, 0)  # floor the seconds before the epoch
    seconds = pc.if_else(negative, pc.subtract(seconds, 1), seconds)
    fraction = pc.if_else(negative, pc.add(fraction, 10**6), fraction)
    whole = pc.strftime(pc.cast(seconds, pa.timestamp("s")), "%Y-%m-%d %H:%M:%S")
    digits = pc.utf8_rtrim(pc.utf8_lpad(pc.cast(fraction, pa.string()), 6, "0"), "0")
    text = pc.if_else(pc.equal(fraction, 0), whole, pc.binary_join_element_wise(whole, digits, "."))
    return text[0] if scalar else text


_TRUE_STRINGS = pa.array(["t", "true", "y", "yes", "1"])
_FALSE_STRINGS = pa.array(["f", "false", "n", "no", "0"])


def _string_to_boolean(value: ArrowValue, ansi: bool) -> ArrowValue:
    """Spark's reading of a string as a boolean: ``t``/``true``/``y``/``yes``/``1`` and their
    false counterparts, any case, trimmed; anything else is malformed (ANSI) or NULL."""
    scalar = isinstance(value, pa.Scalar)
    text = pc.utf8_lower(pc.utf8_trim_whitespace(pa.array([value.as_py()], pa.string()) if scalar else value))
    is_true, is_false = pc.is_in(text, _TRUE_STRINGS), pc.is_in(text, _FALSE_STRINGS)
    known = pc.or_(is_true, is_false)
    bad = pc.and_(pc.is_valid(text), pc.invert(known))
    if ansi and pc.any(bad).as_py():
        raise _malformed(pc.filter(value if not scalar else pa.array([value.as_py()]), bad)[0].as_py(),
                         T.BooleanType())
    out = pc.if_else(known, is_true, pa.scalar(None, pa.bool_()))
    return out[0] if scalar else out


def _string_to_date(value: ArrowValue, ansi: bool) -> ArrowValue:
    from ember.sql.expressions.string_to_date import string_to_date

    out, malformed = string_to_date(value)
    if ansi and pc.any(malformed).as_py():
        raise _malformed(pc.filter(as_array(value, 1), malformed)[0].as_py(), T.DateType())
    return out


_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _to_decimal(value: ArrowValue, src: T.DataType, to: T.DecimalType, ansi: bool) -> ArrowValue:
    """A number or numeric string as decimal(to), rounded HALF_UP to its scale (a float is read
    as the double it widens to, as Spark does). A value with too many integer digits, an infinity
    or NaN raises ``NUMERIC_VALUE_OUT_OF_RANGE``, a malformed string ``CAST_INVALID_INPUT``
    (ANSI mode); without ANSI mode they are NULL."""
    from ember.sql.expressions.decimals import out_of_range, rescale

    scalar = isinstance(value, pa.Scalar)
    array = pa.array([value.as_py()], value.type) if scalar else as_array(value, len(value))
    if isinstance(src, T.StringType):
        array = pc.utf8_trim_whitespace(array)
        bad = pc.invert(pc.fill_null(pc.match_substring_regex(array, _NUMBER), True))
        if pc.any(bad).as_py():
            if ansi:
                raise _malformed(pc.filter(array, bad)[0].as_py(), to)
            array = pc.if_else(bad, pa.scalar(None, pa.string()), array)
        too_long = pc.fill_null(pc.greater(pc.utf8_length(array), 70), False)
        if pc.any(too_long).as_py():  # beyond what a decimal256 parse can hold
            if ansi:
                raise out_of_range(pc.filter(array, too_long)[0].as_py(), to)
            array = pc.if_else(too_long, pa.scalar(None, pa.string()), array)
        array = pc.cast(array, pa.decimal256(76, 38))
    elif isinstance(src, T.IntegralType):
        array = pc.cast(array, pa.decimal128(20, 0))
    elif not isinstance(src, T.DecimalType):
        array = pc.cast(array, pa.float64())
        limit = 10.0 ** (to.precision - to.scale)
        bad = pc.fill_null(pc.invert(pc.less(pc.abs(array), limit)), False)  # also NaN and infinities
        if pc.any(bad).as_py():
            if ansi:
                raise out_of_range(pc.filter(array, bad)[0].as_py(), to)
            array = pc.if_else(bad, pa.scalar(None, pa.float64()), array)
        # Spark reads a double as its shortest decimal text (Java's Double.toString); values
        # too small to show at the target scale are zero (and beyond the parse's 38 digits).
        tiny = pc.fill_null(pc.less(pc.abs(array), 10.0 ** -(to.scale + 2)), False)
        array = pc.if_else(tiny, pa.scalar(0.0), array)
        array = pc.cast(pc.cast(array, pa.string()), pa.decimal256(76, 38))
    out = rescale(array, to, ansi)
    return out[0] if scalar else out


def _first_malformed(value: ArrowValue, target: pa.DataType) -> str:
    """The first string Arrow cannot cast (the error path only: one value at a time)."""
    for text in ([value.as_py()] if isinstance(value, pa.Scalar) else value.to_pylist()):
        try:
            pc.cast(pa.array([text], pa.string()), target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return text
    return ""


def _malformed(text: str, to: T.DataType) -> NumberFormatException:
    return NumberFormatException(
        "CAST_INVALID_INPUT",
        f"The value '{text}' of the type \"STRING\" cannot be cast to \"{to.simpleString().upper()}\" because "
        "it is malformed. Correct the value as per the syntax, or change its target type. Use `try_cast` to "
        "tolerate malformed input and return NULL instead.",
        "22018",
    )


def _decimal_to_integral(value: ArrowValue, src: T.DecimalType, to: T.DataType, ansi: bool) -> ArrowValue:
    """The decimal truncated toward zero; outside the integer type's range it raises
    ``CAST_OVERFLOW`` (ANSI mode) or, as Spark's legacy cast does, wraps around (two's complement)."""
    target = to_arrow_type(to)
    bits = target.bit_width - 1
    p, s = value.type.precision, value.type.scale
    room = p + 1 if p < 38 else p  # Arrow wants a digit before the point to truncate into
    whole = pc.trunc(value.cast(pa.decimal128(room, s) if room <= 38 else pa.decimal256(room, s)))
    inside = pc.and_(pc.greater_equal(whole, pa.scalar(-(2**bits), pa.decimal256(40, 0))),
                     pc.less(whole, pa.scalar(2**bits, pa.decimal256(40, 0))))
    inside = pc.fill_null(inside, True)
    if not (inside.as_py() if isinstance(inside, pa.Scalar) else pc.all(inside).as_py()):
        if ansi:
            raise ArithmeticException(
                "CAST_OVERFLOW",
                f"The value of type \"{src.simpleString().upper()}\" cannot be cast to \"{to.simpleString().upper()}\" "
                "due to an overflow. Use `try_cast` to tolerate overflow and return NULL instead.",
                "22003",
            )
        span = 2 ** (bits + 1)  # rare: each overflowing value wrapped in Python
        wrapped = [None if v is None else (int(v) + span // 2) % span - span // 2
                   for v in (whole.to_pylist() if not isinstance(whole, pa.Scalar) else [whole.as_py()])]
        return pa.scalar(wrapped[0], target) if isinstance(whole, pa.Scalar) else pa.array(wrapped, target)
    return pc.cast(whole, target)


def _interval_text(value: ArrowValue, src: T.DataType) -> ArrowValue:
    """Intervals as Spark writes them, e.g. ``INTERVAL '1-2' YEAR TO MONTH`` (one value at a time)."""
    from ember.sql.expressions.intervals import format_interval

    if isinstance(value, pa.Scalar):
        return pa.scalar(None if not value.is_valid else format_interval(value.as_py(), src), pa.string())
    return pa.array([None if v is None else format_interval(v, src) for v in value.to_pylist()], pa.string())
