"""Spark's decimal arithmetic: result types (``DecimalPrecision``) and exact, vectorised kernels.

Result types. ``a op b`` on decimal(p1, s1) and decimal(p2, s2) has, before bounding,

====  =========================================  ======================
op    precision                                  scale
====  =========================================  ======================
+ -   max(s1, s2) + max(p1 - s1, p2 - s2) + 1    max(s1, s2)
\\*    p1 + p2 + 1                                s1 + s2
/     p1 - s1 + s2 + scale                       max(6, s1 + p2 + 1)
%     min(p1 - s1, p2 - s2) + scale              max(s1, s2)
====  =========================================  ======================

Over 38 digits, ``spark.sql.decimalOperations.allowPrecisionLoss`` (default true) keeps the
integer digits and gives up scale down to 6 digits (``adjust_precision_scale``); with it off
the type is simply capped at 38 (and division splits the lost digits between both sides).

Kernels. Arrow's decimal kernels are exact for ``+ - *`` and truncate ``/`` at a scale of their
own choosing, always finer than Spark's; so the exact (or finely truncated) value is computed
first, in 128-bit decimals when Arrow's result type fits, then in 256-bit ones, with operands
narrowed to the digits their values use when the declared ones are too wide, and in Python
integers as the last resort. ``rescale`` then rounds HALF_UP (half away from zero, as Java's
``BigDecimal``) to Spark's scale and checks the precision: an overflowing value raises
``NUMERIC_VALUE_OUT_OF_RANGE`` in ANSI mode and becomes NULL otherwise. Rounding a value
truncated at a finer scale gives the same answer as rounding the exact one, because every
rounding boundary is representable at the finer scale.
"""

from __future__ import annotations

import decimal
from fractions import Fraction
from typing import Callable

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.errors import ArithmeticException
from ember.sql.expressions.base import ArrowValue

__all__ = ["adjust_precision_scale", "decimal_result_type", "integral_as_decimal", "decimal_arithmetic",
           "decimal_integral_divide", "round_decimal", "round_result_type",
           "rescale", "out_of_range_as_null", "raise_divide_by_zero", "out_of_range"]

MAX_PRECISION = 38
MIN_ADJUSTED_SCALE = 6


def adjust_precision_scale(precision: int, scale: int) -> T.DecimalType:
    """Spark's ``adjustPrecisionScale``: over 38 digits keep the integer digits, lose scale (to >= 6)."""
    if precision <= MAX_PRECISION:
        return T.DecimalType(precision, scale)
    int_digits = precision - scale
    return T.DecimalType(MAX_PRECISION, max(MAX_PRECISION - int_digits, min(scale, MIN_ADJUSTED_SCALE)))


def _bounded(precision: int, scale: int) -> T.DecimalType:
    return T.DecimalType(min(precision, MAX_PRECISION), min(scale, MAX_PRECISION))


def decimal_result_type(op: str, lt: T.DecimalType, rt: T.DecimalType, allow_precision_loss: bool = True) -> T.DecimalType:
    """The type Spark gives ``lt op rt`` (op: add, subtract, multiply, divide, remainder)."""
    p1, s1, p2, s2 = lt.precision, lt.scale, rt.precision, rt.scale
    fit = adjust_precision_scale if allow_precision_loss else _bounded
    if op in ("add", "subtract"):
        scale = max(s1, s2)
        return fit(max(p1 - s1, p2 - s2) + scale + 1, scale)
    if op == "multiply":
        return fit(p1 + p2 + 1, s1 + s2)
    if op == "divide":
        if allow_precision_loss:
            scale = max(MIN_ADJUSTED_SCALE, s1 + p2 + 1)
            return fit(p1 - s1 + s2 + scale, scale)
        int_digits = min(MAX_PRECISION, p1 - s1 + s2)
        dec_digits = min(MAX_PRECISION, max(MIN_ADJUSTED_SCALE, s1 + p2 + 1))
        excess = int_digits + dec_digits - MAX_PRECISION
        if excess > 0:
            dec_digits -= excess // 2 + 1
            int_digits = MAX_PRECISION - dec_digits
        return _bounded(int_digits + dec_digits, dec_digits)
    if op == "remainder":
        scale = max(s1, s2)
        return fit(min(p1 - s1, p2 - s2) + scale, scale)
    raise ValueError(f"not a decimal operator: {op}")


_INTEGRAL_DIGITS = {T.ByteType: 3, T.ShortType: 5, T.IntegerType: 10, T.LongType: 20}


