"""Arithmetic and mathematical functions: rounding, powers and logarithms, trigonometry, ``try_``
arithmetic, bits and shifts, ``width_bucket``."""

from __future__ import annotations

from typing import Any, Callable

from ember.sql import expressions as E
from ember.sql.column import Column, expression_of, value_expression
from ember.sql.function_groups.builders import (
    call as _call, col_arg as _c, literal_value as _lit_value, seed_value, sql_call as _sql_call, sql_namer,
    unary as _unary,
)

__all__ = [
    "round", "abs", "sqrt", "exp", "log", "ln", "pow", "power", "floor", "ceil", "ceiling", "pmod",
    "try_add", "try_subtract", "try_multiply", "try_divide", "try_mod", "sin", "cos", "tan", "asin", "acos",
    "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "cot", "sec", "csc", "degrees",
    "radians", "log10", "log2", "log1p", "expm1", "cbrt", "hypot", "factorial", "signum", "sign", "rint", "bin",
    "bround", "conv", "shiftleft", "shiftright", "shiftrightunsigned", "bitwise_not", "bit_count", "getbit",
    "bit_get", "e", "pi", "negative", "positive", "width_bucket", "negate", "uniform",
]

SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {}
_sql_name = sql_namer(SQL_FUNCTIONS)


@_sql_name()
def round(col: Any, scale: int = 0) -> Column:
    return Column(E.Round(_c(col), _lit_value(scale, "scale")))


@_sql_name()
def abs(col: Any) -> Column:
    return Column(E.Abs(_c(col)))


@_sql_name()
def sqrt(col: Any) -> Column:
    return Column(E.Sqrt(_c(col)))


@_sql_name()
def exp(col: Any) -> Column:
    return Column(E.Exp(_c(col)))


def log(arg1: Any, arg2: Any = None) -> Column:
    """``log(col)`` is the natural log (named ``ln(col)``); ``log(base, col)`` the log in ``base``."""
    if arg2 is None:
        return Column(E.Log(_c(arg1)))
    base = expression_of(arg1) if isinstance(arg1, Column) else E.Literal.of(float(_lit_value(arg1, "base")))
    return Column(E.Logarithm(base, _c(arg2)))


@_sql_name("log")
def _sql_log(arg1: Any, arg2: Any = None) -> Column:
    """SQL's ``log(x)`` is ``LOG(E(), x)`` (Spark's name for it), ``log(b, x)`` as in the DataFrame API."""
    return log(e(), arg1) if arg2 is None else log(arg1, arg2)


@_sql_name("pow", "power")
def pow(col1: Any, col2: Any) -> Column:
    left = _c(col1) if isinstance(col1, (str, Column)) else E.Literal.of(col1)
    right = _c(col2) if isinstance(col2, (str, Column)) else E.Literal.of(col2)
    return Column(E.Pow(left, right))


power = pow


@_sql_name()
def floor(col: Any, scale: Any = None) -> Column:
    """Round down; with ``scale``, to that many decimal places as a decimal (negative: to tens…)."""
    if scale is None:
        return Column(E.Floor(_c(col)))
    return _call("floor", _c(col), value_expression(scale))


@_sql_name("ceil", "ceiling")
def ceil(col: Any, scale: Any = None) -> Column:
    """Round up; with ``scale``, to that many decimal places as a decimal (negative: to tens…)."""
    if scale is None:
        return Column(E.Ceil(_c(col)))
    return _call("ceil", _c(col), value_expression(scale))


ceiling = ceil


@_sql_name()
def mod(dividend: Any, divisor: Any) -> Column:
    """``dividend % divisor``, with the dividend's sign."""
    return Column(E.Mod(_c(dividend), _c(divisor)))


@_sql_name()
def pmod(dividend: Any, divisor: Any) -> Column:
    """The positive remainder of ``dividend`` by ``divisor``."""
    return Column(E.Pmod(_c(dividend), _c(divisor)))


def _try(name: str, operator: type) -> Callable[[Any, Any], Column]:
    def build(left: Any, right: Any) -> Column:
        return Column(E.TryArithmetic(operator(_c(left), _c(right)), name))

    build.__name__ = name
    build.__doc__ = f"``{name}(left, right)``: as the operator in ANSI mode, but NULL where it fails."
    return build


