"""The expression tree: every column computation is a frozen node evaluated over an Arrow batch.

A node declares which of its dataclass fields hold children (``child_fields``, sqlglot's
``arg_types`` idea); a field holds one expression, ``None`` or a tuple of expressions. From
that one declaration come ``children``, ``with_new_children`` and the ``transform_up`` /
``transform_down`` walks that analyzer and optimizer rules use.

Life of a node: built unresolved by ``Column`` and ``functions`` (names are strings); the
analyzer replaces names with ``AttributeReference`` (typed, with an ``expr_id``) and calls
``coerce()`` bottom-up so each node can insert the implicit casts Spark would; the physical
planner binds attributes to batch ordinals; ``eval(batch)`` then computes one Arrow array
(or a scalar, for constants) with ``pyarrow.compute`` kernels: never a Python loop over rows.

Checklist when adding a node: ``child_fields``; ``data_type``; ``nullable`` if not "any child
is"; ``eval``; ``_fmt`` for its SQL text (it names the output column); ``coerce`` if Spark
casts its inputs implicitly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Iterator

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.errors import AnalysisException, ArithmeticException

__all__ = ["Expression", "BinaryOperator", "ArrowValue", "as_array", "arrow_errors_as_spark"]

ArrowValue = Any  # pa.Array | pa.ChunkedArray | pa.Scalar


@dataclass(frozen=True, slots=True)
class Expression:
    """Base of every expression node."""

    child_fields: ClassVar[tuple[str, ...]] = ()

    # ------------------------------------------------------------------ tree structure
    @property
    def children(self) -> tuple[Expression, ...]:
        out: list[Expression] = []
        for name in self.child_fields:
            value = getattr(self, name)
            if isinstance(value, tuple):
                out.extend(value)
            elif value is not None:
                out.append(value)
        return tuple(out)

    def with_new_children(self, children: tuple[Expression, ...] | list[Expression]) -> Expression:
        """A copy of this node with ``children`` in place of its current ones, in order."""
        it = iter(children)
        updates: dict[str, Any] = {}
        for name in self.child_fields:
            value = getattr(self, name)
            if isinstance(value, tuple):
                updates[name] = tuple(next(it) for _ in value)
            elif value is not None:
                updates[name] = next(it)
        new = dataclasses.replace(self, **updates)
        return self if new == self else new

    def transform_up(self, fn: Callable[[Expression], Expression]) -> Expression:
        """Rewrite children first, then this node (post-order)."""
        node = self
        if self.children:
            node = self.with_new_children([c.transform_up(fn) for c in self.children])
        return fn(node)

    def transform_down(self, fn: Callable[[Expression], Expression]) -> Expression:
        """Rewrite this node first, then the children of the result (pre-order)."""
        node = fn(self)
        if node.children:
            node = node.with_new_children([c.transform_down(fn) for c in node.children])
        return node

    def walk(self) -> Iterator[Expression]:
        """Every node of the tree, pre-order, iteratively."""
        stack: list[Expression] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def references(self) -> set[int]:
        """The ``expr_id``s of the attributes this expression reads."""
        from ember.sql.expressions.named import AttributeReference

        return {n.expr_id for n in self.walk() if isinstance(n, AttributeReference)}

    # ------------------------------------------------------------------ typing
    @property
    def resolved(self) -> bool:
        return all(c.resolved for c in self.children)

    @property
    def data_type(self) -> T.DataType:
        raise NotImplementedError(f"{type(self).__name__}.data_type")

    @property
    def nullable(self) -> bool:
        return any(c.nullable for c in self.children)

    @property
    def foldable(self) -> bool:
        """True when the value does not depend on any row (constant folding may evaluate it)."""
        return bool(self.children) and all(c.foldable for c in self.children)

    @property
    def deterministic(self) -> bool:
        return all(c.deterministic for c in self.children)

    def coerce(self) -> Expression:
        """This node with Spark's implicit casts applied to its (resolved) children."""
        return self

    # ------------------------------------------------------------------ evaluation
    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        raise NotImplementedError(f"{type(self).__name__} cannot be evaluated row-wise")

    # ------------------------------------------------------------------ text
    def _fmt(self, args: list[str]) -> str:
        return f"{self.pretty_name}({', '.join(args)})"

    @property
    def pretty_name(self) -> str:
        return type(self).__name__.lower()

    def to_string(self, ids: bool) -> str:
        return self._fmt([c.to_string(ids) for c in self.children])

    def sql(self) -> str:
        """The text Spark uses as the output column name, e.g. ``(id + 1)``."""
        return self.to_string(False)

    def __str__(self) -> str:
        return self.to_string(True)



@dataclass(frozen=True, slots=True)
class BinaryOperator(Expression):
    """``left <symbol> right``: comparisons, boolean connectives and arithmetic.

    Evaluated by the Arrow compute function named ``kernel`` unless a subclass says otherwise.
    """

    left: Expression
    right: Expression

    child_fields = ("left", "right")
    symbol: ClassVar[str] = "?"
    kernel: ClassVar[str] = ""

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return getattr(pc, self.kernel)(self.left.eval(batch), self.right.eval(batch))

    def _fmt(self, args: list[str]) -> str:
        return f"({args[0]} {self.symbol} {args[1]})"


def as_array(value: ArrowValue, length: int) -> pa.Array:
    """An evaluation result as one array of ``length`` rows (constants are repeated)."""
    if isinstance(value, pa.Scalar):
        if not value.is_valid:
            return pa.nulls(length, value.type)
        return pa.repeat(value, length)
    if isinstance(value, pa.ChunkedArray):
        return value.combine_chunks()
    return value


def arrow_errors_as_spark(fn: Callable[[], ArrowValue], what: str) -> ArrowValue:
    """Run a kernel, turning Arrow's overflow errors into Spark's ANSI ``ARITHMETIC_OVERFLOW``."""
    try:
        return fn()
    except pa.ArrowInvalid as e:
        if "overflow" in str(e).lower():
            raise ArithmeticException(
                "ARITHMETIC_OVERFLOW",
                f"{what} overflow. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                "22003",
            ) from None
        raise


def require(condition: bool, message: str, error_class: str = "DATATYPE_MISMATCH") -> None:
    """Raise ``AnalysisException`` unless ``condition``; used by ``coerce`` checks."""
    if not condition:
        raise AnalysisException(error_class, message)
