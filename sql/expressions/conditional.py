"""``CASE WHEN`` (``when``/``otherwise``) and ``coalesce``."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException
from ember.sql.expressions.base import ArrowValue, Expression, as_array
from ember.sql.expressions.coercion import cast_if_needed, common_type

__all__ = ["CaseWhen", "Coalesce"]


@dataclass(frozen=True, slots=True)
class CaseWhen(Expression):
    """``CASE WHEN c1 THEN v1 ... ELSE e END``; a NULL condition counts as false."""

    conditions: tuple[Expression, ...]
    values: tuple[Expression, ...]
    else_value: Expression | None = None

    child_fields = ("conditions", "values", "else_value")

    def _branch_values(self) -> list[Expression]:
        return list(self.values) + ([self.else_value] if self.else_value is not None else [])

    def coerce(self) -> Expression:
        for c in self.conditions:
            if not isinstance(c.data_type, (T.BooleanType, T.NullType)):
                raise AnalysisException(
                    "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                    f"Cannot resolve \"{self.sql()}\" due to data type mismatch: WHEN expressions must be "
                    f"boolean, but \"{c.sql()}\" is \"{c.data_type.simpleString().upper()}\".",
                )
        target = common_type([v.data_type for v in self._branch_values()])
        if target is None:
            raise AnalysisException(
                "DATATYPE_MISMATCH.DATA_DIFF_TYPES",
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: THEN and ELSE expressions "
                "should all be same type or coercible to a common type.",
            )
        return CaseWhen(
            self.conditions,
            tuple(cast_if_needed(v, target) for v in self.values),
            None if self.else_value is None else cast_if_needed(self.else_value, target),
        )

    @property
    def data_type(self) -> T.DataType:
        return self.values[0].data_type

    @property
    def nullable(self) -> bool:
        return self.else_value is None or any(v.nullable for v in self._branch_values())

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        arrow_type = to_arrow_type(self.data_type)
        result = (self.else_value.eval(batch) if self.else_value is not None
                  else pa.scalar(None, arrow_type))
        result = as_array(result, batch.num_rows)
        for cond, value in zip(reversed(self.conditions), reversed(self.values)):
            mask = as_array(pc.fill_null(cond.eval(batch), False), batch.num_rows)
            result = pc.if_else(mask, value.eval(batch), result)
        return result

    def _fmt(self, args: list[str]) -> str:
        n = len(self.conditions)
        text = "CASE" + "".join(f" WHEN {args[i]} THEN {args[n + i]}" for i in range(n))
        if self.else_value is not None:
            text += f" ELSE {args[-1]}"
        return text + " END"


@dataclass(frozen=True, slots=True)
class Coalesce(Expression):
    """The first non-NULL argument."""

    items: tuple[Expression, ...]

    child_fields = ("items",)

    def coerce(self) -> Expression:
        target = common_type([i.data_type for i in self.items])
        if target is None:
            raise AnalysisException(
                "DATATYPE_MISMATCH.DATA_DIFF_TYPES",
                f"Cannot resolve \"{self.sql()}\" due to data type mismatch: input to `coalesce` should "
                "all be the same type.",
            )
        return Coalesce(tuple(cast_if_needed(i, target) for i in self.items))

    @property
    def data_type(self) -> T.DataType:
        return self.items[0].data_type

    @property
    def nullable(self) -> bool:
        return all(i.nullable for i in self.items)

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        values = [i.eval(batch) for i in self.items]
        if len(values) == 1:
            return values[0]
        return pc.coalesce(*values)
