"""Which casts Spark allows, checked when a query is analysed (Spark's ``Cast.canAnsiCast`` and
``Cast.canCast``), and the ``DATATYPE_MISMATCH.CAST_*`` error that refuses the others.

ANSI mode (Spark 4's default) allows fewer casts than the legacy mode: a boolean to a timestamp,
an integer to binary, a date or timestamp to a boolean, a date to a number. Types outside the
families below (intervals, variants, user-defined types) are left to the cast kernels.
"""

from __future__ import annotations

from ember.sql import types as T
from ember.sql.errors import AnalysisException

__all__ = ["check_cast", "can_cast", "sql_type_name"]

_ATOMIC = (T.BooleanType, T.NumericType, T.StringType, T.BinaryType, T.DateType, T.TimestampType,
           T.TimestampNTZType)
_COMPLEX = (T.ArrayType, T.MapType, T.StructType)
_DATETIME = (T.DateType, T.TimestampType, T.TimestampNTZType)


def sql_type_name(dt: T.DataType) -> str:
    """A type as Spark's messages write it: ``INT``, ``DECIMAL(10,2)``, ``MAP<STRING, INT>``, ``STRUCT<a: INT>``."""
    if isinstance(dt, T.ArrayType):
        return f"ARRAY<{sql_type_name(dt.elementType)}>"
    if isinstance(dt, T.MapType):
        return f"MAP<{sql_type_name(dt.keyType)}, {sql_type_name(dt.valueType)}>"
    if isinstance(dt, T.StructType):
        return "STRUCT<" + ", ".join(f"{f.name}: {sql_type_name(f.dataType)}{'' if f.nullable else ' NOT NULL'}"
                                     for f in dt.fields) + ">"
    return dt.simpleString().upper()


def _known(dt: T.DataType) -> bool:
    return isinstance(dt, _ATOMIC + _COMPLEX)


def can_cast(src: T.DataType, to: T.DataType, ansi: bool) -> bool:
    """Whether Spark allows ``CAST(<src> AS <to>)`` in that mode (types it does not know: yes)."""
    if src == to or isinstance(src, T.NullType) or isinstance(to, T.StringType):
        return True
    if not (_known(src) and _known(to)):
        return True
    if isinstance(src, T.StringType):
        return isinstance(to, _ATOMIC)
    if isinstance(src, T.ArrayType) and isinstance(to, T.ArrayType):
        return can_cast(src.elementType, to.elementType, ansi) and (to.containsNull or not src.containsNull)
    if isinstance(src, T.MapType) and isinstance(to, T.MapType):
        return (can_cast(src.keyType, to.keyType, ansi) and can_cast(src.valueType, to.valueType, ansi)
                and (to.valueContainsNull or not src.valueContainsNull))
    if isinstance(src, T.StructType) and isinstance(to, T.StructType):
        return len(src.fields) == len(to.fields) and all(
            can_cast(a.dataType, b.dataType, ansi) and (b.nullable or not a.nullable)
            for a, b in zip(src.fields, to.fields))
    if isinstance(src, _COMPLEX) or isinstance(to, _COMPLEX) or isinstance(src, T.BinaryType):
        return False
    return _atomic_castable(src, to, ansi)


def _atomic_castable(src: T.DataType, to: T.DataType, ansi: bool) -> bool:
    """Between two atomic types other than string, after the complex and binary sources."""
    number_like = (T.BooleanType, T.NumericType)
    if isinstance(to, number_like):
        if isinstance(src, number_like) or (isinstance(src, T.TimestampType) and isinstance(to, T.NumericType)):
            return True
        return not ansi and isinstance(src, (T.DateType, T.TimestampType))
    if isinstance(to, T.BinaryType):
        return not ansi and isinstance(src, T.IntegralType)
    if isinstance(to, T.DateType):
        return isinstance(src, _DATETIME)
    if isinstance(to, T.TimestampType):
        return isinstance(src, _DATETIME + (T.NumericType,)) or (not ansi and isinstance(src, T.BooleanType))
    if isinstance(to, T.TimestampNTZType):
        return isinstance(src, _DATETIME)
    return False


def check_cast(src: T.DataType, to: T.DataType, ansi: bool, sql: str) -> None:
    """Raise Spark's ``DATATYPE_MISMATCH.CAST_*`` unless ``CAST(<src> AS <to>)`` is allowed."""
    if can_cast(src, to, ansi):
        return
    s, t = sql_type_name(src), sql_type_name(to)
    head = f"Cannot resolve \"{sql}\" due to data type mismatch: cannot cast \"{s}\" to \"{t}\""
    function = _function_instead(src, to) if ansi else None
    if function:
        raise AnalysisException(
            "DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION",
            f"{head}.\nTo convert values from \"{s}\" to \"{t}\", you can use the functions `{function}` instead.",
            "42K09")
    if ansi and can_cast(src, to, ansi=False):
        raise AnalysisException(
            "DATATYPE_MISMATCH.CAST_WITH_CONF_SUGGESTION",
            f"{head} with ANSI mode on.\nIf you have to cast \"{s}\" to \"{t}\", you can set "
            "\"spark.sql.ansi.enabled\" as 'false'.", "42K09")
    raise AnalysisException("DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION", f"{head}.", "42K09")


def _function_instead(src: T.DataType, to: T.DataType) -> str | None:
    """The function Spark suggests for a refused cast between dates and numbers."""
    if isinstance(src, T.DateType) and isinstance(to, T.NumericType):
        return "UNIX_DATE"
    if isinstance(src, T.NumericType) and isinstance(to, T.DateType):
        return "DATE_FROM_UNIX_DATE"
    return None
