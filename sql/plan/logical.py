"""Logical plan nodes: what a DataFrame computes, not how.

Nodes are frozen dataclasses. ``child_fields`` names the fields holding child plans and
``expr_fields`` the fields holding expressions (one, ``None`` or a tuple); from those come
``children``, ``expressions``, ``with_new_children``, ``map_expressions`` and the
``transform_up``/``transform_down`` walks that analyzer and optimizer rules use. ``output`` is
the list of attributes a node produces; it is only meaningful once the node is resolved.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Iterator

from ember.sql import types as T
from ember.sql.expressions import Alias, AttributeReference, Expression, SortOrder

__all__ = [
    "LogicalPlan", "LocalRelation", "Range", "Project", "Filter", "Aggregate", "Join", "Sort",
    "Limit", "Union", "Distinct", "SubqueryAlias", "InMemoryRelation", "Repartition", "JOIN_TYPES",
    "schema_of", "FileScan", "Generate", "Offset", "Expand", "RepartitionByExpression", "Window", "ResolvedHint",
]

JOIN_TYPES = ("inner", "left", "right", "full", "left_semi", "left_anti", "cross")


@dataclass(frozen=True, slots=True)
class LogicalPlan:
    child_fields: ClassVar[tuple[str, ...]] = ()
    expr_fields: ClassVar[tuple[str, ...]] = ()

    @property
    def children(self) -> tuple[LogicalPlan, ...]:
        out: list[LogicalPlan] = []
        for name in self.child_fields:
            value = getattr(self, name)
            out.extend(value if isinstance(value, tuple) else [value])
        return tuple(out)

    def with_new_children(self, children: list[LogicalPlan] | tuple[LogicalPlan, ...]) -> LogicalPlan:
        it = iter(children)
        updates: dict[str, Any] = {}
        for name in self.child_fields:
            value = getattr(self, name)
            updates[name] = tuple(next(it) for _ in value) if isinstance(value, tuple) else next(it)
        return dataclasses.replace(self, **updates)

    @property
    def expressions(self) -> list[Expression]:
        out: list[Expression] = []
        for name in self.expr_fields:
            value = getattr(self, name)
            if isinstance(value, tuple):
                out.extend(value)
            elif value is not None:
                out.append(value)
        return out

    def map_expressions(self, fn: Callable[[Expression], Expression]) -> LogicalPlan:
        """This node with ``fn`` applied to each of its top-level expressions."""
        updates: dict[str, Any] = {}
        for name in self.expr_fields:
            value = getattr(self, name)
            if isinstance(value, tuple):
                updates[name] = tuple(fn(e) for e in value)
            elif value is not None:
                updates[name] = fn(value)
        return dataclasses.replace(self, **updates) if updates else self

    def transform_up(self, fn: Callable[[LogicalPlan], LogicalPlan]) -> LogicalPlan:
        node = self
        if self.children:
            new_children = [c.transform_up(fn) for c in self.children]
            if any(a is not b for a, b in zip(new_children, self.children)):
                node = self.with_new_children(new_children)
        return fn(node)

    def transform_down(self, fn: Callable[[LogicalPlan], LogicalPlan]) -> LogicalPlan:
        node = fn(self)
        if node.children:
            new_children = [c.transform_down(fn) for c in node.children]
            if any(a is not b for a, b in zip(new_children, node.children)):
                node = node.with_new_children(new_children)
        return node

    def walk(self) -> Iterator[LogicalPlan]:
        stack: list[LogicalPlan] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    @property
    def resolved(self) -> bool:
        return all(e.resolved for e in self.expressions) and all(c.resolved for c in self.children)

    @property
    def output(self) -> list[AttributeReference]:
        raise NotImplementedError(type(self).__name__)

    @property
    def output_set(self) -> set[int]:
        return {a.expr_id for a in self.output}

    def node_string(self) -> str:
        """One line describing this node (its children go below it in ``tree_string``)."""
        return type(self).__name__

    def tree_string(self) -> str:
        from ember.sql.plan.tree_string import tree_string

        return tree_string(self)

    def __str__(self) -> str:
        return self.tree_string()


def _named_output(items: tuple[Expression, ...]) -> list[AttributeReference]:
    out = []
    for e in items:
        if isinstance(e, Alias):
            out.append(e.to_attribute())
        elif isinstance(e, AttributeReference):
            out.append(e)
        else:
            raise TypeError(f"unnamed expression {e} in an output list")
    return out


def bracketed(attrs: Any) -> str:
    """``[a, b]``: items as plan trees print them."""
    return "[" + ", ".join(str(a) for a in attrs) + "]"


def schema_of(attrs: list[AttributeReference]) -> T.StructType:
    return T.StructType([T.StructField(a.name, a.data_type, a.nullable, a.metadata) for a in attrs])


@dataclass(frozen=True, slots=True)
class LocalRelation(LogicalPlan):
    """Data held by the driver (``createDataFrame``): an Arrow table split into partitions.
    ``command``: the rows a statement returned (``SHOW TABLES``), Spark's ``CommandResult``."""

    attributes: tuple[AttributeReference, ...]
    data: Any = field(compare=False, hash=False, repr=False)  # pa.Table
    num_partitions: int | None = None
    command: bool = False

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.attributes)

    def node_string(self) -> str:
        return f"LocalRelation {bracketed(self.attributes)}"


