"""Mathematical and bitwise functions as ``FunctionSpec``s (see ``function_call.py``).

Trigonometry and logarithms run on Arrow or numpy kernels over the whole column; Spark's
logarithms return NULL (not ``-inf``/NaN) at or below their asymptote. Integer-only functions
(``factorial``, ``conv``, ``bin``, shifts) follow Java's integer semantics per row.
"""

from __future__ import annotations

import decimal
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.errors import AnalysisException, SparkRuntimeException
from ember.sql.expressions.arithmetic import UnaryMinus
from ember.sql.expressions.base import Expression
from ember.sql.expressions.coercion import (binary_type_mismatch, cast_if_needed, cast_to_common_type,
                                            common_type, is_numeric)
from ember.sql.expressions.function_call import ANY, NUMERIC, FunctionCall, FunctionSpec, register
from ember.sql.expressions.literals import Literal

__all__ = ["Negative", "Rand", "SparkPartitionId", "MonotonicallyIncreasingId"]

D, L, I = T.DoubleType(), T.LongType(), T.IntegerType()


@dataclass(frozen=True, slots=True)
class Negative(UnaryMinus):
    """``-col`` in the Python API (``negative(col)``): SQL's ``-x`` under the name Spark gives it."""

    def _fmt(self, args: list[str]) -> str:
        return f"negative({args[0]})"


def _numpy(fn: Callable[[np.ndarray], np.ndarray]) -> Callable[[pa.Array], pa.Array]:
    """An elementwise numpy function over a double array, NULLs kept."""
    def run(values: pa.Array) -> pa.Array:
        data = pc.fill_null(values, 0.0).to_numpy(zero_copy_only=False)
        with np.errstate(all="ignore"):
            out = pa.array(fn(data), pa.float64())
        return pc.if_else(pc.is_null(values), pa.scalar(None, pa.float64()), out)
    return run


def _log(kernel: Callable[[pa.Array], pa.Array], asymptote: float) -> Callable[[pa.Array], pa.Array]:
    """A logarithm returning NULL at or below ``asymptote``, as Spark's."""
    def run(values: pa.Array) -> pa.Array:
        return pc.if_else(pc.less_equal(values, asymptote), pa.scalar(None, pa.float64()), kernel(values))
    return run


def _factorial(n: int) -> int | None:
    return math.factorial(n) if 0 <= n <= 20 else None


def _bround(x, d: int = 0):
    if isinstance(x, float):
        if math.isnan(x) or math.isinf(x):
            return x
        return float(decimal.Decimal(repr(x)).quantize(decimal.Decimal(1).scaleb(-d), decimal.ROUND_HALF_EVEN))
    if d >= 0:
        return x
    step = 10 ** -d
    return int((decimal.Decimal(x) / step).quantize(decimal.Decimal(1), decimal.ROUND_HALF_EVEN) * step)


def _decimal_of(dt: T.DataType) -> T.DecimalType:
    """The decimal type Spark converts a numeric type to before rounding it to a scale."""
    if isinstance(dt, T.DecimalType):
        return dt
    return {T.ByteType: T.DecimalType(3, 0), T.ShortType: T.DecimalType(5, 0), T.IntegerType: T.DecimalType(10, 0),
            T.LongType: T.DecimalType(20, 0), T.FloatType: T.DecimalType(14, 7)}.get(type(dt), T.DecimalType(30, 15))


def _rounded_type(args: list) -> T.DataType:
    """``ceil(x, s)``/``floor(x, s)``: x as a decimal, its scale cut to ``s`` (0 when negative)."""
    source = _decimal_of(args[0].data_type)
    scale = args[1].value if isinstance(args[1], Literal) and args[1].value is not None else 0
    new_scale = max(0, min(scale, source.scale))
    return T.DecimalType(min(38, source.precision - source.scale + new_scale + 1), new_scale)


def _round_to_scale(rounding: str) -> Callable:
    def run(x, scale: int):
        if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
            return None
        value = decimal.Decimal(repr(x)) if isinstance(x, float) else decimal.Decimal(x)
        step = decimal.Decimal(1).scaleb(-scale)
        return value.quantize(step, rounding=rounding) if scale >= 0 else \
            (value / step).quantize(decimal.Decimal(1), rounding=rounding) * step
    return run


