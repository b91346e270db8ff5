"""Spark's implicit type widening, shared by the expressions that coerce their inputs."""

from __future__ import annotations

from ember.sql import types as T
from ember.sql.errors import AnalysisException

__all__ = ["wider_type", "numeric_precedence", "is_numeric", "is_string", "cast_if_needed", "common_type",
           "cast_to_common_type", "binary_type_mismatch"]

_NUMERIC_ORDER: tuple[type, ...] = (
    T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.DecimalType, T.FloatType, T.DoubleType,
)


def is_numeric(dt: T.DataType) -> bool:
    return isinstance(dt, T.NumericType)


def is_string(dt: T.DataType) -> bool:
    return isinstance(dt, T.StringType)


def numeric_precedence(dt: T.DataType) -> int:
    return _NUMERIC_ORDER.index(type(dt))


def _wider_decimal(a: T.DataType, b: T.DataType) -> T.DataType:
    def as_decimal(t: T.DataType) -> T.DecimalType:
        if isinstance(t, T.DecimalType):
            return t
        return {T.ByteType: T.DecimalType(3, 0), T.ShortType: T.DecimalType(5, 0),
                T.IntegerType: T.DecimalType(10, 0), T.LongType: T.DecimalType(20, 0)}[type(t)]

    da, db = as_decimal(a), as_decimal(b)
    scale = max(da.scale, db.scale)
    integral = max(da.precision - da.scale, db.precision - db.scale)
    return T.DecimalType(min(38, integral + scale), scale)


def wider_type(a: T.DataType, b: T.DataType) -> T.DataType | None:
    """The narrowest type both ``a`` and ``b`` convert to implicitly, or ``None``."""
    if a == b:
        return a
    if isinstance(a, T.NullType):
        return b
    if isinstance(b, T.NullType):
        return a
    if is_numeric(a) and is_numeric(b):
        if isinstance(a, T.DecimalType) or isinstance(b, T.DecimalType):
            if isinstance(a, (T.FloatType, T.DoubleType)) or isinstance(b, (T.FloatType, T.DoubleType)):
                return T.DoubleType()
            return _wider_decimal(a, b)
        wider = a if numeric_precedence(a) >= numeric_precedence(b) else b
        # ANSI mode: an integral and a float meet at double, which holds every int exactly.
        return T.DoubleType() if isinstance(wider, T.FloatType) else wider
    if is_string(a) and is_numeric(b) or is_string(b) and is_numeric(a):
        # ANSI mode: the string side is read as a number of the other side's kind.
        num = b if is_string(a) else a
        return T.DoubleType() if isinstance(num, (T.FloatType, T.DoubleType)) else (
            num if isinstance(num, T.DecimalType) else T.LongType())
    if {type(a), type(b)} == {T.StringType, T.BooleanType}:
        return T.BooleanType()  # ANSI mode: the string is read as a boolean ('true', 'yes', '1', ...)
    if isinstance(a, (T.YearMonthIntervalType, T.DayTimeIntervalType)) and type(a) is type(b):
        return type(a)(min(a.startField, b.startField), max(a.endField, b.endField))
    if {type(a), type(b)} == {T.DateType, T.TimestampType}:
        return T.TimestampType()
    if is_string(a) and isinstance(b, (T.DateType, T.TimestampType)):
        return b
    if is_string(b) and isinstance(a, (T.DateType, T.TimestampType)):
        return a
    if isinstance(a, T.ArrayType) and isinstance(b, T.ArrayType):
        element = wider_type(a.elementType, b.elementType)
        return None if element is None else T.ArrayType(element, a.containsNull or b.containsNull)
    if isinstance(a, T.MapType) and isinstance(b, T.MapType):
        key, value = wider_type(a.keyType, b.keyType), wider_type(a.valueType, b.valueType)
        if key is None or value is None:
            return None
        return T.MapType(key, value, a.valueContainsNull or b.valueContainsNull)
    if isinstance(a, T.StructType) and isinstance(b, T.StructType) and len(a.fields) == len(b.fields) and all(
            x.name.lower() == y.name.lower() for x, y in zip(a.fields, b.fields)):
        fields = [wider_type(x.dataType, y.dataType) for x, y in zip(a.fields, b.fields)]
        if any(f is None for f in fields):
            return None
        return T.StructType([T.StructField(x.name, f, x.nullable or y.nullable)
                             for x, y, f in zip(a.fields, b.fields, fields)])
    return None


def common_type(types: list[T.DataType]) -> T.DataType | None:
    """The wider type of all ``types`` (``NullType`` for an empty list)."""
    out: T.DataType | None = T.NullType()
    for t in types:
        out = wider_type(out, t) if out is not None else None
    return out


def cast_if_needed(expr, to: T.DataType):
    """``expr`` itself when it already has type ``to``, else ``Cast(expr, to)``."""
    from ember.sql.expressions.cast import Cast

    if expr.data_type == to:
        return expr
    return Cast(expr, to, implicit=True)


def cast_to_common_type(expr, items, function: str) -> tuple:
    """``items`` cast to their common type; ``DATA_DIFF_TYPES`` naming ``function`` if there is none."""
    target = common_type([i.data_type for i in items])
    if target is None:
        raise AnalysisException(
            "DATATYPE_MISMATCH.DATA_DIFF_TYPES",
            f"Cannot resolve \"{expr.sql()}\" due to data type mismatch: input to `{function}` should "
            "all be the same type.",
        )
    return tuple(cast_if_needed(i, target) for i in items)


def binary_type_mismatch(expr, left: T.DataType, right: T.DataType) -> AnalysisException:
    """Spark's ``BINARY_OP_DIFF_TYPES`` error for a binary operator's incompatible operands."""
    return AnalysisException(
        "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES",
        f"Cannot resolve \"{expr.sql()}\" due to data type mismatch: the left and right operands of the "
        f"binary operator have incompatible types (\"{left.simpleString().upper()}\" and "
        f"\"{right.simpleString().upper()}\").",
    )
