"""``CASE WHEN`` (``when``/``otherwise``) and ``coalesce``.

Both are evaluated vectorised over every row first; if that raises (an ANSI error in a
branch), they are evaluated again the way Spark defines them, each branch or argument only
on the rows that reach it, so ``CASE WHEN b = 0 THEN 0 ELSE a / b END`` never divides by zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException
from ember.sql.expressions.base import ArrowValue, Expression, as_array
from ember.sql.expressions.coercion import cast_if_needed, cast_to_common_type, common_type

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
        try:
            return self._eval_every_branch(batch)
        except Exception:  # a branch failed somewhere: maybe only on rows it does not get
            return self._eval_branch_by_branch(batch)

    def _eval_every_branch(self, batch: pa.RecordBatch) -> ArrowValue:
        """Vectorised: every condition and value over every row, then pick per row."""
        arrow_type = to_arrow_type(self.data_type)
        result = (self.else_value.eval(batch) if self.else_value is not None
                  else pa.scalar(None, arrow_type))
        result = as_array(result, batch.num_rows)
        for cond, value in zip(reversed(self.conditions), reversed(self.values)):
            mask = as_array(pc.fill_null(cond.eval(batch), False), batch.num_rows)
            result = pc.if_else(mask, value.eval(batch), result)
        return result

    def _eval_branch_by_branch(self, batch: pa.RecordBatch) -> ArrowValue:
        """Spark's semantics: each condition only on rows no earlier one took, each value only
        on the rows that chose it, so an error raises only if a row reaches it."""
        arrow_type = to_arrow_type(self.data_type)
        undecided = np.arange(batch.num_rows)
        rows, values = [], []
        for cond, value in zip(self.conditions, self.values):
            if not len(undecided):
                break
            taken = _mask(cond.eval(_rows(batch, undecided)), len(undecided))
            _append(rows, values, undecided[taken], value, batch, arrow_type)
            undecided = undecided[~taken]
        if len(undecided):
            if self.else_value is None:
                rows.append(undecided)
                values.append(pa.nulls(len(undecided), arrow_type))
            else:
                _append(rows, values, undecided, self.else_value, batch, arrow_type)
        return _scatter(rows, values, batch.num_rows, arrow_type)

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
        return Coalesce(cast_to_common_type(self, self.items, "coalesce"))

    @property
    def data_type(self) -> T.DataType:
        return self.items[0].data_type

    @property
    def nullable(self) -> bool:
        return all(i.nullable for i in self.items)

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        try:
            values = [i.eval(batch) for i in self.items]
            return values[0] if len(values) == 1 else pc.coalesce(*values)
        except Exception:  # an argument failed somewhere: maybe only where it is not needed
            return self._eval_item_by_item(batch)

    def _eval_item_by_item(self, batch: pa.RecordBatch) -> ArrowValue:
        """Spark's semantics: an argument is evaluated only on rows still NULL before it."""
        arrow_type = to_arrow_type(self.data_type)
        pending = np.arange(batch.num_rows)
        rows, values = [], []
        for item in self.items:
            if not len(pending):
                break
            value = as_array(item.eval(_rows(batch, pending)), len(pending))
            valid = _mask(value.is_valid(), len(pending))
            rows.append(pending[valid])
            values.append(value.filter(pa.array(valid)).cast(arrow_type))
            pending = pending[~valid]
        rows.append(pending)
        values.append(pa.nulls(len(pending), arrow_type))
        return _scatter(rows, values, batch.num_rows, arrow_type)


def _rows(batch: pa.RecordBatch, indices: np.ndarray) -> pa.RecordBatch:
    return batch.take(pa.array(indices, pa.int64()))


def _mask(value: ArrowValue, length: int) -> np.ndarray:
    """A boolean numpy mask; NULL counts as false."""
    array = as_array(pc.fill_null(value, False), length)
    return array.to_numpy(zero_copy_only=False).astype(bool)


def _append(rows: list, values: list, indices: np.ndarray, value: Expression,
            batch: pa.RecordBatch, arrow_type: pa.DataType) -> None:
    if len(indices):
        rows.append(indices)
        values.append(as_array(value.eval(_rows(batch, indices)), len(indices)).cast(arrow_type))


def _scatter(rows: list[np.ndarray], values: list[pa.Array], length: int, arrow_type: pa.DataType) -> pa.Array:
    """One array of ``length`` from pieces computed for disjoint row sets."""
    if not rows:
        return pa.nulls(length, arrow_type)
    order = np.concatenate(rows)
    position = np.empty(length, dtype=np.int64)
    position[order] = np.arange(length)
    return pa.concat_arrays(values).take(pa.array(position))
