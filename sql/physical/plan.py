"""Physical plan nodes: the chosen algorithms, with expressions bound to input ordinals.

Each node keeps its ``output`` attributes (so batches can be named and later nodes bound)
and renders one line for ``explain()``. ``execution.py`` turns nodes into RDDs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ember.sql import expressions as E
from ember.sql.plan.logical import CacheSlot, bracketed

__all__ = [
    "PhysicalPlan", "LocalScanExec", "RangeExec", "InMemoryScanExec", "ProjectExec", "FilterExec",
    "HashAggregateExec", "ExchangeExec", "BroadcastHashJoinExec", "ShuffledHashJoinExec", "SortExec",
    "LimitExec", "UnionExec", "HashPartitioning", "RangePartitioning", "SinglePartition", "RoundRobinPartitioning",
    "DirectPartitioning",
    "CoalesceExec", "FileScanExec", "JoinExec", "GenerateExec", "cartesian_products", "OffsetExec", "ExpandExec",
]


@dataclass(frozen=True, slots=True)
class HashPartitioning:
    keys: tuple[E.Expression, ...]
    num_partitions: int

    def __str__(self) -> str:
        return f"hashpartitioning({', '.join(str(k) for k in self.keys)}, {self.num_partitions})"


@dataclass(frozen=True, slots=True)
class SinglePartition:
    num_partitions: int = 1

    def __str__(self) -> str:
        return "SinglePartition"


@dataclass(frozen=True, slots=True)
class RangePartitioning:
    """Rows split into ``num_partitions`` sorted ranges of ``orders`` (bounds sampled at run time)."""

    orders: tuple[E.SortOrder, ...]
    num_partitions: int

    def __str__(self) -> str:
        return f"rangepartitioning({', '.join(str(o) for o in self.orders)}, {self.num_partitions})"


@dataclass(frozen=True, slots=True)
class DirectPartitioning:
    """Each row to the partition its ``partition_id`` names (``repartitionById``)."""

    partition_id: E.Expression
    num_partitions: int

    def __str__(self) -> str:
        return f"directshufflepartitionid({self.partition_id}, {self.num_partitions})"


@dataclass(frozen=True, slots=True)
class RoundRobinPartitioning:
    num_partitions: int

    def __str__(self) -> str:
        return f"RoundRobinPartitioning({self.num_partitions})"


@dataclass(frozen=True, slots=True)
class PhysicalPlan:
    output: tuple[E.AttributeReference, ...]

    @property
    def children(self) -> tuple[PhysicalPlan, ...]:
        return tuple(getattr(self, n) for n in ("child", "left", "right") if hasattr(self, n)) + tuple(
            getattr(self, "inputs", ()))

    def node_string(self) -> str:
        return type(self).__name__.removesuffix("Exec")

    def tree_string(self) -> str:
        from ember.sql.plan.tree_string import tree_string

        return tree_string(self)


@dataclass(frozen=True, slots=True)
class LocalScanExec(PhysicalPlan):
    table: Any = field(compare=False, repr=False)
    num_partitions: int | None = None

    def node_string(self) -> str:
        return f"LocalTableScan {bracketed(self.output)}"


@dataclass(frozen=True, slots=True)
class FileScanExec(PhysicalPlan):
    """Read the planned splits of a ``FileSource``: one partition per split."""

    source: Any = field(default=None, repr=False)  # ember.sql.io.source.FileSource
    split_plan: Any = field(default=None, repr=False)  # ember.sql.io.source.SplitPlan
    partition_filters: tuple[E.Expression, ...] = ()
    data_filters: tuple[E.Expression, ...] = ()

    def node_string(self) -> str:
        from ember.sql.io.pushdown import describe

        src, plan = self.source, self.split_plan
        partitions = src.partition_names
        read = ",".join(f"{a.name}:{a.data_type.simpleString()}" for a in self.output
                        if a.name.lower() not in partitions)
        location = ", ".join(f"file:{p}" for p in src.paths[:2]) + (", ..." if len(src.paths) > 2 else "")
        text = (f"FileScan {src.format} [{','.join(str(a) for a in self.output)}] Batched: true, "
                f"DataFilters: {bracketed(self.data_filters)}, Format: {src.format.title()}, "
                f"Location: InMemoryFileIndex({len(src.paths)} paths)[{location}], "
                f"PartitionFilters: {bracketed(self.partition_filters)}, "
                f"PushedFilters: [{', '.join(describe(f) for f in self.data_filters)}], "
                f"ReadSchema: struct<{read}>, Files: {plan.files_kept}/{plan.files_total}, Splits: {len(plan.splits)}")
        if plan.row_groups_total:
            text += f", RowGroups: {plan.row_groups_kept}/{plan.row_groups_total}"
        return text


@dataclass(frozen=True, slots=True)
class RangeExec(PhysicalPlan):
    start: int = 0
    end: int = 0
    step: int = 1
    num_partitions: int | None = None

    def node_string(self) -> str:
        return f"Range ({self.start}, {self.end}, step={self.step}, splits={self.num_partitions})"


@dataclass(frozen=True, slots=True)
class InMemoryScanExec(PhysicalPlan):
    child: PhysicalPlan = None  # type: ignore[assignment]
    slot: CacheSlot = field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    def node_string(self) -> str:
        return f"InMemoryTableScan {bracketed(self.output)}"


@dataclass(frozen=True, slots=True)
class ProjectExec(PhysicalPlan):
    project_list: tuple[E.Expression, ...] = ()
    child: PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        return f"Project {bracketed(self.project_list)}"


@dataclass(frozen=True, slots=True)
class FilterExec(PhysicalPlan):
    condition: E.Expression = None  # type: ignore[assignment]
    child: PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        return f"Filter {self.condition}"


@dataclass(frozen=True, slots=True)
class HashAggregateExec(PhysicalPlan):
    """Aggregate a pre-projected input ``[keys..., inputs...]``.

    ``mode`` is ``partial`` (states per partition), ``final`` (merge states, then finish) or
    ``complete`` (raw rows to results in one phase).
    """

    num_keys: int = 0
    functions: tuple[E.AggregateFunction, ...] = ()
    mode: str = "complete"
    child: PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        prefix = "partial_" if self.mode == "partial" else ""
        keys = bracketed(self.output[: self.num_keys])
        return f"HashAggregate(keys={keys}, functions={bracketed(prefix + str(f) for f in self.functions)})"


@dataclass(frozen=True, slots=True)
class ExchangeExec(PhysicalPlan):
    partitioning: Any = None
    child: PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        return f"Exchange {self.partitioning}"


@dataclass(frozen=True, slots=True)
class CoalesceExec(PhysicalPlan):
    num_partitions: int = 1
    child: PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        return f"Coalesce {self.num_partitions}"


@dataclass(frozen=True, slots=True)
class JoinExec(PhysicalPlan):
    left: PhysicalPlan = None  # type: ignore[assignment]
    right: PhysicalPlan = None  # type: ignore[assignment]
    join_type: str = "inner"
    left_keys: tuple[E.Expression, ...] = ()
    right_keys: tuple[E.Expression, ...] = ()
    residual: E.Expression | None = None

    def _describe(self) -> str:
        text = f"{bracketed(self.left_keys)}, {bracketed(self.right_keys)}, {self.join_type.title().replace('_', '')}"
        return text + (f", {self.residual}" if self.residual is not None else "")


@dataclass(frozen=True, slots=True)
class BroadcastHashJoinExec(JoinExec):
    """The ``build_side`` is collected and sent whole to every partition of the other side."""

    build_side: str = "right"

    def node_string(self) -> str:
        return f"BroadcastHashJoin {self._describe()}, Build{self.build_side.title()}"


@dataclass(frozen=True, slots=True)
class ShuffledHashJoinExec(JoinExec):
    """Both sides arrive hash-partitioned alike; partition ``i`` joins with partition ``i``."""

    def node_string(self) -> str:
        return f"ShuffledHashJoin {self._describe()}"


@dataclass(frozen=True, slots=True)
class GenerateExec(PhysicalPlan):
    generator: E.Expression = None  # type: ignore[assignment]
    outer: bool = False
    child: PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        return f"Generate {self.generator}, {'true' if self.outer else 'false'}"


@dataclass(frozen=True, slots=True)
class SortExec(PhysicalPlan):
    orders: tuple[E.SortOrder, ...] = ()
    child: PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        return f"Sort {bracketed(self.orders)}"


@dataclass(frozen=True, slots=True)
class LimitExec(PhysicalPlan):
    n: int = 0
    is_global: bool = True
    child: PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        return f"{'Global' if self.is_global else 'Local'}Limit {self.n}"


@dataclass(frozen=True, slots=True)
class ExpandExec(PhysicalPlan):
    """Each input batch evaluated once per projection (grouping sets)."""

    projections: tuple[tuple[E.Expression, ...], ...] = ()
    child: PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        return f"Expand [{', '.join(bracketed(p) for p in self.projections)}], {bracketed(self.output)}"


@dataclass(frozen=True, slots=True)
class OffsetExec(PhysicalPlan):
    """Skip the first ``n`` rows of a child that is one partition in order."""

    n: int = 0
    child: PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        return f"GlobalOffset {self.n}"


@dataclass(frozen=True, slots=True)
class UnionExec(PhysicalPlan):
    inputs: tuple[PhysicalPlan, ...] = ()

    def node_string(self) -> str:
        return "Union"


def cartesian_products(plan: PhysicalPlan) -> list[PhysicalPlan]:
    """The inner and cross joins without keys in ``plan`` whose sides may both hold many rows.

    A join with a one-row side (a global aggregate, as scalar subqueries and NOT IN's null
    check are planned) is not counted. Tests and benchmarks use this to refuse a plan that
    would multiply tables out, before running it.
    """
    found = []
    stack = [plan]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if (isinstance(node, JoinExec) and node.join_type in ("inner", "cross") and not node.left_keys
                and not (_one_row(node.left) or _one_row(node.right))):
            found.append(node)
    return found


def _one_row(plan: PhysicalPlan) -> bool:
    while isinstance(plan, (ProjectExec, FilterExec)):
        plan = plan.child
    return isinstance(plan, HashAggregateExec) and plan.num_keys == 0 and plan.mode != "partial"