@dataclass(frozen=True, slots=True)
class FileScan(LogicalPlan):
    """Files read through a ``FileSource`` (``spark.read``).

    The optimizer narrows ``attributes`` to the columns a query reads and records in
    ``pushed_filters`` the conjuncts of the filter above that the scan can use to skip
    partitions and row groups (the filter stays: pushed filters prune, they do not decide).
    """

    attributes: tuple[AttributeReference, ...]
    source: Any = field(repr=False)  # ember.sql.io.source.FileSource
    pushed_filters: tuple[Expression, ...] = ()

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.attributes)

    def node_string(self) -> str:
        return f"Relation [{','.join(str(a) for a in self.attributes)}] {self.source.format}"


@dataclass(frozen=True, slots=True)
class Range(LogicalPlan):
    """``spark.range(start, end, step)``: one non-null ``id`` column of longs."""

    start: int
    end: int
    step: int
    num_partitions: int | None
    attribute: AttributeReference

    @property
    def output(self) -> list[AttributeReference]:
        return [self.attribute]

    def node_string(self) -> str:
        parts = self.num_partitions if self.num_partitions is not None else "default"
        return f"Range ({self.start}, {self.end}, step={self.step}, splits={parts})"


@dataclass(frozen=True, slots=True)
class Project(LogicalPlan):
    project_list: tuple[Expression, ...]
    child: LogicalPlan

    child_fields = ("child",)
    expr_fields = ("project_list",)

    @property
    def output(self) -> list[AttributeReference]:
        return _named_output(self.project_list)

    def node_string(self) -> str:
        return f"Project {bracketed(self.project_list)}"


@dataclass(frozen=True, slots=True)
class Filter(LogicalPlan):
    condition: Expression
    child: LogicalPlan

    child_fields = ("child",)
    expr_fields = ("condition",)

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def node_string(self) -> str:
        return f"Filter {self.condition}"


@dataclass(frozen=True, slots=True)
class Aggregate(LogicalPlan):
    """``GROUP BY grouping`` producing ``aggregates`` (named; may mix keys and aggregate calls)."""

    grouping: tuple[Expression, ...]
    aggregates: tuple[Expression, ...]
    child: LogicalPlan

    child_fields = ("child",)
    expr_fields = ("grouping", "aggregates")

    @property
    def output(self) -> list[AttributeReference]:
        return _named_output(self.aggregates)

    def node_string(self) -> str:
        return f"Aggregate {bracketed(self.grouping)}, {bracketed(self.aggregates)}"