def _scale_args(call: FunctionCall) -> tuple:
    value, scale = call.args
    if not isinstance(scale, Literal):
        raise AnalysisException(
            "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
            f"Cannot resolve \"{call.sql()}\" due to data type mismatch: the input `scale` should be a foldable "
            f"\"INT\" expression; however, got \"{scale.sql()}\".")
    if not (is_numeric(value.data_type) or isinstance(value.data_type, T.NullType)):
        raise AnalysisException(
            "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
            f"Cannot resolve \"{call.sql()}\" due to data type mismatch: The first parameter requires the "
            f"\"NUMERIC\" type, however \"{value.sql()}\" has the type "
            f"\"{value.data_type.simpleString().upper()}\".")
    return value, cast_if_needed(scale, I)


def _with_bit_width(call: FunctionCall) -> tuple:
    """An integral or boolean value and the width in bits of its type (Java's ``bitCount``)."""
    value = call.args[0]
    widths = {T.BooleanType: 1, T.ByteType: 8, T.ShortType: 16, T.IntegerType: 32, T.LongType: 64}
    bits = widths.get(type(value.data_type))
    if bits is None and not isinstance(value.data_type, T.NullType):
        raise AnalysisException(
            "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
            f"Cannot resolve \"{call.sql()}\" due to data type mismatch: The first parameter requires the "
            f"(\"INTEGRAL\" or \"BOOLEAN\") type, however \"{value.sql()}\" has the type "
            f"\"{value.data_type.simpleString().upper()}\".")
    return value, Literal(bits or 64, I)


def _getbit(value: int, position: int) -> int:
    if not 0 <= position < 64:
        raise SparkRuntimeException(
            "INVALID_PARAMETER_VALUE.BIT_POSITION_RANGE",
            f"The value of parameter(s) `pos` in `getbit` is invalid: expects an integer value in [0, 64), but got "
            f"{position}.", "22023")
    return (value >> position) & 1


def _width_bucket(value: float, low: float, high: float, buckets: int) -> int | None:
    """Spark's ``width_bucket``: 0 below the range, ``buckets + 1`` above it, NULL for no range."""
    if buckets <= 0 or low == high or any(math.isnan(v) or math.isinf(v) for v in (value, low, high)):
        return None
    if low < high:
        if value < low:
            return 0
        if value >= high:
            return buckets + 1
        return int((value - low) / (high - low) * buckets) + 1
    if value > low:
        return 0
    if value <= high:
        return buckets + 1
    return int((low - value) / (low - high) * buckets) + 1


def _digits(n: int, base: int) -> str:
    chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while True:
        n, r = divmod(n, base)
        out = chars[r] + out
        if n == 0:
            return out


def _conv(num: str, from_base: int, to_base: int) -> str | None:
    """Spark's ``conv``: parse as unsigned 64-bit in ``from_base``; a negative ``to_base`` prints signed."""
    text = num.strip()
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    valid = 0
    for ch in digits.upper():
        if not ch.isalnum() or int(ch, 36) >= abs(from_base):
            break
        valid += 1
    if valid == 0:
        return None
    value = int(digits[:valid], abs(from_base))
    value &= 0xFFFFFFFFFFFFFFFF
    if negative:
        value = (-value) & 0xFFFFFFFFFFFFFFFF
    if to_base < 0 and value >= 1 << 63:
        return "-" + _digits((1 << 64) - value, -to_base)
    return _digits(value, abs(to_base))


def _shift(left: bool, unsigned: bool = False) -> Callable[[int, int, int], int]:
    def run(value: int, n: int, bits: int) -> int:
        mask = (1 << bits) - 1
        n %= bits
        if left:
            out = (value << n) & mask
        elif unsigned:
            out = (value & mask) >> n
        else:
            return value >> n
        return out - (1 << bits) if out >= 1 << (bits - 1) else out
    return run


def _greatest_least(call: FunctionCall) -> tuple:
    return cast_to_common_type(call, call.args, call.name)


