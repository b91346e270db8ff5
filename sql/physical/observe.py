"""Observed metrics: computed in the tasks that pass the rows on, merged on the driver.

``CollectMetricsExec`` passes its child's batches through. For each batch it also evaluates
the metrics' aggregate functions to their partial states (or, for a function without a
partial form, keeps the batch's aggregated inputs) and adds them to an accumulator under the
key ``(partition, batch number)``. Keys make the sum idempotent: when one action computes a
partition twice (a global sort samples its input in a job of its own first), the second
computation replaces the first's states instead of adding to them, so each row counts once,
as in Spark. When the action ends, ``report_metrics`` merges the states, finishes the
metrics and completes the ``Observation`` (only the first action's values are kept).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import pyarrow as pa

from ember.accumulators import AccumulatorParam
from ember.sql import expressions as E
from ember.sql.arrow_types import from_arrow_type, to_arrow_type
from ember.sql.conversion import table_to_rows
from ember.sql.physical import plan as P
from ember.sql.physical.aggregate import aggregate_partition
from ember.sql.physical.batches import ArrowIPC, arrow_schema, bind, empty_batch, evaluate, to_table
from ember.sql.plan.logical import schema_of
from ember.sql.plan.observed import CollectMetrics

__all__ = ["CollectMetricsExec", "OBSERVE_PLANNERS", "OBSERVE_EXECUTORS", "report_metrics"]


class _StatesParam(AccumulatorParam):
    """Accumulates ``{(partition, batch number): states batch}``; a later value for a key replaces it."""

    def zero(self, value: dict) -> dict:
        return {}

    def addInPlace(self, value1: dict, value2: dict) -> dict:
        value1.update(value2)
        return value1


class MetricsSlot:
    """The accumulator of one execution of a ``CollectMetricsExec`` (set when its RDD is built)."""

    __slots__ = ("accumulator",)

    def __init__(self) -> None:
        self.accumulator: Any = None


@dataclass(frozen=True, slots=True)
class CollectMetricsExec(P.PhysicalPlan):
    name: str = ""
    functions: tuple[E.AggregateFunction, ...] = ()
    function_inputs: tuple[E.Expression, ...] = ()  # each function's input, bound to the child's columns
    state_attrs: tuple[E.AttributeReference, ...] = ()  # what the tasks send: partial states or raw inputs
    partial: bool = True
    results: tuple[E.Expression, ...] = ()         # the metrics over the functions' result columns
    result_attrs: tuple[E.AttributeReference, ...] = ()  # one per function: the columns ``results`` read
    metric_attrs: tuple[E.AttributeReference, ...] = ()
    child: P.PhysicalPlan = None  # type: ignore[assignment]
    observation: Any = field(default=None, compare=False, repr=False)
    slot: MetricsSlot = field(default_factory=MetricsSlot, compare=False, repr=False)

    def node_string(self) -> str:
        return f"CollectMetrics {self.name}, {P.bracketed(self.metric_attrs)}"


def _plan(node: CollectMetrics, children: list[P.PhysicalPlan], ctx: Any) -> P.PhysicalPlan:
    child = children[0]
    functions: list[E.AggregateFunction] = []
    for metric in node.metrics:
        for e in metric.walk():
            if isinstance(e, E.AggregateFunction) and e not in functions:
                functions.append(e)
    inputs = [E.Alias.make(f.aggregated_input if f.child is not None else E.Literal.of(1), f"_in{i}")
              for i, f in enumerate(functions)]
    partial = all(f.supports_partial for f in functions)
    if partial:
        states = [E.AttributeReference(f"_state{j}", from_arrow_type(t), True, E.new_expr_id())
                  for f in functions for j, t in enumerate(f.partial_types())]
    else:
        states = [a.to_attribute() for a in inputs]
    results = [E.AttributeReference(f"_result{i}", f.data_type, f.nullable, E.new_expr_id())
               for i, f in enumerate(functions)]
    by_function = dict(zip(functions, results))
    finished = [bind(m.transform_down(lambda e: by_function.get(e, e) if isinstance(e, E.AggregateFunction) else e),
                     results) for m in node.metrics]
    metric_attrs = [m.to_attribute() if isinstance(m, E.Alias) else m for m in node.metrics]
    return CollectMetricsExec(
        child.output, node.name, tuple(functions), tuple(bind(a, list(child.output)) for a in inputs),
        tuple(states), partial, tuple(finished), tuple(results), tuple(metric_attrs), child, node.observation)


def _states(batch: pa.RecordBatch, inputs: list[E.Expression], input_schema: pa.Schema,
            functions: list[E.AggregateFunction], partial: bool, state_schema: pa.Schema) -> pa.RecordBatch:
    """One batch's contribution: the functions' partial states, or their inputs as they are."""
    values = evaluate(inputs, batch, input_schema)
    if not partial:
        return values
    return next(aggregate_partition(iter([values]), input_schema, 0, functions, "partial", state_schema))


def _execute(node: CollectMetricsExec, sc: Any) -> Any:
    from ember.sql.physical.execution import execute

    accumulator = sc.accumulator({}, _StatesParam())
    node.slot.accumulator = accumulator
    inputs, functions, partial = list(node.function_inputs), list(node.functions), node.partial
    input_schema = _input_schema(node)
    state_schema = arrow_schema(list(node.state_attrs))

    def observe(split: int, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for number, batch in enumerate(batches):
            states = _states(batch, inputs, input_schema, functions, partial, state_schema)
            accumulator.add({(split, number): ArrowIPC(states.rename_columns(state_schema.names))})
            yield batch

    return execute(node.child, sc).mapPartitionsWithIndex(observe)


def _metrics_row(node: CollectMetricsExec, batches: list[pa.RecordBatch]) -> dict[str, Any]:
    """The metrics over every task's states (no states: as over no rows)."""
    functions = list(node.functions)
    state_schema = arrow_schema(list(node.state_attrs))
    if node.partial:
        input_schema = _input_schema(node)
        batches = batches + list(aggregate_partition(iter([empty_batch(input_schema)]), input_schema, 0, functions,
                                                     "partial", state_schema))
    table = to_table([b.rename_columns(state_schema.names) for b in batches], state_schema)
    result_schema = arrow_schema(list(node.result_attrs))
    mode = "final" if node.partial else "complete"
    merged = next(aggregate_partition(iter(table.to_batches()), state_schema, 0, functions, mode, result_schema))
    out = evaluate(list(node.results), merged, arrow_schema(list(node.metric_attrs)))
    row = table_to_rows(pa.Table.from_batches([out]), schema_of(list(node.metric_attrs)))[0]
    return row.asDict(recursive=False)


def _input_schema(node: CollectMetricsExec) -> pa.Schema:
    return pa.schema([pa.field(f"_in{i}", to_arrow_type(e.data_type)) for i, e in enumerate(node.function_inputs)])


def _walk(plan: P.PhysicalPlan) -> Iterator[P.PhysicalPlan]:
    stack = [plan]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)


def report_metrics(plan: P.PhysicalPlan) -> None:
    """After an action over ``plan``: complete the observations whose metrics it computed."""
    for node in _walk(plan):
        if not isinstance(node, CollectMetricsExec) or node.slot.accumulator is None or node.observation is None:
            continue
        accumulator, node.slot.accumulator = node.slot.accumulator, None
        if node.observation.done:
            continue
        batches = [v.batch if isinstance(v, ArrowIPC) else v for _, v in sorted(accumulator.value.items())]
        node.observation.complete(_metrics_row(node, batches))


OBSERVE_PLANNERS: dict[type, Callable[..., P.PhysicalPlan]] = {CollectMetrics: _plan}
OBSERVE_EXECUTORS: dict[type, Callable[[Any, Any], Any]] = {CollectMetricsExec: _execute}
