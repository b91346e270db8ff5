"""``inline``/``inline_outer`` (an array of structs as rows and columns) and ``stack`` (n rows
from a list of values), generators like ``explode``: each returns the input row behind every
output row and the new columns, computed on whole arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException
from ember.sql.expressions.base import Expression, as_array
from ember.sql.expressions.coercion import cast_if_needed, common_type
from ember.sql.expressions.generators import Explode, Generator

__all__ = ["Inline", "Stack"]


@dataclass(frozen=True, slots=True)
class Inline(Generator):
    """One row per struct of the array, one column per struct field."""

    child: Expression
    is_outer: bool = False

    child_fields = ("child",)

    def coerce(self) -> Expression:
        dt = self.child.data_type
        if not (isinstance(dt, T.ArrayType) and isinstance(dt.elementType, T.StructType)):
            raise AnalysisException(
                "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: The first parameter requires the "
                f"\"ARRAY<STRUCT>\" type, however \"{self.child.sql()}\" has the type "
                f"\"{dt.simpleString().upper()}\".", "42K09")
        return self

    @property
    def outer(self) -> bool:
        return self.is_outer

    @property
    def pretty_name(self) -> str:
        return "inline_outer" if self.is_outer else "inline"

    def element_fields(self) -> list[tuple[str, T.DataType, bool]]:
        struct = self.child.data_type.elementType  # type: ignore[attr-defined]
        return [(f.name, f.dataType, True) for f in struct.fields]

    def generate(self, batch: pa.RecordBatch) -> tuple[np.ndarray, list[pa.Array]]:
        parents, (structs,) = Explode(self.child).generate(batch)
        fields = [structs.field(i) for i in range(structs.type.num_fields)]
        if structs.null_count:  # a NULL struct is a row of NULLs
            valid = structs.is_valid()
            fields = [pc.if_else(valid, f, pa.nulls(len(f), f.type)) for f in fields]
        return parents, fields


@dataclass(frozen=True, slots=True)
class Stack(Generator):
    """``stack(n, v1, v2, ...)``: ``n`` rows, the values filling columns ``col0, col1, ...`` row by row."""

    rows: int
    values: tuple[Expression, ...]

    child_fields = ("values",)

    def __post_init__(self) -> None:
        if self.rows <= 0:
            raise AnalysisException("DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
                                    f"The number of rows of stack must be positive, got {self.rows}.", "42K09")

    @property
    def width(self) -> int:
        return -(-len(self.values) // self.rows)

    def coerce(self) -> Expression:
        columns = [self.values[j::self.width] for j in range(self.width)]
        targets = [common_type([v.data_type for v in column]) for column in columns]
        for j, target in enumerate(targets):
            if target is None:
                raise AnalysisException(
                    "DATATYPE_MISMATCH.STACK_COLUMN_DIFF_TYPES",
                    f"Cannot resolve \"{self.sql()}\" due to data type mismatch: The data type of the column ({j}) "
                    f"do not have the same type.", "42K09")
        return Stack(self.rows, tuple(cast_if_needed(v, targets[i % self.width])  # type: ignore[arg-type]
                                      for i, v in enumerate(self.values)))

    def element_fields(self) -> list[tuple[str, T.DataType, bool]]:
        return [(f"col{j}", self.values[j].data_type, True) for j in range(self.width)]

    def generate(self, batch: pa.RecordBatch) -> tuple[np.ndarray, list[pa.Array]]:
        n = batch.num_rows
        evaluated = [as_array(v.eval(batch), n) for v in self.values]
        columns = []
        for j, (_, dt, _) in enumerate(self.element_fields()):
            per_row = [evaluated[i * self.width + j] if i * self.width + j < len(evaluated)
                       else pa.nulls(n, to_arrow_type(dt)) for i in range(self.rows)]
            stacked = pa.concat_arrays([a.cast(to_arrow_type(dt)) for a in per_row])
            # output row r*rows + i comes from input row r, stacked row i (held at i*n + r)
            order = (np.arange(self.rows)[None, :] * n + np.arange(n)[:, None]).ravel()
            columns.append(stacked.take(pa.array(order)))
        return np.repeat(np.arange(n, dtype=np.int64), self.rows), columns

    def _fmt(self, args: list[str]) -> str:
        return f"stack({self.rows}, {', '.join(args)})"
