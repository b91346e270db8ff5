"""``PoissonDraw``: how many times each row appears in a sample taken with replacement."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from ember.sql import types as T
from ember.sql.expressions.math_more import SeededDraw

__all__ = ["PoissonDraw"]


@dataclass(frozen=True, slots=True)
class PoissonDraw(SeededDraw):
    """A Poisson count with mean ``mean`` per row, seeded like ``rand(seed)``: the same for a seed,
    partition and row order on every run (numpy's generator, not Spark's)."""

    mean: float

    @property
    def data_type(self) -> T.DataType:
        return T.IntegerType()

    def eval(self, batch: pa.RecordBatch) -> pa.Array:
        return pa.array(self.generator().poisson(self.mean, batch.num_rows), pa.int32())

    def _fmt(self, args: list[str]) -> str:
        return f"poisson_draw({self.seed}, {self.mean})"