def integral_as_decimal(dt: T.DataType, literal_value: int | None = None) -> T.DataType:
    """The decimal an integral operand of decimal arithmetic becomes: decimal(3/5/10/20, 0) by type,
    or, for a literal, just its own digits (Spark's ``DecimalType.fromLiteral``)."""
    if type(dt) not in _INTEGRAL_DIGITS:
        return dt
    if literal_value is not None:
        return T.DecimalType(max(len(str(abs(literal_value))), 1), 0)
    return T.DecimalType(_INTEGRAL_DIGITS[type(dt)], 0)


# --------------------------------------------------------------------------- errors


def raise_divide_by_zero(op: str) -> None:
    if op == "remainder":
        raise ArithmeticException(
            "REMAINDER_BY_ZERO",
            "Remainder by zero. Use `try_mod` to tolerate divisor being 0 and return NULL instead. "
            "If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
            "22012",
        )
    raise ArithmeticException(
        "DIVIDE_BY_ZERO",
        "Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead. "
        "If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
        "22012",
    )


def out_of_range(value: object, to: T.DecimalType) -> ArithmeticException:
    return ArithmeticException(
        "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION",
        f"{value} cannot be represented as Decimal({to.precision}, {to.scale}). If necessary set "
        "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error, and return NULL instead.",
        "22003",
    )


# --------------------------------------------------------------------------- rescaling


def rescale(value: pa.Array, to: T.DecimalType, ansi: bool) -> pa.Array:
    """A decimal array (any precision and scale) as decimal(to): rounded HALF_UP to ``to.scale``;
    values with more integer digits than ``to`` allows (after rounding) raise (ANSI) or become NULL.

    One min/max pass decides what is needed: values that cannot overflow skip the range check,
    and rounding gets a digit of headroom only when the largest value carries into a new digit
    (Arrow's ``round`` wraps silently when its result outgrows the type)."""
    target = pa.decimal128(to.precision, to.scale)
    if value.type == target:
        return value
    bounds = pc.min_max(value)
    if not bounds["min"].is_valid:
        return pa.nulls(len(value), target)
    largest = max(bounds["min"].as_py().copy_abs(), bounds["max"].as_py().copy_abs())  # abs() would round
    precision, scale = value.type.precision, value.type.scale
    with decimal.localcontext() as ctx:
        ctx.prec = 100
        rounded = largest.quantize(decimal.Decimal(1).scaleb(-min(scale, to.scale)), decimal.ROUND_HALF_UP)
        fits = rounded < decimal.Decimal(10) ** (to.precision - to.scale)
        carries = rounded >= decimal.Decimal(10) ** (precision - scale)
    if scale > to.scale:
        value = pc.round(_with_headroom(value) if carries else value, ndigits=to.scale,
                         round_mode="half_towards_infinity")
    if not fits:
        if scale > to.scale:
            precision = value.type.precision - (scale - to.scale)
            value = value.cast(pa.decimal256(precision, to.scale))  # exact: the dropped digits are zeros
        value = out_of_range_as_null(value, to, ansi)
    return value.cast(target)


def out_of_range_as_null(value: pa.Array, to: T.DecimalType, ansi: bool) -> pa.Array:
    """``value`` with NULL where decimal(to) cannot hold it; ANSI mode raises instead."""
    int_digits = to.precision - to.scale
    limit = pa.scalar(decimal.Decimal(10) ** int_digits, pa.decimal256(int_digits + 1 + value.type.scale,
                                                                         value.type.scale))
    too_big = pc.fill_null(pc.greater_equal(pc.abs(value), limit), False)
    if not pc.any(too_big).as_py():
        return value
    if ansi:
        raise out_of_range(pc.filter(value, too_big)[0].as_py(), to)
    return pc.if_else(too_big, pa.scalar(None, value.type), value)


def _with_headroom(value: pa.Array) -> pa.Array:
    precision, scale = value.type.precision, value.type.scale
    if pa.types.is_decimal128(value.type) and precision < 38:
        return value.cast(pa.decimal128(precision + 1, scale))
    if precision < 76:
        return value.cast(pa.decimal256(precision + 1, scale))
    return value.cast(pa.decimal256(min(76, _digits(value) + 1), scale))


# --------------------------------------------------------------------------- exact kernels


def _decimal_type(width: str, precision: int, scale: int) -> pa.DataType:
    limit = 38 if width == "128" else 76
    if precision > limit:
        raise pa.ArrowInvalid(f"Decimal precision out of range [1, {limit}]: {precision}")
    return (pa.decimal128 if width == "128" else pa.decimal256)(max(precision, 1), scale)


def _width(value: ArrowValue) -> str:
    return "128" if pa.types.is_decimal128(value.type) else "256"