try_add = _sql_name("try_add")(_try("try_add", E.Add))
try_subtract = _sql_name("try_subtract")(_try("try_subtract", E.Subtract))
try_multiply = _sql_name("try_multiply")(_try("try_multiply", E.Multiply))
try_divide = _sql_name("try_divide")(_try("try_divide", E.Divide))
try_mod = _sql_name("try_mod")(_try("try_mod", E.Remainder))


for _name in (
    "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "cot", "sec", "csc", "asinh",
    "acosh", "atanh", "degrees", "radians", "log10", "log2", "log1p", "expm1", "cbrt", "hypot", "factorial",
    "bround", "conv", "bin", "shiftleft", "shiftright", "shiftrightunsigned", "signum", "sign", "rint", "e", "pi",
    "ln", "positive", "bit_count", "getbit", "bit_get", "width_bucket",
):
    SQL_FUNCTIONS[_name] = _sql_call(_name)
for _alias, _name in {"bitwiseleftshift": "shiftleft", "bitwiserightshift": "shiftright",
                      "bitwise_count": "bit_count"}.items():
    SQL_FUNCTIONS[_alias] = _sql_call(_name)

sin, cos, tan, asin, acos, atan = (_unary(n) for n in ("sin", "cos", "tan", "asin", "acos", "atan"))
sinh, cosh, tanh, asinh, acosh, atanh = (_unary(n) for n in ("sinh", "cosh", "tanh", "asinh", "acosh", "atanh"))
cot, sec, csc, degrees, radians = (_unary(n) for n in ("cot", "sec", "csc", "degrees", "radians"))
log10, log2, log1p, expm1, cbrt = (_unary(n) for n in ("log10", "log2", "log1p", "expm1", "cbrt"))
factorial, signum, sign, rint, bin = (_unary(n) for n in ("factorial", "signum", "sign", "rint", "bin"))
bitwise_not = _unary("bitwise_not")


ln, positive, bit_count = _unary("ln"), _unary("positive"), _unary("bit_count")


def _numeric_pair(name: str) -> Callable[[Any, Any], Column]:
    def fn(col1: Any, col2: Any) -> Column:
        return _call(name, *(E.Literal.of(c) if isinstance(c, (int, float)) else _c(c) for c in (col1, col2)))

    fn.__name__ = fn.__qualname__ = name
    return fn


atan2, hypot = _numeric_pair("atan2"), _numeric_pair("hypot")


def bround(col: Any, scale: Any = None) -> Column:
    return _call("bround", _c(col), value_expression(0 if scale is None else scale))


def conv(col: Any, fromBase: int, toBase: int) -> Column:
    return _call("conv", _c(col), value_expression(fromBase), value_expression(toBase))


def shiftleft(col: Any, numBits: int) -> Column:
    return _call("shiftleft", _c(col), value_expression(numBits))


def shiftright(col: Any, numBits: int) -> Column:
    return _call("shiftright", _c(col), value_expression(numBits))


def shiftrightunsigned(col: Any, numBits: int) -> Column:
    return _call("shiftrightunsigned", _c(col), value_expression(numBits))


def e() -> Column:
    return _call("e")


def pi() -> Column:
    return _call("pi")


@_sql_name("negative")
def negative(col: Any) -> Column:
    return Column(E.Negative(_c(col)))


def getbit(col: Any, pos: Any) -> Column:
    return _call("getbit", _c(col), _c(pos) if isinstance(pos, (str, Column)) else value_expression(pos))


bit_get = getbit


def width_bucket(v: Any, min: Any, max: Any, numBucket: Any) -> Column:
    """The bucket (1..numBucket) of ``v`` in equal-width buckets over [min, max); 0 below, numBucket + 1 above."""
    buckets = value_expression(numBucket) if isinstance(numBucket, int) else _c(numBucket)
    return _call("width_bucket", _c(v), _c(min), _c(max), buckets)


# PySpark's other spellings of functions above.
bitwiseNOT, toDegrees, toRadians = bitwise_not, degrees, radians
shiftLeft, shiftRight, shiftRightUnsigned, negate = shiftleft, shiftright, shiftrightunsigned, negative


def uniform(min: Any, max: Any, seed: Any = None) -> Column:
    """A random number in [min, max) per row, of the wider of the bounds' types (literals); deterministic
    per ``seed`` and partition, but numpy's numbers, not Spark's."""
    from ember.sql.expressions.random_values import Uniform

    return Column(Uniform(seed_value(seed), value_expression(min), value_expression(max), seed is not None))


SQL_FUNCTIONS["uniform"] = uniform
