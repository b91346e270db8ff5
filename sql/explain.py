"""``DataFrame.explain``'s five modes, rendered as Spark renders them.

``simple`` is the physical plan; ``extended`` adds the analyzed and optimized logical plans;
``cost`` is the optimized plan with each node's estimated size; ``formatted`` is an outline of
the physical plan followed by one numbered section per operator; ``codegen`` says that no
subtree is compiled (Ember evaluates expressions on Arrow batches, not generated code).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ember.errors import IllegalArgumentException, PySparkTypeError, PySparkValueError
from ember.sql.physical import plan as P
from ember.sql.physical.planner import estimate_size
from ember.sql.plan.logical import LogicalPlan, schema_of
from ember.sql.plan.tree_string import tree_string

if TYPE_CHECKING:
    from ember.sql.query_execution import QueryExecution

__all__ = ["EXPLAIN_MODES", "explain_mode", "explain_string", "bytes_to_string"]

EXPLAIN_MODES = ("simple", "extended", "codegen", "cost", "formatted")


def explain_mode(extended: bool | str | None, mode: str | None) -> str:
    """The mode ``DataFrame.explain(extended, mode)`` asks for, checked as PySpark checks it."""
    if extended is not None and mode is not None:
        raise PySparkValueError("CANNOT_SET_TOGETHER", "extended and mode should not be set together.")
    if extended is not None and not isinstance(extended, (bool, str)):
        raise PySparkTypeError("NOT_EXPECTED_TYPE",
                               f"Argument `extended` should be bool or str, got {type(extended).__name__}.")
    if mode is not None and not isinstance(mode, str):
        raise PySparkTypeError("NOT_EXPECTED_TYPE", f"Argument `mode` should be str, got {type(mode).__name__}.")
    if isinstance(extended, bool):
        chosen = "extended" if extended else "simple"
    else:
        chosen = extended or mode or "simple"
    if chosen.lower() not in EXPLAIN_MODES:
        accepted = ", ".join(f"'{m}'" for m in EXPLAIN_MODES)
        raise IllegalArgumentException(f"Unknown explain mode: {chosen}. Accepted explain modes are {accepted}.")
    return chosen.lower()


def explain_string(qe: QueryExecution, mode: str) -> str:
    """The text ``explain`` prints for ``mode`` (one of ``EXPLAIN_MODES``)."""
    physical = f"== Physical Plan ==\n{qe.physical.tree_string()}\n"
    if mode == "simple":
        return physical
    if mode == "extended":
        schema = ", ".join(f"{f.name}: {f.dataType.simpleString()}" for f in schema_of(qe.analyzed.output))
        return (f"== Analyzed Logical Plan ==\n{schema}\n{qe.analyzed.tree_string()}\n\n"
                f"== Optimized Logical Plan ==\n{qe.optimized.tree_string()}\n\n{physical}")
    if mode == "cost":
        return f"== Optimized Logical Plan ==\n{_with_statistics(qe.optimized)}\n\n{physical}"
    if mode == "codegen":
        return "Found 0 WholeStageCodegen subtrees.\n"
    return _formatted(qe.physical)


def bytes_to_string(size: int) -> str:
    """A byte count as Spark prints statistics: one decimal and a binary unit (``1.5 KiB``)."""
    for power, unit in ((60, "EiB"), (50, "PiB"), (40, "TiB"), (30, "GiB"), (20, "MiB"), (10, "KiB")):
        if size >= 2 * (1 << power):
            return f"{size / (1 << power):.1f} {unit}"
    return f"{float(size):.1f} B"


def _with_statistics(plan: LogicalPlan) -> str:
    class Annotated:
        def __init__(self, node: LogicalPlan) -> None:
            self.node = node

        @property
        def children(self) -> list[Annotated]:
            return [Annotated(c) for c in self.node.children]

        def node_string(self) -> str:
            return f"{self.node.node_string()}, Statistics(sizeInBytes={bytes_to_string(estimate_size(self.node))})"

    return tree_string(Annotated(plan))


def _formatted(root: P.PhysicalPlan) -> str:
    numbers: dict[int, int] = {}
    order: list[P.PhysicalPlan] = []
    stack: list[tuple[P.PhysicalPlan, bool]] = [(root, False)]
    while stack:  # post-order: children are numbered before their parent, as Spark numbers them
        node, expanded = stack.pop()
        if id(node) in numbers:
            continue
        if expanded:
            order.append(node)
            numbers[id(node)] = len(order)
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in reversed(node.children))

    class Outline:
        def __init__(self, node: P.PhysicalPlan) -> None:
            self.node = node

        @property
        def children(self) -> list[Outline]:
            return [Outline(c) for c in self.node.children]

        def node_string(self) -> str:
            return f"{_operator_name(self.node)} ({numbers[id(self.node)]})"

    sections = [f"({numbers[id(n)]}) {_operator_name(n)}\n" + "\n".join(_details(n)) for n in order]
    return f"== Physical Plan ==\n{tree_string(Outline(root))}\n\n\n" + "\n\n".join(sections) + "\n\n"


def _operator_name(node: P.PhysicalPlan) -> str:
    if isinstance(node, P.FileScanExec):
        return f"Scan {node.source.format}"
    return node.node_string().split(" ", 1)[0].split("(", 1)[0]


def _attributes(attrs) -> str:
    return f"[{len(attrs)}]: [{', '.join(str(a) for a in attrs)}]"


def _details(node: P.PhysicalPlan) -> list[str]:
    """The lines under an operator's number: what flows in and out, and what it does."""
    lines = []
    if not node.children or isinstance(node, (P.ProjectExec, P.ExpandExec)):
        lines.append(f"Output {_attributes(node.output)}")
    inputs = [a for child in node.children for a in child.output]
    if node.children:
        lines.append(f"Input {_attributes(inputs)}")
    if isinstance(node, P.FilterExec):
        lines.append(f"Condition : {node.condition}")
    elif isinstance(node, P.HashAggregateExec):
        keys = node.output[: node.num_keys]
        prefix = "partial_" if node.mode == "partial" else ""
        lines.append(f"Keys {_attributes(keys)}")
        lines.append(f"Functions [{len(node.functions)}]: [{', '.join(prefix + str(f) for f in node.functions)}]")
        lines.append(f"Results {_attributes(node.output)}")
    elif isinstance(node, P.JoinExec):
        lines.append(f"Left keys {_attributes(node.left_keys)}")
        lines.append(f"Right keys {_attributes(node.right_keys)}")
        lines.append(f"Join type: {node.join_type.title().replace('_', '')}")
        lines.append(f"Join condition: {node.residual if node.residual is not None else 'None'}")
    elif not isinstance(node, P.ProjectExec) and " " in node.node_string():
        lines.append(f"Arguments: {node.node_string().split(' ', 1)[1]}")
    return lines