def _divide(left: ArrowValue, right: ArrowValue, scale: int) -> ArrowValue:
    """The quotient truncated at a scale finer than ``scale``: Arrow's result scale is
    s1 + p2 - s2 + 1, so the dividend is given just enough scale for that to exceed ``scale``."""
    lt, rt = left.type, right.type
    needed = scale + rt.scale - rt.precision
    if lt.scale < needed:
        left = left.cast(_decimal_type(_width(left), lt.precision + needed - lt.scale, needed))
    return pc.divide(left, right)


def _remainder(left: ArrowValue, right: ArrowValue, scale: int) -> ArrowValue:
    """``left - right * trunc(left / right)``, exactly (the integer part of Arrow's truncated
    quotient is the exact one)."""
    quotient = pc.divide(left, right)
    qt = quotient.type
    if qt.precision == qt.scale:  # Arrow's trunc wants a digit before the point
        quotient = quotient.cast(_decimal_type(_width(quotient), qt.precision + 1, qt.scale))
    quotient = pc.trunc(quotient)
    int_digits = quotient.type.precision - quotient.type.scale
    whole = quotient.cast(_decimal_type(_width(quotient), int_digits, 0))
    return pc.subtract(left, pc.multiply(whole, right))


_KERNELS: dict[str, Callable[[ArrowValue, ArrowValue, int], ArrowValue]] = {
    "add": lambda l, r, s: pc.add(l, r),
    "subtract": lambda l, r, s: pc.subtract(l, r),
    "multiply": lambda l, r, s: pc.multiply(l, r),
    "divide": _divide,
    "remainder": _remainder,
}


def _digits(value: ArrowValue) -> int:
    """Digits of the largest unscaled magnitude in ``value`` (at least its scale, and 1)."""
    largest = pc.max(pc.abs(value)) if not isinstance(value, pa.Scalar) else pc.abs(value)
    largest = largest.as_py() if largest.is_valid else decimal.Decimal(0)
    with decimal.localcontext() as ctx:
        ctx.prec = 100
        return max(len(str(int(largest.scaleb(value.type.scale)))), value.type.scale, 1)


def _in_width(width: str, narrow: bool) -> Callable[[ArrowValue], ArrowValue]:
    def prepare(value: ArrowValue) -> ArrowValue:
        precision = _digits(value) if narrow else value.type.precision
        return value.cast(_decimal_type(width, precision, value.type.scale))

    return prepare


_ATTEMPTS = (lambda v: v, _in_width("128", True), _in_width("256", False), _in_width("256", True))


def _python_result(op: str, left: pa.Array, right: pa.Array, result: T.DecimalType, ansi: bool) -> pa.Array:
    """The last resort for operands too wide for Arrow's kernels: exact integer arithmetic per row."""
    quantum = decimal.Decimal(1).scaleb(-result.scale)
    limit = decimal.Decimal(10) ** (result.precision - result.scale)
    out: list[decimal.Decimal | None] = []
    with decimal.localcontext() as ctx:
        ctx.prec = 200
        for a, b in zip(left.to_pylist(), right.to_pylist()):
            if a is None or b is None:
                out.append(None)
                continue
            if op == "divide":
                value = _half_up_quotient(a, b, result.scale)
            else:
                value = {"add": a + b, "subtract": a - b, "multiply": a * b, "remainder": a % b}[op]
                value = value.quantize(quantum, rounding=decimal.ROUND_HALF_UP)
            if abs(value) >= limit:
                if ansi:
                    raise out_of_range(value, result)
                value = None
            out.append(value)
    return pa.array(out, pa.decimal128(result.precision, result.scale))


def _half_up_quotient(a: decimal.Decimal, b: decimal.Decimal, scale: int) -> decimal.Decimal:
    sa, ea = a.as_integer_ratio()
    sb, eb = b.as_integer_ratio()
    numerator, denominator = sa * eb * 10**scale, ea * sb
    q, r = divmod(abs(numerator), abs(denominator))
    if 2 * r >= abs(denominator):
        q += 1
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    return decimal.Decimal(sign * q).scaleb(-scale)


def _null_zero_divisors(right: ArrowValue, op: str, ansi: bool) -> ArrowValue:
    zero = pc.equal(right, pa.scalar(0, right.type))
    if isinstance(zero, pa.Scalar):
        if zero.as_py():
            if ansi:
                raise_divide_by_zero(op)
            return pa.scalar(None, right.type)
        return right
    if pc.any(zero).as_py():
        if ansi:
            raise_divide_by_zero(op)
        return pc.if_else(zero, pa.scalar(None, right.type), right)
    return right


