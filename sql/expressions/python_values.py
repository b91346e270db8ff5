"""Arrow columns to the Python values a UDF receives, and a UDF's results back to Arrow.

Inputs are what ``collect()`` returns: ints, floats, strings, ``Row`` for structs, ``dict``
for maps, ``None`` for NULL. Numeric columns without NULLs go through numpy's ``tolist``
(several times faster than ``to_pylist``, and the same Python values).

Results follow one of two rule sets, as PySpark's do:

- a regular UDF (``useArrow`` off) keeps a value only when its Python type fits the declared
  type and NULLs it otherwise (a ``str`` for an ``int`` column, an ``int`` for a ``double``
  one); ``int`` and ``bigint`` results wrap to the declared width, anything becomes its
  ``str`` for a string column, and values inside arrays, maps and structs are converted by
  Arrow (an ``int`` in an ``array<double>`` is kept, a ``str`` in an ``array<int>`` fails). The common case, every result of the expected type, is checked once per batch with
  a type census (``set(map(type, results))``) and converted by Arrow in one call; only a
  batch with a stray value is converted value by value.
- an Arrow UDF (``useArrow=True``) converts with ``pa.array(results, type)`` and, when that
  fails, infers an Arrow array and casts it safely to the declared type, so a ``"1.5"`` for a
  ``double`` column is parsed and an out-of-range ``int`` is an error.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any, Callable

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.conversion import from_arrow_value, needs_conversion
from ember.sql.errors import EmberTypeError

__all__ = ["to_python", "from_python", "from_python_arrow"]


def to_python(array: pa.Array, dtype: T.DataType) -> list[Any]:
    """The values of ``array`` as a UDF receives them."""
    if array.null_count == 0 and (pa.types.is_integer(array.type) or pa.types.is_floating(array.type)):
        return array.to_numpy().tolist()
    values = array.to_pylist()
    if needs_conversion(dtype):
        return [from_arrow_value(v, dtype) for v in values]
    return values


_NONE = type(None)
_INTEGRAL_BITS = {T.ByteType: 8, T.ShortType: 16, T.IntegerType: 32, T.LongType: 64}
_EXACT: dict[type, frozenset[type]] = {
    T.BooleanType: frozenset({bool}), T.FloatType: frozenset({float}), T.DoubleType: frozenset({float}),
    T.StringType: frozenset({str}), T.BinaryType: frozenset({bytes}), T.DateType: frozenset({datetime.date}),
    T.TimestampType: frozenset({datetime.datetime}), T.TimestampNTZType: frozenset({datetime.datetime}),
    T.DecimalType: frozenset({decimal.Decimal}),
    **{t: frozenset({int}) for t in _INTEGRAL_BITS},
}


def from_python(results: list[Any], dtype: T.DataType) -> pa.Array:
    """A regular UDF's results as an Arrow array of ``dtype``, by PySpark's rules."""
    arrow_type = to_arrow_type(dtype)
    exact = _EXACT.get(type(dtype))
    if exact is not None and set(map(type, results)) <= exact | {_NONE}:
        try:
            if isinstance(dtype, (T.IntegerType, T.LongType)):
                return pa.array(results, pa.int64()).cast(arrow_type, safe=False)
            return pa.array(results, arrow_type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            pass  # a value out of int64's range, a decimal of too many digits: value by value
    convert = _converter(dtype)
    try:
        return pa.array([convert(v) for v in results], arrow_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as e:
        # Inside arrays, maps and structs PySpark converts with Arrow, and fails the task when
        # a value does not fit (a str in an array<int>), as do small integers out of range.
        raise EmberTypeError("UNSUPPORTED_UDF_RESULT", f"A Python UDF's result does not fit the declared "
                             f"type {dtype.simpleString()}: {e}") from None


def _converter(dtype: T.DataType) -> Callable[[Any], Any]:
    """The function making one result a value Arrow stores for ``dtype``, or ``None``."""
    if isinstance(dtype, (T.IntegerType, T.LongType)):
        return _wrapping(_INTEGRAL_BITS[type(dtype)])
    if isinstance(dtype, (T.ByteType, T.ShortType)):
        return lambda v: v if type(v) is int else None  # out of range: Arrow refuses it below
    if isinstance(dtype, T.StringType):
        return _to_text
    if isinstance(dtype, T.BinaryType):
        return lambda v: bytes(v) if isinstance(v, (bytes, bytearray)) else v.encode() if isinstance(v, str) else None
    if isinstance(dtype, T.DecimalType):
        return lambda v: _fit_decimal(v, dtype) if isinstance(v, decimal.Decimal) else None
    if isinstance(dtype, T.DateType):
        return _to_date
    if isinstance(dtype, (T.TimestampType, T.TimestampNTZType)):
        return _to_timestamp
    if isinstance(dtype, T.ArrayType):
        return lambda v: v if isinstance(v, (list, tuple)) else None
    if isinstance(dtype, T.MapType):
        return lambda v: v if isinstance(v, dict) else None
    if isinstance(dtype, T.StructType):
        width = len(dtype.fields)
        return lambda v: v if isinstance(v, dict) or isinstance(v, tuple) and len(v) == width else None
    if isinstance(dtype, T.FloatType):
        return lambda v: float(v) if type(v) in (float, int) else None
    exact = _EXACT.get(type(dtype))
    if exact is not None:
        return lambda v: v if type(v) in exact else None
    raise EmberTypeError("UNSUPPORTED_DATA_TYPE", f"A Python UDF cannot return the type {dtype.simpleString()}.")


def _wrapping(bits: int) -> Callable[[Any], Any]:
    """Java's ``Number.intValue``-style narrowing PySpark applies: keep the low ``bits`` bits."""
    mask, sign = (1 << bits) - 1, 1 << (bits - 1)

    def convert(v: Any) -> Any:
        if type(v) is not int:
            return None
        v &= mask
        return v - (1 << bits) if v & sign else v
    return convert


