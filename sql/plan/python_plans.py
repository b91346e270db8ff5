"""Logical nodes whose rows come from the user's Python function over whole batches or groups.

- ``MapInBatches``: ``mapInPandas`` / ``mapInArrow``: an iterator of the partition's batches in,
  an iterator of batches of the declared schema out.
- ``FlatMapGroupsInPandas``: ``groupBy(...).applyInPandas`` / ``applyInArrow`` (``kind``
  ``"pandas"`` or ``"arrow"``): each group as one pandas DataFrame or Arrow table in (or, when
  ``iterator``, as an iterator of them), data of the declared schema out.
- ``FlatMapCoGroupsInPandas``: ``cogroup(...).applyInPandas`` / ``applyInArrow``: each key's
  groups from both sides in, one DataFrame or table out.
- ``EvalPythonUDTF``: a Python UDTF's rows for its arguments.

Their output attributes are fixed when the node is built (the declared schema gets fresh
expression ids), and their grouping keys are resolved against their own child then, so the
analyzer has nothing left to do for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ember.sql import types as T
from ember.sql.expressions import AttributeReference, Expression, new_expr_id
from ember.sql.plan.logical import LogicalPlan, bracketed

__all__ = ["MapInBatches", "FlatMapGroupsInPandas", "FlatMapCoGroupsInPandas", "EvalPythonUDTF", "attributes_of",
           "flavoured"]


def attributes_of(schema: T.StructType) -> tuple[AttributeReference, ...]:
    """Fresh attributes for a declared output schema."""
    return tuple(AttributeReference(f.name, f.dataType, f.nullable, new_expr_id()) for f in schema.fields)


@dataclass(frozen=True, slots=True)
class MapInBatches(LogicalPlan):
    func: Callable[..., Any] = field(repr=False)
    kind: str  # "pandas" or "arrow"
    attrs: tuple[AttributeReference, ...]
    child: LogicalPlan

    child_fields = ("child",)

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.attrs)

    def node_string(self) -> str:
        name = "MapInPandas" if self.kind == "pandas" else "MapInArrow"
        return f"{name} {getattr(self.func, '__name__', 'function')}, {bracketed(self.attrs)}"


def flavoured(name: str, kind: str) -> str:
    """A node's name for its kind: ``FlatMapGroupsInPandas`` or, for Arrow, ``FlatMapGroupsInArrow``."""
    return name if kind == "pandas" else name.replace("Pandas", "Arrow")


@dataclass(frozen=True, slots=True)
class FlatMapGroupsInPandas(LogicalPlan):
    grouping: tuple[Expression, ...]
    func: Callable[..., Any] = field(repr=False)
    kind: str  # "pandas" or "arrow"
    iterator: bool  # the function takes and returns an iterator of batches
    attrs: tuple[AttributeReference, ...]
    child: LogicalPlan

    child_fields = ("child",)
    expr_fields = ("grouping",)

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.attrs)

    def node_string(self) -> str:
        return (f"{flavoured('FlatMapGroupsInPandas', self.kind)} {bracketed(self.grouping)}, "
                f"{getattr(self.func, '__name__', 'function')}, {bracketed(self.attrs)}")


@dataclass(frozen=True, slots=True)
class FlatMapCoGroupsInPandas(LogicalPlan):
    left_grouping: tuple[Expression, ...]
    right_grouping: tuple[Expression, ...]
    func: Callable[..., Any] = field(repr=False)
    kind: str  # "pandas" or "arrow"
    attrs: tuple[AttributeReference, ...]
    left: LogicalPlan
    right: LogicalPlan

    child_fields = ("left", "right")

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.attrs)

    def node_string(self) -> str:
        return (f"{flavoured('FlatMapCoGroupsInPandas', self.kind)} {bracketed(self.left_grouping)}, "
                f"{bracketed(self.right_grouping)}, {getattr(self.func, '__name__', 'function')}, "
                f"{bracketed(self.attrs)}")


@dataclass(frozen=True, slots=True)
class EvalPythonUDTF(LogicalPlan):
    """A Python UDTF called in FROM (or from the DataFrame API): ``handler``'s rows for ``args``,
    evaluated once per row of ``child`` (one row, with no columns the arguments may use); the last
    ``len(kwarg_names)`` arguments are passed by those names."""

    name: str
    handler: type = field(repr=False)
    args: tuple[Expression, ...]
    kwarg_names: tuple[str, ...]
    attrs: tuple[AttributeReference, ...]
    child: LogicalPlan

    child_fields = ("child",)
    expr_fields = ("args",)

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.attrs)

    def node_string(self) -> str:
        return f"EvalPythonUDTF {self.name}({', '.join(a.sql() for a in self.args)}), {bracketed(self.attrs)}"