def _operands(left: ArrowValue, right: ArrowValue) -> tuple[ArrowValue, ArrowValue, bool]:
    """Both operands as arrays or scalars (never chunked); whether both were scalars."""
    scalars = isinstance(left, pa.Scalar) and isinstance(right, pa.Scalar)
    if scalars:
        left, right = pa.array([left.as_py()], left.type), pa.array([right.as_py()], right.type)
    if isinstance(left, pa.ChunkedArray):
        left = left.combine_chunks()
    if isinstance(right, pa.ChunkedArray):
        right = right.combine_chunks()
    return left, right, scalars


def _in_arrow(op: str, left: ArrowValue, right: ArrowValue, scale: int) -> pa.Array | None:
    """The exact (or, for ``/``, finely truncated) result from Arrow, or ``None`` if too wide."""
    for prepare in _ATTEMPTS:
        try:
            return _KERNELS[op](prepare(left), prepare(right), scale)
        except pa.ArrowInvalid as e:
            if "precision" not in str(e).lower():
                raise
    return None


def decimal_arithmetic(op: str, left: ArrowValue, right: ArrowValue, result: T.DecimalType, ansi: bool) -> ArrowValue:
    """``left op right`` on two decimal values, exactly, as Spark's decimal(result)."""
    left, right, scalars = _operands(left, right)
    if op in ("divide", "remainder"):
        right = _null_zero_divisors(right, op, ansi)
    exact = _in_arrow(op, left, right, result.scale)
    if exact is not None:
        out = rescale(exact, result, ansi)
    else:
        length = len(right) if isinstance(left, pa.Scalar) else len(left)
        out = _python_result(op, _broadcast(left, length), _broadcast(right, length), result, ansi)
    return out[0] if scalars else out


def decimal_integral_divide(left: ArrowValue, right: ArrowValue, ansi: bool) -> ArrowValue:
    """``left div right`` on decimals: the quotient truncated toward zero, as a bigint."""
    left, right, scalars = _operands(left, right)
    right = _null_zero_divisors(right, "divide", ansi)
    exact = _in_arrow("divide", left, right, 0)
    if exact is not None:
        whole = pc.trunc(exact)
        whole = whole.cast(_decimal_type(_width(whole), max(1, whole.type.precision - whole.type.scale), 0))
    else:
        length = len(right) if isinstance(left, pa.Scalar) else len(left)
        quotients = [None if a is None or b is None else int(Fraction(a) / Fraction(b))
                     for a, b in zip(_broadcast(left, length).to_pylist(), _broadcast(right, length).to_pylist())]
        whole = pa.array(quotients, pa.decimal256(76, 0))
    limit = pa.scalar(2**63, pa.decimal256(20, 0))
    too_big = pc.fill_null(pc.or_(pc.greater_equal(whole, limit), pc.less(whole, pc.negate(limit))), False)
    if pc.any(too_big).as_py():
        if ansi:
            raise ArithmeticException(
                "ARITHMETIC_OVERFLOW", "Overflow in integral divide. Use 'try_divide' to tolerate overflow and "
                "return NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                "22003")
        whole = pc.if_else(too_big, pa.scalar(None, whole.type), whole)
    out = whole.cast(pa.int64())
    return out[0] if scalars else out


def _broadcast(value: ArrowValue, length: int) -> pa.Array:
    return pa.array([value.as_py()] * length, value.type) if isinstance(value, pa.Scalar) else value


def round_result_type(dt: T.DecimalType, scale: int) -> T.DecimalType:
    """The type of ``round(decimal(p, s), scale)``: one more integer digit for the carry."""
    integral = dt.precision - dt.scale + 1
    if scale < 0:
        return T.DecimalType(min(max(integral, 1 - scale), MAX_PRECISION), 0)
    kept = min(dt.scale, scale)
    return T.DecimalType(min(integral + kept, MAX_PRECISION), kept)


def round_decimal(value: ArrowValue, scale: int, ansi: bool) -> ArrowValue:
    """``round(value, scale)`` HALF_UP on decimals (``scale`` may be negative: tens, hundreds...)."""
    array, _, scalar = _operands(value, value)
    to = round_result_type(T.DecimalType(array.type.precision, array.type.scale), scale)
    if scale < 0:  # room for the carry (950 -> 1000) and for the rounded-to digit itself
        p, s = array.type.precision, array.type.scale
        wide = max(p + 1, s - scale + 1)
        array = array.cast(pa.decimal128(wide, s) if wide <= 38 else pa.decimal256(min(wide, 76), s))
        array = pc.round(array, ndigits=scale, round_mode="half_towards_infinity")
    out = rescale(array, to, ansi)
    return out[0] if scalar else out
