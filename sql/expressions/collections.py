"""Arrays, structs and element access: ``array``, ``struct``, ``size``, ``getItem``/``getField``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException, EmberValueError
from ember.sql.expressions.base import ArrowValue, Expression, as_array
from ember.sql.expressions.coercion import cast_to_common_type

__all__ = ["CreateArray", "CreateStruct", "Size", "GetItem"]


@dataclass(frozen=True, slots=True)
class CreateArray(Expression):
    """``array(a, b, ...)``: one list per row, built by interleaving the inputs with one take."""

    items: tuple[Expression, ...]

    child_fields = ("items",)

    def coerce(self) -> Expression:
        return CreateArray(cast_to_common_type(self, self.items, "array"))

    @property
    def data_type(self) -> T.DataType:
        element = self.items[0].data_type if self.items else T.NullType()
        return T.ArrayType(element, any(i.nullable for i in self.items))

    @property
    def nullable(self) -> bool:
        return False

    @property
    def pretty_name(self) -> str:
        return "array"

    @property
    def foldable(self) -> bool:
        return all(i.foldable for i in self.items)  # ``array()`` too

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        n, k = batch.num_rows, len(self.items)
        element_type = to_arrow_type(self.data_type.elementType)
        if k == 0:
            return pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, np.int32)), pa.array([], element_type))
        columns = [as_array(i.eval(batch), n) for i in self.items]
        flat = pa.concat_arrays(columns)
        order = (np.arange(k)[None, :] * n + np.arange(n)[:, None]).ravel()
        offsets = pa.array(np.arange(0, n * k + 1, k, dtype=np.int32))
        return pa.ListArray.from_arrays(offsets, flat.take(pa.array(order)))


@dataclass(frozen=True, slots=True)
class CreateStruct(Expression):
    """``struct(a, b, ...)``: field names come from the inputs' names."""

    names: tuple[str, ...]
    items: tuple[Expression, ...]
    function: str = "struct"  # or ``named_struct``, whose column name lists the field names

    child_fields = ("items",)

    @property
    def data_type(self) -> T.DataType:
        return T.StructType([T.StructField(n, i.data_type, i.nullable) for n, i in zip(self.names, self.items)])

    @property
    def nullable(self) -> bool:
        return False

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        arrays = [as_array(i.eval(batch), batch.num_rows) for i in self.items]
        return pa.StructArray.from_arrays(arrays, names=list(self.names))

    def _fmt(self, args: list[str]) -> str:
        if self.function == "named_struct":
            args = [part for name, arg in zip(self.names, args) for part in (name, arg)]
        else:  # an aliased input shows its alias, as in Spark's ``struct((k + 1) AS x, k)``
            args = [arg if name == self._default_name(i) else f"{arg} AS {name}"
                    for i, (name, arg) in enumerate(zip(self.names, args))]
        return f"{self.function}({', '.join(args)})"

    def _default_name(self, i: int) -> str:
        """The field name ``struct`` gives an input it was not told: a column's name, a struct field's
        name (``struct("s.a")`` names it ``a``), else ``col<n>``."""
        from ember.sql.expressions.named import AttributeReference, UnresolvedAttribute

        item = self.items[i]
        if isinstance(item, AttributeReference):
            return item.name
        if isinstance(item, UnresolvedAttribute):
            return item.name_parts[-1]
        if isinstance(item, GetItem) and isinstance(item.key, str):
            return item.key
        return f"col{i + 1}"


@dataclass(frozen=True, slots=True)
class Size(Expression):
    """Number of elements of an array or map (NULL for NULL, as with ANSI mode)."""

    child: Expression

    child_fields = ("child",)

    def coerce(self) -> Expression:
        if not isinstance(self.child.data_type, (T.ArrayType, T.MapType)):
            raise AnalysisException(
                "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: the input requires an ARRAY or MAP, "
                f"however \"{self.child.sql()}\" has the type \"{self.child.data_type.simpleString().upper()}\".",
            )
        return self

    @property
    def data_type(self) -> T.DataType:
        return T.IntegerType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        value = self.child.eval(batch)
        if pa.types.is_map(value.type):  # Arrow's list_value_length takes no maps: count entries by offsets
            maps = as_array(value, 1) if isinstance(value, pa.Scalar) else value
            lengths = pc.subtract(maps.offsets[1:], maps.offsets[:-1])
            out = pc.if_else(pc.is_valid(maps), lengths, pa.scalar(None, pa.int32()))
            return out[0] if isinstance(value, pa.Scalar) else out
        return pc.list_value_length(value).cast(pa.int32())


@dataclass(frozen=True, slots=True)
class GetItem(Expression):
    """``col[key]``: array element by 0-based index, map value by key, or struct field by name."""

    child: Expression
    key: Any

    child_fields = ("child",)

    def coerce(self) -> Expression:
        dt = self.child.data_type
        ok = (isinstance(dt, T.ArrayType) and isinstance(self.key, int)
              or isinstance(dt, T.MapType)
              or isinstance(dt, T.StructType) and self.key in dt.names)
        if not ok:
            raise AnalysisException(
                "INVALID_EXTRACT_BASE_FIELD_TYPE" if not isinstance(dt, T.StructType) else "FIELD_NOT_FOUND",
                f"Can't extract a value from \"{self.child.sql()}\" of type "
                f"\"{dt.simpleString().upper()}\" with key {self.key!r}.",
            )
        return self

    @property
    def data_type(self) -> T.DataType:
        dt = self.child.data_type
        if isinstance(dt, T.ArrayType):
            return dt.elementType
        if isinstance(dt, T.MapType):
            return dt.valueType
        return dt[self.key].dataType

    @property
    def nullable(self) -> bool:
        return True

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        value = as_array(self.child.eval(batch), batch.num_rows)
        dt = self.child.data_type
        if isinstance(dt, T.StructType):
            return pc.struct_field(value, self.key)
        if isinstance(dt, T.MapType):
            return pc.map_lookup(value, pa.scalar(self.key, to_arrow_type(dt.keyType)), "first")
        lengths = pc.fill_null(pc.list_value_length(value), 0)
        if self.key < 0 or (len(value) and pc.any(pc.less_equal(lengths, self.key)).as_py()):
            valid = pc.is_valid(value)
            if self.key < 0 or pc.any(pc.and_(valid, pc.less_equal(lengths, self.key))).as_py():
                raise EmberValueError(
                    "INVALID_ARRAY_INDEX",
                    f"The index {self.key} is out of bounds. Use `try_element_at` to tolerate accessing "
                    "element at invalid index and return NULL instead.",
                )
        return pc.list_element(pc.fill_null(value, pa.scalar([None], value.type)), self.key) if value.null_count else pc.list_element(value, self.key)

    def to_string(self, ids: bool) -> str:
        inner = self.child.to_string(ids)
        if isinstance(self.child.data_type if self.child.resolved else None, T.StructType):
            return f"{inner}.{self.key}"
        return f"{inner}[{self.key}]"  # Spark names m['k'] "m[k]"