def _common_numeric_args(call: FunctionCall) -> tuple:
    target = common_type([a.data_type for a in call.args]) or D
    return tuple(cast_if_needed(a, target) for a in call.args)


def _same_as_first(types: list[T.DataType]) -> T.DataType:
    return types[0]


# Spark spells these functions' names in capitals in the column names it derives, e.g. ``SIN(d)``.
_UPPER = {"sinh", "cosh", "tanh", "expm1", "cbrt", "degrees", "radians", "cot", "sec", "csc", "signum",
          "asinh", "acosh", "atanh"}


def _upper(name: str) -> Callable[[list[str]], str]:
    return lambda args: f"{name.upper()}({', '.join(args)})"


for _name, _kernel in [("sin", pc.sin), ("cos", pc.cos), ("tan", pc.tan), ("asin", pc.asin),
                       ("acos", pc.acos), ("atan", pc.atan)]:
    register(FunctionSpec(_name, (D,), D, vector=_kernel, fmt=_upper(_name)))
for _name, _fn in [("sinh", np.sinh), ("cosh", np.cosh), ("tanh", np.tanh), ("expm1", np.expm1),
                   ("cbrt", np.cbrt), ("degrees", np.degrees), ("radians", np.radians),
                   ("cot", lambda x: 1 / np.tan(x)), ("sec", lambda x: 1 / np.cos(x)),
                   ("csc", lambda x: 1 / np.sin(x)), ("signum", np.sign), ("rint", np.rint),
                   ("asinh", np.arcsinh), ("acosh", np.arccosh), ("atanh", np.arctanh)]:
    register(FunctionSpec(_name, (D,), D, vector=_numpy(_fn), fmt=_upper(_name) if _name in _UPPER else None))
register(FunctionSpec("sign", (D,), D, vector=_numpy(np.sign), fmt=lambda a: f"sign({a[0]})"))
register(FunctionSpec("ln", (D,), D, vector=_log(pc.ln, 0.0)))
register(FunctionSpec("positive", (NUMERIC,), _same_as_first, vector=lambda a: a, fmt=lambda a: f"(+ {a[0]})"))
register(FunctionSpec("bit_count", (ANY,), I, coerce_args=_with_bit_width, hidden_args=1,
                      row=lambda v, bits: bin(int(v) & ((1 << bits) - 1)).count("1")))
register(FunctionSpec("width_bucket", (D, D, D, L), L, row=_width_bucket))
register(FunctionSpec("getbit", (L, I), T.ByteType(), row=_getbit))
register(FunctionSpec("bit_get", (L, I), T.ByteType(), row=_getbit))
register(FunctionSpec("log10", (D,), D, vector=_log(pc.log10, 0.0), fmt=_upper("log10")))
register(FunctionSpec("log2", (D,), D, vector=_log(pc.log2, 0.0), fmt=_upper("log2")))
register(FunctionSpec("log1p", (D,), D, vector=_log(pc.log1p, -1.0), fmt=_upper("log1p")))
register(FunctionSpec("atan2", (D, D), D, vector=pc.atan2, fmt=_upper("atan2")))
register(FunctionSpec("hypot", (D, D), D, vector=lambda a, b: _numpy_binary(np.hypot, a, b), fmt=_upper("hypot")))
register(FunctionSpec("factorial", (I,), L, row=_factorial))
register(FunctionSpec("greatest", (ANY,), _same_as_first, variadic=True, min_args=2, coerce_args=_greatest_least,
                      vector=lambda *v: pc.max_element_wise(*v, skip_nulls=True)))
register(FunctionSpec("least", (ANY,), _same_as_first, variadic=True, min_args=2, coerce_args=_greatest_least,
                      vector=lambda *v: pc.min_element_wise(*v, skip_nulls=True)))
register(FunctionSpec("bround", (NUMERIC, I), _same_as_first, min_args=1, row=_bround,
                      fmt=lambda a: f"bround({a[0]}, {a[1] if len(a) > 1 else 0})"))
register(FunctionSpec("ceil", (ANY, I), _rounded_type, typed_by_args=True, coerce_args=_scale_args,
                      row=_round_to_scale(decimal.ROUND_CEILING)))
