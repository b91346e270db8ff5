"""NULL-handling and assertion functions as ``FunctionSpec``s (see ``function_call.py``):
``nullif``, ``nvl``/``ifnull``, ``nvl2``, ``assert_true`` and ``raise_error``.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.errors import SparkRuntimeException
from ember.sql.expressions.coercion import cast_to_common_type
from ember.sql.expressions.function_call import ANY, FunctionCall, FunctionSpec, register
from ember.sql.expressions.literals import Literal

__all__: list[str] = []


def _common(call: FunctionCall) -> tuple:
    return cast_to_common_type(call, call.args, call.name)


def _nullif_args(call: FunctionCall) -> tuple:
    """``(a, b)`` and, hidden, both at their common type: Spark compares them there but returns
    ``a`` at its own type (``nullif(int, bigint)`` is an int)."""
    return call.args + cast_to_common_type(call, call.args, call.name)


def _nullif(a: pa.Array, _b: pa.Array, a_common: pa.Array, b_common: pa.Array) -> pa.Array:
    return pc.if_else(pc.fill_null(pc.equal(a_common, b_common), False), pa.scalar(None, a.type), a)


def _nvl2_args(call: FunctionCall) -> tuple:
    return (call.args[0],) + cast_to_common_type(call, call.args[1:], call.name)


def _first(types: list[T.DataType]) -> T.DataType:
    return types[0]


def _second(types: list[T.DataType]) -> T.DataType:
    return types[1]


def _user_error(message: str) -> SparkRuntimeException:
    return SparkRuntimeException("USER_RAISED_EXCEPTION", message, "P0001")


def _assert_true(condition, message):
    if condition is None or condition is False:
        raise _user_error(message)
    return None


def _assert_args(call: FunctionCall) -> tuple:
    """The condition and its message: the default one Spark derives from the condition's text."""
    condition = call.args[0]
    if len(call.args) > 1:
        return condition, call.args[1]
    return condition, Literal(f"'{condition.sql()}' is not true!", T.StringType())


def _raise_error(message):
    raise _user_error(message if message is not None else "null")


for spec in [
    FunctionSpec("nullif", (ANY, ANY), _first, coerce_args=_nullif_args, hidden_args=2, vector=_nullif),
    FunctionSpec("nvl", (ANY, ANY), _first, coerce_args=_common, vector=pc.coalesce),
    FunctionSpec("ifnull", (ANY, ANY), _first, coerce_args=_common, vector=pc.coalesce),
    FunctionSpec("isnotnull", (ANY,), T.BooleanType(), nullable=False, vector=pc.is_valid,
                 fmt=lambda a: f"({a[0]} IS NOT NULL)"),
    FunctionSpec("equal_null", (ANY, ANY), T.BooleanType(), coerce_args=_common, nullable=False,
                 vector=lambda a, b: pc.if_else(pc.and_(pc.is_null(a), pc.is_null(b)), True,
                                                pc.fill_null(pc.equal(a, b), False))),
    FunctionSpec("zeroifnull", (ANY,), _first, nullable=False, vector=lambda a: pc.fill_null(a, pa.scalar(0, a.type))),
    FunctionSpec("nullifzero", (ANY,), _first,
                 vector=lambda a: pc.if_else(pc.fill_null(pc.equal(a, 0), False), pa.scalar(None, a.type), a)),
    FunctionSpec("nvl2", (ANY, ANY, ANY), _second, coerce_args=_nvl2_args,
                 vector=lambda a, b, c: pc.if_else(pc.is_valid(a), b, c)),
    FunctionSpec("assert_true", (ANY, ANY), T.NullType(), min_args=1, coerce_args=_assert_args,
                 null_safe=True, row=_assert_true, deterministic=False),
    FunctionSpec("raise_error", (T.StringType(),), T.NullType(), null_safe=True, row=_raise_error,
                 deterministic=False),
]:
    register(spec)
