"""Generators: expressions that turn one input row into zero or more output rows.

A generator is only evaluated by a ``Generate`` plan node (the analyzer moves ``explode``
out of a select list into one). ``generate(batch)`` returns, for the batch's rows, the index
of the input row behind each output row and the generated columns, computed from the
list offsets with numpy: never a Python loop over rows. ``outer`` generators also emit one
row of NULLs for an input whose list is NULL or empty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.expressions.base import Expression, as_array, require

__all__ = ["Generator", "Explode", "ReplicateRows"]


@dataclass(frozen=True, slots=True)
class Generator(Expression):
    """Base of generators; ``element_fields`` are the ``(name, type, nullable)`` of the new columns."""

    @property
    def outer(self) -> bool:
        return False

    def element_fields(self) -> list[tuple[str, T.DataType, bool]]:
        raise NotImplementedError(type(self).__name__)

    def generate(self, batch: pa.RecordBatch) -> tuple[np.ndarray, list[pa.Array]]:
        raise NotImplementedError(type(self).__name__)

    @property
    def data_type(self) -> T.DataType:
        fields = self.element_fields()
        return fields[0][1] if len(fields) == 1 else T.StructType([T.StructField(n, t, b) for n, t, b in fields])


def _list_offsets(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Start offset (into the unsliced ``values``) and length of each row's list (NULL: length 0)."""
    bounds = array.offsets.to_numpy().astype(np.int64)
    lengths = np.diff(bounds)
    if array.null_count:
        lengths = np.where(pc.is_valid(array).to_numpy(zero_copy_only=False), lengths, 0)
    return bounds[:-1], lengths


@dataclass(frozen=True, slots=True)
class Explode(Generator):
    """``explode``/``posexplode`` (and their ``_outer`` forms) over an array or a map."""

    child: Expression
    with_position: bool = False
    is_outer: bool = False

    child_fields = ("child",)

    def coerce(self) -> Expression:
        dt = self.child.data_type
        require(isinstance(dt, (T.ArrayType, T.MapType)),
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: the input of `{self.pretty_name}` "
                f"should be \"ARRAY\" or \"MAP\" type, however \"{self.child.sql()}\" has the type "
                f"\"{dt.simpleString().upper()}\".", "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE")
        return self

    @property
    def outer(self) -> bool:
        return self.is_outer

    @property
    def pretty_name(self) -> str:
        return ("posexplode" if self.with_position else "explode") + ("_outer" if self.is_outer else "")

    def element_fields(self) -> list[tuple[str, T.DataType, bool]]:
        dt = self.child.data_type
        position = [("pos", T.IntegerType(), self.is_outer)] if self.with_position else []
        if isinstance(dt, T.MapType):
            return position + [("key", dt.keyType, self.is_outer), ("value", dt.valueType, True)]
        return position + [("col", dt.elementType, True)]

    def generate(self, batch: pa.RecordBatch) -> tuple[np.ndarray, list[pa.Array]]:
        array = as_array(self.child.eval(batch), batch.num_rows)
        offsets, lengths = _list_offsets(array)
        parents = np.repeat(np.arange(len(array), dtype=np.int64), lengths)
        starts = np.repeat(offsets, lengths)
        within = np.arange(len(parents), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        take = pa.array(starts + within)
        if isinstance(array, pa.MapArray):
            columns = [array.keys.take(take), array.items.take(take)]
        else:
            columns = [array.values.take(take)]
        if self.with_position:
            columns.insert(0, pa.array(within.astype(np.int32)))
        return parents, columns


@dataclass(frozen=True, slots=True)
class ReplicateRows(Generator):
    """Each input row ``n`` times (``n`` <= 0 or NULL: not at all); used by ``exceptAll``/``intersectAll``."""

    child: Expression

    child_fields = ("child",)

    def element_fields(self) -> list[tuple[str, T.DataType, bool]]:
        return []

    @property
    def data_type(self) -> T.DataType:
        return T.LongType()

    def generate(self, batch: pa.RecordBatch) -> tuple[np.ndarray, list[pa.Array]]:
        counts = pc.fill_null(as_array(self.child.eval(batch), batch.num_rows), 0)
        counts = np.clip(counts.to_numpy(zero_copy_only=False).astype(np.int64), 0, None)
        return np.repeat(np.arange(batch.num_rows, dtype=np.int64), counts), []