def _to_text(v: Any) -> Any:
    """PySpark's text of a non-string result: ``str(v)``, except booleans as ``true``/``false``."""
    if v is None or type(v) is str:
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _fit_decimal(v: decimal.Decimal, dtype: T.DecimalType) -> decimal.Decimal | None:
    quantized = v.quantize(decimal.Decimal(1).scaleb(-dtype.scale), rounding=decimal.ROUND_HALF_UP)
    return quantized if len(quantized.as_tuple().digits) <= dtype.precision else None


def _to_date(v: Any) -> Any:
    if isinstance(v, datetime.datetime):
        return v.date()
    if isinstance(v, datetime.date):
        return v
    if v is None:
        return None
    raise EmberTypeError(
        "UNSUPPORTED_UDF_RESULT",
        f"A Python UDF declared to return date returned {v!r} of type {type(v).__name__}; return a datetime.date.")


def from_python_arrow(results: list[Any], dtype: T.DataType) -> pa.Array:
    """An Arrow UDF's results as an Arrow array of ``dtype``, by PySpark's Arrow rules."""
    arrow_type = to_arrow_type(dtype)
    if isinstance(dtype, T.StringType):
        results = [v if v is None or type(v) is str else str(v) for v in results]
    elif isinstance(dtype, T.StructType):
        results = [_struct_dict(v, dtype.names) for v in results]
    elif isinstance(dtype, T.MapType):
        results = [None if v is None else list(v.items()) for v in results]
    elif isinstance(dtype, (T.DecimalType, T.BinaryType)):
        _require_exact(results, dtype)
    try:
        try:
            return pa.array(results, arrow_type)
        except pa.ArrowInvalid:  # PySpark retries only these (a str for a double), not type errors
            return pc.cast(pa.array(results), arrow_type, safe=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError) as e:
        raise EmberTypeError(
            "UDF_ARROW_TYPE_CONVERSION",
            f"The Arrow UDF's results cannot be converted to {dtype.simpleString()}: {e}") from None


def _to_timestamp(v: Any) -> Any:
    if v is None or isinstance(v, datetime.datetime):
        return v
    raise EmberTypeError(
        "UNSUPPORTED_UDF_RESULT",
        f"A Python UDF declared to return timestamp returned {v!r} of type {type(v).__name__}; "
        "return a datetime.datetime.")


def _struct_dict(v: Any, names: list[str]) -> Any:
    if v is None or isinstance(v, dict):
        return v
    return dict(zip(names, v))


def _require_exact(results: list[Any], dtype: T.DataType) -> None:
    """PySpark's Arrow UDF takes only a ``Decimal`` for a decimal and ``bytes`` for a binary column."""
    wanted = (decimal.Decimal,) if isinstance(dtype, T.DecimalType) else (bytes, bytearray)
    for v in results:
        if v is not None and not isinstance(v, wanted):
            raise EmberTypeError(
                "UDF_ARROW_TYPE_CONVERSION",
                f"The Arrow UDF returned {v!r} of type {type(v).__name__} for a {dtype.simpleString()} column; "
                f"return {' or '.join(w.__name__ for w in wanted)}.")
