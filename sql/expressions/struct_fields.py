"""``Column.withField`` / ``Column.dropFields``: a struct with fields replaced, added or removed.

``UpdateFields(struct, ops)`` applies its operations in order: ``WithField(name, value)``
replaces every field called ``name`` (case-insensitively, as Spark's default) or appends one,
``DropField(name)`` removes every field called ``name`` (a missing name is no error). A NULL
struct stays NULL. Spark names the column ``update_fields(a, WithField(3), dropfield())``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.errors import AnalysisException
from ember.sql.expressions.base import ArrowValue, Expression, as_array

__all__ = ["UpdateFields", "WithField", "DropField"]


@dataclass(frozen=True, slots=True)
class WithField(Expression):
    name: str
    value: Expression

    child_fields = ("value",)

    @property
    def data_type(self) -> T.DataType:
        return self.value.data_type

    def _fmt(self, args: list[str]) -> str:
        return f"WithField({args[0]})"


@dataclass(frozen=True, slots=True)
class DropField(Expression):
    name: str

    @property
    def data_type(self) -> T.DataType:
        return T.NullType()

    @property
    def foldable(self) -> bool:
        return False

    def _fmt(self, args: list[str]) -> str:
        return "dropfield()"


@dataclass(frozen=True, slots=True)
class UpdateFields(Expression):
    struct: Expression
    ops: tuple[Expression, ...]

    child_fields = ("struct", "ops")

    def _fields(self) -> list[tuple[str, T.DataType, bool, Expression | None]]:
        """(name, type, nullable, the new value or None for a kept input field), in output order."""
        dt = self.struct.data_type
        fields = [(f.name, f.dataType, f.nullable, None) for f in dt.fields]
        for op in self.ops:
            key = op.name.lower()
            if isinstance(op, DropField):
                fields = [f for f in fields if f[0].lower() != key]
                continue
            new = (op.name, op.value.data_type, op.value.nullable, op.value)
            if any(f[0].lower() == key for f in fields):
                fields = [new if f[0].lower() == key else f for f in fields]
            else:
                fields.append(new)
        return fields

    def coerce(self) -> Expression:
        dt = self.struct.data_type
        if not isinstance(dt, T.StructType):
            raise AnalysisException(
                "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: The first parameter requires the "
                f"\"STRUCT\" type, however \"{self.struct.sql()}\" has the type \"{dt.simpleString().upper()}\".",
                "42K09")
        if not self._fields():
            raise AnalysisException(
                "DATATYPE_MISMATCH.CANNOT_DROP_ALL_FIELDS",
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: Cannot drop all fields in struct.",
                "42K09")
        return self

    @property
    def data_type(self) -> T.DataType:
        return T.StructType([T.StructField(n, t, nullable) for n, t, nullable, _ in self._fields()])

    @property
    def nullable(self) -> bool:
        return self.struct.nullable

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        n = batch.num_rows
        struct = as_array(self.struct.eval(batch), n)
        if isinstance(struct, pa.ChunkedArray):
            struct = struct.combine_chunks()
        arrays, names = [], []
        positions = {f.name: i for i, f in enumerate(self.struct.data_type.fields)}
        for name, _, _, value in self._fields():
            names.append(name)
            arrays.append(pc.struct_field(struct, [positions[name]]) if value is None else as_array(value.eval(batch), n))
        mask = pc.is_null(struct) if struct.null_count else None
        return pa.StructArray.from_arrays(arrays, names=names, mask=mask)

    def _fmt(self, args: list[str]) -> str:
        return f"update_fields({', '.join(args)})"
