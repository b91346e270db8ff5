"""``uniform``, ``randstr`` and ``shuffle``: random values per row, deterministic per seed and
partition as ``rand`` is (``SeededDraw``), drawn by numpy, so not the values Spark's XORShift
generator gives. The bounds and the length must be literals, as Spark requires.

``uniform(min, max)`` takes the wider of its bounds' types: integers are drawn in [min, max),
decimals are rounded to their scale, doubles drawn as they are. ``randstr(n)`` draws from the
62 letters and digits; ``shuffle(array)`` permutes each array.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass

import pyarrow as pa

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException
from ember.sql.expressions.base import Expression
from ember.sql.expressions.coercion import is_numeric, wider_type
from ember.sql.expressions.math_more import SeededDraw

__all__ = ["Uniform", "RandStr", "Shuffle"]

_CHARACTERS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _literal(expression: Expression, call: Expression, what: str) -> object:
    from ember.sql.expressions.literals import Literal

    if not isinstance(expression, Literal):
        raise AnalysisException(
            "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT", f"Cannot resolve \"{call.sql()}\" due to data type mismatch: "
            f"the input {what} should be a foldable expression; however, got {expression.sql()}.", "42K09")
    return expression.value


def _seed_text(seed: int, shown: bool) -> list[str]:
    return [str(seed)] if shown else []


@dataclass(frozen=True, slots=True)
class Uniform(SeededDraw):
    """``uniform(min, max[, seed])``."""

    low: Expression
    high: Expression
    seed_shown: bool = True

    child_fields = ("low", "high")

    def coerce(self) -> Expression:
        for bound in (self.low, self.high):
            if not (is_numeric(bound.data_type) or isinstance(bound.data_type, T.NullType)):
                raise AnalysisException(
                    "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", f"Cannot resolve \"{self.sql()}\" due to data type "
                    f"mismatch: the input must be NUMERIC, however \"{bound.sql()}\" has the type "
                    f"\"{bound.data_type.simpleString().upper()}\".", "42K09")
            _literal(bound, self, "min and max")
        return self

    @property
    def data_type(self) -> T.DataType:
        return wider_type(self.low.data_type, self.high.data_type) or T.DoubleType()

    def eval(self, batch: pa.RecordBatch) -> pa.Array:
        low, high = _literal(self.low, self, "min"), _literal(self.high, self, "max")
        n, dt, rng = batch.num_rows, self.data_type, self.generator()
        if low is None or high is None:
            return pa.nulls(n, to_arrow_type(dt))
        if isinstance(dt, T.IntegralType):
            lo, hi = sorted((int(low), int(high)))
            values = rng.integers(lo, hi, n) if hi > lo else [lo] * n
            return pa.array(values, to_arrow_type(dt))
        draws = float(low) + (float(high) - float(low)) * rng.random(n)
        if isinstance(dt, T.DecimalType):
            quantum = decimal.Decimal(1).scaleb(-dt.scale)
            return pa.array([decimal.Decimal(repr(float(v))).quantize(quantum) for v in draws], to_arrow_type(dt))
        return pa.array(draws, to_arrow_type(dt))

    def _fmt(self, args: list[str]) -> str:
        return f"uniform({', '.join(args + _seed_text(self.seed, self.seed_shown))})"


@dataclass(frozen=True, slots=True)
class RandStr(SeededDraw):
    """``randstr(length[, seed])``."""

    length: Expression
    seed_shown: bool = True

    child_fields = ("length",)

    def coerce(self) -> Expression:
        value = _literal(self.length, self, "length")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise AnalysisException(
                "DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE", f"Cannot resolve \"{self.sql()}\" due to data type mismatch: "
                f"the length must be a non-negative integer literal, got {self.length.sql()}.", "42K09")
        return self

    @property
    def data_type(self) -> T.DataType:
        return T.StringType()

    def eval(self, batch: pa.RecordBatch) -> pa.Array:
        length = int(_literal(self.length, self, "length"))
        picks = self.generator().integers(0, len(_CHARACTERS), (batch.num_rows, length))
        return pa.array(["".join(_CHARACTERS[i] for i in row) for row in picks], pa.string())

    def _fmt(self, args: list[str]) -> str:
        return f"randstr({', '.join(args + _seed_text(self.seed, self.seed_shown))})"


@dataclass(frozen=True, slots=True)
class Shuffle(SeededDraw):
    """``shuffle(array[, seed])``: each array's elements in a random order (NULL stays NULL)."""

    array: Expression

    child_fields = ("array",)

    def coerce(self) -> Expression:
        if not isinstance(self.array.data_type, (T.ArrayType, T.NullType)):
            raise AnalysisException(
                "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", f"Cannot resolve \"{self.sql()}\" due to data type "
                f"mismatch: The first parameter requires the \"ARRAY\" type, however \"{self.array.sql()}\" has "
                f"the type \"{self.array.data_type.simpleString().upper()}\".", "42K09")
        return self

    @property
    def nullable(self) -> bool:
        return self.array.nullable

    @property
    def data_type(self) -> T.DataType:
        return self.array.data_type

    def eval(self, batch: pa.RecordBatch) -> pa.Array:
        from ember.sql.expressions.base import as_array

        values = as_array(self.array.eval(batch), batch.num_rows)
        rng = self.generator()
        out = [None if v is None else [v[i] for i in rng.permutation(len(v))] for v in values.to_pylist()]
        return pa.array(out, values.type)

    def _fmt(self, args: list[str]) -> str:
        return f"shuffle({args[0]})"