@dataclass(frozen=True, slots=True)
class Join(LogicalPlan):
    """A join; ``using`` (column names) is rewritten by the analyzer into ``condition``."""

    left: LogicalPlan
    right: LogicalPlan
    join_type: str
    condition: Expression | None = None
    using: tuple[str, ...] | None = None
    broadcast_hint: str | None = None  # "left" / "right" when a side is marked with broadcast()

    child_fields = ("left", "right")
    expr_fields = ("condition",)

    def __post_init__(self) -> None:
        if self.join_type not in JOIN_TYPES:
            raise ValueError(f"unknown join type {self.join_type!r}")

    @property
    def resolved(self) -> bool:
        return self.using is None and LogicalPlan.resolved.fget(self)  # type: ignore[attr-defined]

    @property
    def output(self) -> list[AttributeReference]:
        left, right = self.left.output, self.right.output
        if self.join_type in ("left_semi", "left_anti"):
            return left
        if self.join_type in ("right", "full"):
            left = [a.with_nullability(True) for a in left]
        if self.join_type in ("left", "full"):
            right = [a.with_nullability(True) for a in right]
        return left + right

    def node_string(self) -> str:
        name = {"inner": "Inner", "left": "LeftOuter", "right": "RightOuter", "full": "FullOuter",
                "left_semi": "LeftSemi", "left_anti": "LeftAnti", "cross": "Cross"}[self.join_type]
        text = f"Join {name}"
        if self.condition is not None:
            text += f", {self.condition}"
        if self.using is not None:
            text += f", using {list(self.using)}"
        return text


@dataclass(frozen=True, slots=True)
class Generate(LogicalPlan):
    """Rows of ``child`` repeated per generated row, with the generator's columns appended."""

    generator: Expression
    outer: bool
    generator_output: tuple[AttributeReference, ...]
    child: LogicalPlan

    child_fields = ("child",)
    expr_fields = ("generator",)

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output + list(self.generator_output)

    def node_string(self) -> str:
        return f"Generate {self.generator}, {'true' if self.outer else 'false'}, {bracketed(self.generator_output)}"


@dataclass(frozen=True, slots=True)
class Expand(LogicalPlan):
    """Each child row emitted once per projection (one per grouping set of a ROLLUP, CUBE or
    GROUPING SETS aggregate): the child's columns, the grouping keys with the keys outside
    that set NULL, and the set's ``spark_grouping_id``."""

    projections: tuple[tuple[Expression, ...], ...]
    attributes: tuple[AttributeReference, ...]
    child: LogicalPlan

    child_fields = ("child",)

    @property
    def expressions(self) -> list[Expression]:
        return [e for projection in self.projections for e in projection]

    def map_expressions(self, fn: Callable[[Expression], Expression]) -> LogicalPlan:
        projections = tuple(tuple(fn(e) for e in projection) for projection in self.projections)
        return dataclasses.replace(self, projections=projections)

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.attributes)

    def node_string(self) -> str:
        return f"Expand [{', '.join(bracketed(p) for p in self.projections)}], {bracketed(self.attributes)}"


@dataclass(frozen=True, slots=True)
class Sort(LogicalPlan):
    orders: tuple[SortOrder, ...]
    child: LogicalPlan
    is_global: bool = True

    child_fields = ("child",)
    expr_fields = ("orders",)

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def node_string(self) -> str:
        return f"Sort {bracketed(self.orders)}, {'true' if self.is_global else 'false'}"


@dataclass(frozen=True, slots=True)
class Limit(LogicalPlan):
    n: int
    child: LogicalPlan

    child_fields = ("child",)

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def node_string(self) -> str:
        return f"Limit {self.n}"


@dataclass(frozen=True, slots=True)
class Offset(LogicalPlan):
    """The child's rows without the first ``n`` (``OFFSET n``); ``LIMIT l OFFSET n`` is
    ``Offset n <- Limit l + n``, as in Spark."""

    n: int
    child: LogicalPlan

    child_fields = ("child",)

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def node_string(self) -> str:
        return f"Offset {self.n}"


@dataclass(frozen=True, slots=True)
class Union(LogicalPlan):
    """``UNION ALL`` by position; the output takes the first child's names and ids."""

    inputs: tuple[LogicalPlan, ...]

    child_fields = ("inputs",)

    @property
    def output(self) -> list[AttributeReference]:
        first = self.inputs[0].output
        nullable = [any(c.output[i].nullable for c in self.inputs) for i in range(len(first))]
        return [a.with_nullability(n) for a, n in zip(first, nullable)]

    def node_string(self) -> str:
        return "Union false, false"


