"""Names: unresolved names, resolved attributes with ids, aliases and ordinal-bound columns.

An ``AttributeReference`` is identified by its ``expr_id``, not its name: two columns called
``id`` from the two sides of a join are different attributes. ``Alias`` gives an expression
a name and a fresh id. The physical planner replaces attributes with ``BoundReference``s,
which read a batch column by position.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pyarrow as pa

from ember.sql import types as T
from ember.sql.expressions.base import ArrowValue, Expression

__all__ = [
    "new_expr_id", "UnresolvedAttribute", "UnresolvedStar", "UnresolvedRegex", "AttributeReference", "Alias",
    "BoundReference", "output_name",
]

_ids = itertools.count()


def new_expr_id() -> int:
    """A process-wide fresh id for a new attribute (only the driver makes them)."""
    return next(_ids)


@dataclass(frozen=True, slots=True)
class UnresolvedAttribute(Expression):
    """A column named by the user, not yet looked up: ``"a"`` or ``"t.a"``."""

    name: str

    @property
    def resolved(self) -> bool:
        return False

    @property
    def name_parts(self) -> list[str]:
        return [p.strip("`") for p in self.name.split(".")] if "`" not in self.name else [self.name.strip("`")]

    def to_string(self, ids: bool) -> str:
        return f"'{self.name}" if ids else self.name


@dataclass(frozen=True, slots=True)
class UnresolvedStar(Expression):
    """``*`` or ``t.*`` in a select list; the analyzer expands it."""

    target: str | None = None

    @property
    def resolved(self) -> bool:
        return False

    def to_string(self, ids: bool) -> str:
        return f"{self.target}.*" if self.target else "*"


@dataclass(frozen=True, slots=True)
class UnresolvedRegex(Expression):
    """``df.colRegex("`re`")``: the columns whose whole name matches ``pattern`` (case-insensitively,
    as Spark's default); the analyzer expands it in a select list as it expands ``*``."""

    pattern: str

    @property
    def resolved(self) -> bool:
        return False

    def to_string(self, ids: bool) -> str:
        return f"`{self.pattern}`"


@dataclass(frozen=True, slots=True)
class AttributeReference(Expression):
    """A resolved column: name, type, nullability and the id that identifies it."""

    name: str
    dtype: T.DataType
    is_nullable: bool = True
    expr_id: int = -1
    qualifier: tuple[str, ...] = ()
    # The column's ``StructField.metadata`` (None: none); carried along, never compared.
    metadata: dict | None = field(default=None, compare=False, hash=False, repr=False)

    @property
    def data_type(self) -> T.DataType:
        return self.dtype

    @property
    def nullable(self) -> bool:
        return self.is_nullable

    @property
    def foldable(self) -> bool:
        return False

    def with_new_id(self) -> AttributeReference:
        return AttributeReference(self.name, self.dtype, self.is_nullable, new_expr_id(), self.qualifier, self.metadata)

    def with_qualifier(self, qualifier: tuple[str, ...]) -> AttributeReference:
        return AttributeReference(self.name, self.dtype, self.is_nullable, self.expr_id, qualifier, self.metadata)

    def with_nullability(self, nullable: bool) -> AttributeReference:
        return AttributeReference(self.name, self.dtype, nullable, self.expr_id, self.qualifier, self.metadata)

    def to_string(self, ids: bool) -> str:
        return f"{self.name}#{self.expr_id}" if ids else self.name


@dataclass(frozen=True, slots=True)
class Alias(Expression):
    """``child AS name``, with its own ``expr_id`` (the id of the column it produces)."""

    child: Expression
    name: str
    expr_id: int = -1
    # Metadata given with the name (``alias(name, metadata=...)``, ``withMetadata``); None: the
    # child's when it is a column or another alias (a rename keeps it), else none, as in Spark.
    explicit_metadata: dict | None = field(default=None, compare=False, hash=False, repr=False)

    child_fields = ("child",)

    @staticmethod
    def make(child: Expression, name: str, metadata: dict | None = None) -> Alias:
        return Alias(child, name, new_expr_id(), metadata)

    @property
    def metadata(self) -> dict | None:
        if self.explicit_metadata is not None:
            return self.explicit_metadata
        return self.child.metadata if isinstance(self.child, (Alias, AttributeReference)) else None

    @property
    def data_type(self) -> T.DataType:
        return self.child.data_type

    @property
    def foldable(self) -> bool:
        return False

    def to_attribute(self) -> AttributeReference:
        return AttributeReference(self.name, self.child.data_type, self.child.nullable, self.expr_id, (),
                                  self.metadata)

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return self.child.eval(batch)

    def to_string(self, ids: bool) -> str:
        if not ids:  # inside a larger expression Spark spells it out: ``(x AS y + 1)``
            return f"{self.child.to_string(False)} AS {self.name}"
        return f"{self.child.to_string(True)} AS {self.name}#{self.expr_id}"


@dataclass(frozen=True, slots=True)
class BoundReference(Expression):
    """An attribute bound to column ``ordinal`` of the input batch (physical plans only)."""

    ordinal: int
    dtype: T.DataType
    is_nullable: bool = True
    name: str = ""
    expr_id: int = field(default=-1, compare=False)  # the bound attribute's id, for explain() only

    @property
    def data_type(self) -> T.DataType:
        return self.dtype

    @property
    def nullable(self) -> bool:
        return self.is_nullable

    @property
    def foldable(self) -> bool:
        return False

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return batch.column(self.ordinal)

    def to_string(self, ids: bool) -> str:
        if self.expr_id < 0:
            return f"input[{self.ordinal}]"
        return f"{self.name}#{self.expr_id}" if ids else self.name


def output_name(expr: Expression) -> str:
    """The column name an expression gets in a select list (its alias, name or SQL text)."""
    if isinstance(expr, (Alias, AttributeReference)):
        return expr.name
    if isinstance(expr, UnresolvedAttribute):
        return expr.name_parts[-1]
    return expr.sql()