register(FunctionSpec("floor", (ANY, I), _rounded_type, typed_by_args=True, coerce_args=_scale_args,
                      row=_round_to_scale(decimal.ROUND_FLOOR)))
register(FunctionSpec("conv", (T.StringType(), I, I), T.StringType(), row=_conv))
register(FunctionSpec("bin", (L,), T.StringType(), row=lambda v: format(v & 0xFFFFFFFFFFFFFFFF, "b")))


def _shift_spec(name: str, run: Callable[[int, int, int], int]) -> FunctionSpec:
    """A Java shift: ``int`` inputs shift in 32 bits (the width rides along as a third argument)."""
    def coerce(call: FunctionCall) -> tuple:
        value, n = call.args[:2]
        narrow = isinstance(value.data_type, (T.ByteType, T.ShortType, T.IntegerType))
        return (cast_if_needed(value, I if narrow else L), cast_if_needed(n, I),
                Literal(32 if narrow else 64, I))

    return FunctionSpec(name, (ANY, I), _same_as_first, coerce_args=coerce, row=run,
                        fmt=lambda a: f"{name}({a[0]}, {a[1]})")


register(_shift_spec("shiftleft", _shift(True)))
register(_shift_spec("shiftright", _shift(False)))
register(_shift_spec("shiftrightunsigned", _shift(False, unsigned=True)))
register(FunctionSpec("isnan", (D,), T.BooleanType(), null_safe=True, nullable=False,
                      vector=lambda a: pc.fill_null(pc.is_nan(a), False)))
register(FunctionSpec("bitwise_not", (ANY,), _same_as_first, coerce_args=lambda call: _integral_args(call, "~"),
                      vector=pc.bit_wise_not, fmt=lambda a: f"~{a[0]}"))


def _integral_args(call: FunctionCall, operator: str) -> tuple:
    """Integral operands at their wider type; anything else is Spark's type mismatch (for a binary
    operator ``BINARY_OP_DIFF_TYPES`` when the two types differ, as for ``+``)."""
    types = [a.data_type for a in call.args if not isinstance(a.data_type, T.NullType)]
    wrong = next((t for t in types if not isinstance(t, T.IntegralType)), None)
    if wrong is None:
        return cast_to_common_type(call, call.args, operator)
    shown = wrong.simpleString().upper()
    if len(call.args) == 1:
        raise AnalysisException(
            "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
            f"Cannot resolve \"{call.sql()}\" due to data type mismatch: The first parameter requires the "
            f"\"INTEGRAL\" type, however \"{call.args[0].sql()}\" has the type \"{shown}\".", "42K09")
    if len(set(types)) == 2:
        raise binary_type_mismatch(call, call.args[0].data_type, call.args[1].data_type)
    raise AnalysisException(
        "DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE",
        f"Cannot resolve \"{call.sql()}\" due to data type mismatch: the binary operator requires the input type "
        f"\"INTEGRAL\", not \"{shown}\".", "42K09")


for _operator, _kernel in (("&", pc.bit_wise_and), ("|", pc.bit_wise_or), ("^", pc.bit_wise_xor)):
    register(FunctionSpec(_operator, (ANY, ANY), _same_as_first,
                          coerce_args=lambda call, op=_operator: _integral_args(call, op), vector=_kernel,
                          fmt=lambda a, op=_operator: f"({a[0]} {op} {a[1]})"))
register(FunctionSpec("e", (), D, row=lambda: math.e, null_safe=True, nullable=False, fmt=_upper("e")))
register(FunctionSpec("pi", (), D, row=lambda: math.pi, null_safe=True, nullable=False, fmt=_upper("pi")))
register(FunctionSpec("nanvl", (D, D), D, vector=lambda a, b: pc.if_else(pc.is_nan(a), b, a)))


def _numpy_binary(fn, a: pa.Array, b: pa.Array) -> pa.Array:
    x = pc.fill_null(a, 0.0).to_numpy(zero_copy_only=False)
    y = pc.fill_null(b, 0.0).to_numpy(zero_copy_only=False)
    out = pa.array(fn(x, y), pa.float64())
    return pc.if_else(pc.or_(pc.is_null(a), pc.is_null(b)), pa.scalar(None, pa.float64()), out)