@dataclass(frozen=True, slots=True)
class Distinct(LogicalPlan):
    child: LogicalPlan

    child_fields = ("child",)

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output


@dataclass(frozen=True, slots=True)
class SubqueryAlias(LogicalPlan):
    """``df.alias("t")``: the child's columns, also reachable as ``t.col``."""

    alias: str
    child: LogicalPlan

    child_fields = ("child",)

    @property
    def output(self) -> list[AttributeReference]:
        return [a.with_qualifier((self.alias,)) for a in self.child.output]

    def node_string(self) -> str:
        return f"SubqueryAlias {self.alias}"


@dataclass(frozen=True, slots=True)
class ResolvedHint(LogicalPlan):
    """``broadcast(df)``: the child, marked for the join above it (which takes the mark and drops the node)."""

    child: LogicalPlan
    hint: str = "broadcast"

    child_fields = ("child",)

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def node_string(self) -> str:
        return f"ResolvedHint {self.hint}"


@dataclass(frozen=True, slots=True)
class Repartition(LogicalPlan):
    """``repartition(n)`` (round-robin shuffle) or ``coalesce(n)`` (``shuffle=False``)."""

    num_partitions: int
    shuffle: bool
    child: LogicalPlan

    child_fields = ("child",)

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def node_string(self) -> str:
        return f"Repartition {self.num_partitions}, {'true' if self.shuffle else 'false'}"


@dataclass(frozen=True, slots=True)
class RepartitionByExpression(LogicalPlan):
    """``DISTRIBUTE BY keys`` / ``repartition(n, *cols)``: rows hash-partitioned by ``keys`` into
    ``num_partitions`` partitions (``None``: ``spark.sql.shuffle.partitions``)."""

    keys: tuple[Expression, ...]
    num_partitions: int | None
    child: LogicalPlan

    child_fields = ("child",)
    expr_fields = ("keys",)

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output

    def node_string(self) -> str:
        return f"RepartitionByExpression {bracketed(self.keys)}, {self.num_partitions}"


class CacheSlot:
    """The mutable holder of a cached plan's persisted RDD, shared by every plan that scans it."""

    __slots__ = ("rdd", "level")

    def __init__(self, level: Any = None) -> None:
        self.rdd: Any = None
        self.level = level  # the StorageLevel asked for, None for the default of ``cache()``


@dataclass(frozen=True, slots=True)
class InMemoryRelation(LogicalPlan):
    """A cached DataFrame: later plans scan ``slot.rdd`` (built from ``plan`` on first use)."""

    attributes: tuple[AttributeReference, ...]
    plan: LogicalPlan = field(compare=False, hash=False)
    slot: CacheSlot = field(compare=False, hash=False, repr=False)
    storage_level: str = "MEMORY_AND_DISK"

    @property
    def output(self) -> list[AttributeReference]:
        return list(self.attributes)

    def node_string(self) -> str:
        return f"InMemoryRelation {bracketed(self.attributes)}, StorageLevel({self.storage_level})"


@dataclass(frozen=True, slots=True)
class Window(LogicalPlan):
    """The child's rows with ``window_expressions`` (aliased ``f OVER (...)``) appended.

    Every expression shares ``partition_spec`` and ``order_spec`` (the analyzer groups them so),
    so one exchange and one sort serve them all; their frames may differ.
    """

    window_expressions: tuple[Expression, ...]
    partition_spec: tuple[Expression, ...]
    order_spec: tuple[SortOrder, ...]
    child: LogicalPlan

    child_fields = ("child",)
    expr_fields = ("window_expressions", "partition_spec", "order_spec")

    @property
    def output(self) -> list[AttributeReference]:
        return self.child.output + _named_output(self.window_expressions)

    def node_string(self) -> str:
        return (f"Window {bracketed(self.window_expressions)}, {bracketed(self.partition_spec)}, "
                f"{bracketed(self.order_spec)}")
