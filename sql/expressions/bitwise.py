"""``a & b``, ``a | b``, ``a ^ b``: Java's bitwise operators on integral values.

Both sides are cast to their wider integral type (``int & bigint`` is a ``bigint``); any
other type is Spark's ``BINARY_OP_DIFF_TYPES`` error (``BINARY_OP_WRONG_TYPE`` when both sides
have the same non-integral type). A NULL side gives NULL.
"""

from __future__ import annotations

from dataclasses import dataclass

from ember.sql import types as T
from ember.sql.errors import AnalysisException
from ember.sql.expressions.base import BinaryOperator, Expression
from ember.sql.expressions.coercion import binary_type_mismatch, cast_if_needed, common_type

__all__ = ["BitwiseAnd", "BitwiseOr", "BitwiseXor"]


@dataclass(frozen=True, slots=True)
class _Bitwise(BinaryOperator):
    def coerce(self) -> Expression:
        types = [self.left.data_type, self.right.data_type]
        target = common_type(types)
        if target is None or isinstance(target, T.NullType):
            target = next((t for t in types if not isinstance(t, T.NullType)), T.IntegerType())
        if not isinstance(target, T.IntegralType):
            if types[0] != types[1]:
                raise binary_type_mismatch(self, types[0], types[1])
            wrong = next((t for t in types if not isinstance(t, (T.IntegralType, T.NullType))), target)
            raise AnalysisException(
                "DATATYPE_MISMATCH.BINARY_OP_WRONG_TYPE",
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: the binary operator requires the "
                f"input type (\"TINYINT\" or \"SMALLINT\" or \"INT\" or \"BIGINT\"), not "
                f"\"{wrong.simpleString().upper()}\".", "42K09")
        return type(self)(cast_if_needed(self.left, target), cast_if_needed(self.right, target))

    @property
    def data_type(self) -> T.DataType:
        return self.left.data_type


class BitwiseAnd(_Bitwise):
    __slots__ = ()
    symbol = "&"
    kernel = "bit_wise_and"


class BitwiseOr(_Bitwise):
    __slots__ = ()
    symbol = "|"
    kernel = "bit_wise_or"


class BitwiseXor(_Bitwise):
    __slots__ = ()
    symbol = "^"
    kernel = "bit_wise_xor"