# ---------------------------------------------------------------- random numbers
_GENERATORS: dict[tuple[int, int], np.random.Generator] = {}


@dataclass(frozen=True, slots=True)
class SeededDraw(Expression):
    """A random draw per row, never NULL, from a generator seeded by ``seed`` and the partition:
    a partition's values depend only on the seed and the rows' order, as Spark promises. The
    base of ``rand``/``randn`` and of sampling's Poisson counts."""

    seed: int

    @property
    def nullable(self) -> bool:
        return False

    @property
    def foldable(self) -> bool:
        return False

    @property
    def deterministic(self) -> bool:
        return False

    def generator(self) -> np.random.Generator:
        """This expression's generator in the running task (one per task and expression)."""
        from ember.task_context import TaskContext

        context = TaskContext.get()
        task = context.task_attempt_id if context is not None else -1
        key = (task, id(self))
        if key not in _GENERATORS:
            if any(k[0] != task for k in _GENERATORS):
                _GENERATORS.clear()  # a new task: the previous task's generators are done
            partition = context.partition_id if context is not None else 0
            _GENERATORS[key] = np.random.default_rng([self.seed & 0xFFFFFFFFFFFFFFFF, partition])
        return _GENERATORS[key]


@dataclass(frozen=True, slots=True)
class Rand(SeededDraw):
    """``rand(seed)`` (uniform in [0, 1)) or ``randn(seed)`` (standard normal), per row.

    Deterministic per partition for a seed, as Spark's contract; the values are numpy's, not
    the ones Spark's XORShift generator draws.
    """

    gaussian: bool = False

    @property
    def data_type(self) -> T.DataType:
        return D

    def eval(self, batch: pa.RecordBatch) -> pa.Array:
        generator = self.generator()
        n = batch.num_rows
        return pa.array(generator.standard_normal(n) if self.gaussian else generator.random(n), pa.float64())

    def _fmt(self, args: list[str]) -> str:
        return f"{'randn' if self.gaussian else 'rand'}({self.seed})"


# ---------------------------------------------------------------- where a row is
_ROW_COUNTERS: dict[tuple[int, int], int] = {}


def _partition_id() -> int:
    from ember.task_context import TaskContext

    context = TaskContext.get()
    return context.partition_id if context is not None else 0


@dataclass(frozen=True, slots=True)
class SparkPartitionId(Expression):
    """``spark_partition_id()``: the partition the row is in."""

    @property
    def data_type(self) -> T.DataType:
        return I

    @property
    def nullable(self) -> bool:
        return False

    @property
    def foldable(self) -> bool:
        return False

    @property
    def deterministic(self) -> bool:
        return False

    def eval(self, batch: pa.RecordBatch) -> pa.Array:
        return pa.repeat(pa.scalar(_partition_id(), pa.int32()), batch.num_rows)

    def _fmt(self, args: list[str]) -> str:
        return "SPARK_PARTITION_ID()"


@dataclass(frozen=True, slots=True)
class MonotonicallyIncreasingId(Expression):
    """``monotonically_increasing_id()``: Spark's layout, the partition in the upper 31 bits and
    the row's position within its partition in the lower 33."""

    @property
    def data_type(self) -> T.DataType:
        return L

    @property
    def nullable(self) -> bool:
        return False

    @property
    def foldable(self) -> bool:
        return False

    @property
    def deterministic(self) -> bool:
        return False

    def eval(self, batch: pa.RecordBatch) -> pa.Array:
        from ember.task_context import TaskContext

        context = TaskContext.get()
        task = context.task_attempt_id if context is not None else -1
        key = (task, id(self))
        if key not in _ROW_COUNTERS and any(k[0] != task for k in _ROW_COUNTERS):
            _ROW_COUNTERS.clear()  # a new task: start counting again
        start = _ROW_COUNTERS.get(key, 0)
        _ROW_COUNTERS[key] = start + batch.num_rows
        base = (_partition_id() << 33) + start
        return pa.array(np.arange(base, base + batch.num_rows, dtype=np.int64))

    def _fmt(self, args: list[str]) -> str:
        return "monotonically_increasing_id()"
