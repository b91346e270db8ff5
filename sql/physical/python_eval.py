"""Where Python functions over whole batches and groups run: ``mapInPandas``/``mapInArrow``,
``applyInPandas``/``applyInArrow``, ``cogroup().applyInPandas``/``applyInArrow`` and Python
UDTFs (``udtf_eval.py``).

Each becomes one ``mapPartitions`` step in the worker processes, with the user's function
pickled in the stage binary (once per task, never per row):

- map: the partition's batches, named by their columns (as pandas DataFrames or Arrow
  batches), stream through the function; each result is checked against the declared schema.
- grouped map: the child is hash-exchanged on the grouping keys, so a group's rows meet in
  one task; there they are gathered, split by key, and each group is one call.
- cogrouped map: both sides are hash-exchanged on their keys into the same number of
  partitions and tagged by side, as a shuffled join's are; each key's rows from both sides
  are one call (an empty DataFrame or table for a side without the key).

The pandas and Arrow flavours of the grouped operations share this path; a node's ``kind``
decides what a group is handed as and how results are checked (``group_io.py``). A function
of two (three, for cogroup) parameters gets the key as a tuple first, as PySpark's: of numpy
values for pandas, of ``pyarrow.Scalar``s for Arrow.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import numpy as np
import pyarrow as pa

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.errors import EmberTypeError
from ember.sql.expressions.python_udf import annotate_udf_error, origin_of
from ember.sql.pandas_ops import frame_to_batch
from ember.sql.physical import plan as P
from ember.sql.physical.batches import ArrowIPC, arrow_schema, bind, to_table
from ember.sql.physical.exchange import hash_partition_ids, split_by_partition
from ember.sql.physical.group_io import group_input, result_batches
from ember.sql.physical.udtf_eval import run_udtf
from ember.sql.plan import python_plans as PP
from ember.sql.plan.logical import schema_of

__all__ = ["MapInBatchesExec", "FlatMapGroupsExec", "FlatMapCoGroupsExec", "EvalPythonUDTFExec", "PYTHON_PLANNERS",
           "PYTHON_EXECUTORS"]


@dataclass(frozen=True, slots=True)
class MapInBatchesExec(P.PhysicalPlan):
    func: Callable[..., Any] = field(default=None, repr=False)  # type: ignore[assignment]
    kind: str = "pandas"
    child: P.PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        return f"{'MapInPandas' if self.kind == 'pandas' else 'MapInArrow'} {P.bracketed(self.output)}"


@dataclass(frozen=True, slots=True)
class FlatMapGroupsExec(P.PhysicalPlan):
    grouping: tuple[E.Expression, ...] = ()
    func: Callable[..., Any] = field(default=None, repr=False)  # type: ignore[assignment]
    kind: str = "pandas"
    iterator: bool = False
    child: P.PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        name = PP.flavoured('FlatMapGroupsInPandas', self.kind)
        return f"{name} {P.bracketed(self.grouping)}, {P.bracketed(self.output)}"


@dataclass(frozen=True, slots=True)
class FlatMapCoGroupsExec(P.PhysicalPlan):
    left_grouping: tuple[E.Expression, ...] = ()
    right_grouping: tuple[E.Expression, ...] = ()
    func: Callable[..., Any] = field(default=None, repr=False)  # type: ignore[assignment]
    kind: str = "pandas"
    left: P.PhysicalPlan = None  # type: ignore[assignment]
    right: P.PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        return (f"{PP.flavoured('FlatMapCoGroupsInPandas', self.kind)} {P.bracketed(self.left_grouping)}, "
                f"{P.bracketed(self.right_grouping)}")



@dataclass(frozen=True, slots=True)
class EvalPythonUDTFExec(P.PhysicalPlan):
    name: str = ""
    handler: type = field(default=None, repr=False)  # type: ignore[assignment]
    args: tuple[E.Expression, ...] = ()
    kwarg_names: tuple[str, ...] = ()
    child: P.PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        return f"EvalPythonUDTF {self.name}({', '.join(a.sql() for a in self.args)}), {P.bracketed(self.output)}"


# ---------------------------------------------------------------------------------- planning

def _plan_map(node: PP.MapInBatches, children: list[P.PhysicalPlan], ctx: Any) -> P.PhysicalPlan:
    return MapInBatchesExec(tuple(node.output), node.func, node.kind, children[0])


def _exchanged(child: P.PhysicalPlan, keys: tuple[E.Expression, ...], n: int) -> P.ExchangeExec:
    bound = tuple(bind(k, list(child.output)) for k in keys)
    partitioning = P.HashPartitioning(bound, n) if bound else P.SinglePartition()
    return P.ExchangeExec(child.output, partitioning, child)


def _plan_groups(node: PP.FlatMapGroupsInPandas, children: list[P.PhysicalPlan], ctx: Any) -> P.PhysicalPlan:
    child = children[0]
    keys = tuple(bind(k, list(child.output)) for k in node.grouping)
    return FlatMapGroupsExec(tuple(node.output), keys, node.func, node.kind, node.iterator,
                             _exchanged(child, node.grouping, ctx.shuffle_partitions))


def _plan_cogroups(node: PP.FlatMapCoGroupsInPandas, children: list[P.PhysicalPlan], ctx: Any) -> P.PhysicalPlan:
    left, right = children
    n = ctx.shuffle_partitions if node.left_grouping else 1
    return FlatMapCoGroupsExec(
        tuple(node.output), tuple(bind(k, list(left.output)) for k in node.left_grouping),
        tuple(bind(k, list(right.output)) for k in node.right_grouping), node.func, node.kind,
        _exchanged(left, node.left_grouping, n), _exchanged(right, node.right_grouping, n))


def _plan_udtf(node: PP.EvalPythonUDTF, children: list[P.PhysicalPlan], ctx: Any) -> P.PhysicalPlan:
    child = children[0]
    return EvalPythonUDTFExec(tuple(node.output), node.name, node.handler,
                              tuple(bind(a, list(child.output)) for a in node.args), node.kwarg_names, child)


PYTHON_PLANNERS: dict[type, Callable[..., P.PhysicalPlan]] = {
    PP.MapInBatches: _plan_map,
    PP.FlatMapGroupsInPandas: _plan_groups,
    PP.FlatMapCoGroupsInPandas: _plan_cogroups,
    PP.EvalPythonUDTF: _plan_udtf,
}


# ---------------------------------------------------------------------------------- execution

def _plain_names(schema: pa.Schema) -> list[str]:
    """Column names as the user's function sees them: ``x``, not Ember's ``x#12``."""
    return [n.rsplit("#", 1)[0] for n in schema.names]


def _guarded(func: Callable[..., Any], what: str, inputs: tuple[str, ...], run: Callable[[], Any]) -> Any:
    try:
        return run()
    except Exception as error:
        annotate_udf_error(error, what, inputs, origin_of(func))
        raise


def map_batches(batches: Iterator[pa.RecordBatch], func: Callable[..., Any], kind: str, in_schema: pa.Schema,
                out_type: T.StructType, out_schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """Stream one partition's batches through ``func`` (``mapInPandas`` / ``mapInArrow``)."""
    names = _plain_names(in_schema)
    what = f"{'mapInPandas' if kind == 'pandas' else 'mapInArrow'}:{getattr(func, '__name__', 'function')}"
    renamed = (b.rename_columns(names) for b in batches)
    inputs = (b.to_pandas() for b in renamed) if kind == "pandas" else renamed
    results = _guarded(func, what, tuple(names), lambda: iter(func(inputs)))
    while True:
        result = _guarded(func, what, tuple(names), lambda: next(results, None))
        if result is None:
            return
        yield _guarded(func, what, tuple(names), lambda: _to_batch(result, kind, out_type, out_schema))


def _to_batch(result: Any, kind: str, out_type: T.StructType, out_schema: pa.Schema) -> pa.RecordBatch:
    if kind == "pandas":
        return frame_to_batch(result, out_type, out_schema)
    if not isinstance(result, pa.RecordBatch):
        raise EmberTypeError("UDF_RETURN_TYPE", f"Return type of the user-defined function should be "
                             f"pyarrow.RecordBatch, but is {type(result).__name__}.")
    missing = [n for n in out_type.names if n not in result.schema.names]
    if missing:
        raise EmberTypeError("RESULT_COLUMN_NAMES_MISMATCH", f"Column names of the returned pyarrow.RecordBatch "
                             f"do not match specified schema. Missing: {', '.join(missing)}.")
    arrays = [result.column(n).cast(f.type) for n, f in zip(out_type.names, out_schema)]
    return pa.RecordBatch.from_arrays(arrays, schema=out_schema)


def _groups(table: pa.Table, keys: list[E.Expression]) -> dict[tuple, tuple[tuple, pa.Table]]:
    """``table``'s rows split by the values of ``keys``, in first-seen order of the keys: for each
    key as Python values, the key as Arrow scalars and the group's rows."""
    if table.num_rows == 0:
        return {}
    if not keys:
        return {(): ((), table)}
    merged = pa.RecordBatch.from_arrays([c.combine_chunks() for c in table.columns], schema=table.schema)
    key_arrays = [E.as_array(k.eval(merged), merged.num_rows) for k in keys]
    work = pa.table({**{f"k{i}": a for i, a in enumerate(key_arrays)},
                     "__row": pa.array(np.arange(table.num_rows, dtype=np.int64))})
    grouped = work.group_by([f"k{i}" for i in range(len(keys))], use_threads=False).aggregate([("__row", "list")])
    rows = grouped.column("__row_list").to_pylist()
    columns = [grouped.column(f"k{i}") for i in range(len(keys))]
    values = [c.to_pylist() for c in columns]
    return {tuple(v[j] for v in values): (tuple(c[j] for c in columns), table.take(rows[j]))
            for j in range(grouped.num_rows)}


def _call_group(func: Callable[..., Any], key: tuple, data: list[Any]) -> Any:
    if len(inspect.signature(func).parameters) == len(data) + 1:
        return func(key, *data)
    return func(*data)


def _key_argument(scalars: tuple, kind: str) -> tuple:
    """The key as the function gets it: Arrow scalars, or for pandas each value as a one-row pandas
    column of its type holds it (``numpy.int64(1)``; a NULL int as ``nan``), as PySpark passes it."""
    if kind == "arrow":
        return scalars
    return tuple(pa.array([s.as_py()], s.type).to_pandas().iloc[0] for s in scalars)


def _group_results(func: Callable[..., Any], key: tuple, data: list[Any], kind: str, iterator: bool,
                   out_type: T.StructType, out_schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """One call's result as batches; a generator, so the call itself happens on the first pull."""
    yield from result_batches(_call_group(func, key, data), kind, iterator, out_type, out_schema)


def _each_result(func: Callable[..., Any], what: str, inputs: tuple[str, ...],
                 batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``batches`` (the user's code runs as they are pulled), any error annotated with the UDF."""
    while True:
        batch = _guarded(func, what, inputs, lambda: next(batches, None))
        if batch is None:
            return
        yield batch


def apply_groups(batches: Iterator[pa.RecordBatch], func: Callable[..., Any], kind: str, iterator: bool,
                 keys: list[E.Expression], in_schema: pa.Schema, out_type: T.StructType,
                 out_schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """``applyInPandas`` / ``applyInArrow`` over one partition of the exchanged input."""
    names = _plain_names(in_schema)
    what = f"applyIn{kind.capitalize()}:{getattr(func, '__name__', 'function')}"
    for scalars, rows in _groups(to_table(batches, in_schema), keys).values():
        data = group_input(rows.rename_columns(names), kind, iterator)
        results = _group_results(func, _key_argument(scalars, kind), [data], kind, iterator, out_type, out_schema)
        yield from _each_result(func, what, tuple(names), results)


def apply_cogroups(items: Iterator[tuple[int, tuple[int, pa.RecordBatch]]], func: Callable[..., Any], kind: str,
                   keys: tuple[list[E.Expression], list[E.Expression]], schemas: tuple[pa.Schema, pa.Schema],
                   out_type: T.StructType, out_schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """``cogroup().applyInPandas`` / ``applyInArrow`` over one partition holding both sides' rows for its keys."""
    sides: tuple[list, list] = ([], [])
    for _, (side, batch) in items:
        sides[side].append(batch)
    groups = [_groups(to_table(sides[i], schemas[i]), keys[i]) for i in (0, 1)]
    names = [_plain_names(s) for s in schemas]
    empty = [((), pa.table({n: pa.array([], f.type) for n, f in zip(names[i], schemas[i])})) for i in (0, 1)]
    what = f"cogroup.applyIn{kind.capitalize()}:{getattr(func, '__name__', 'function')}"
    for key in list(groups[0]) + [k for k in groups[1] if k not in groups[0]]:
        pair = [groups[i].get(key, empty[i]) for i in (0, 1)]
        scalars = pair[0][0] if key in groups[0] else pair[1][0]
        data = [group_input(rows.rename_columns(names[i]), kind, False) for i, (_, rows) in enumerate(pair)]
        results = _group_results(func, _key_argument(scalars, kind), data, kind, False, out_type, out_schema)
        yield from _each_result(func, what, tuple(names[0] + names[1]), results)


def _execute_map(node: MapInBatchesExec, sc: Any) -> Any:
    from ember.sql.physical.execution import execute

    in_schema, out_schema = arrow_schema(list(node.child.output)), arrow_schema(list(node.output))
    out_type, func, kind = schema_of(list(node.output)), node.func, node.kind
    return execute(node.child, sc).mapPartitions(
        lambda it: map_batches(it, func, kind, in_schema, out_type, out_schema))


def _execute_groups(node: FlatMapGroupsExec, sc: Any) -> Any:
    from ember.sql.physical.execution import execute

    in_schema, out_schema = arrow_schema(list(node.child.output)), arrow_schema(list(node.output))
    out_type, func, keys = schema_of(list(node.output)), node.func, list(node.grouping)
    kind, iterator = node.kind, node.iterator
    return execute(node.child, sc).mapPartitions(
        lambda it: apply_groups(it, func, kind, iterator, keys, in_schema, out_type, out_schema))


def _execute_cogroups(node: FlatMapCoGroupsExec, sc: Any) -> Any:
    from ember.sql.physical.execution import execute

    schemas = (arrow_schema(list(node.left.output)), arrow_schema(list(node.right.output)))
    out_schema, out_type = arrow_schema(list(node.output)), schema_of(list(node.output))
    func, kind, keys = node.func, node.kind, (list(node.left_grouping), list(node.right_grouping))
    n = node.left.partitioning.num_partitions
    exchange_keys = (list(node.left.partitioning.keys) if isinstance(node.left.partitioning, P.HashPartitioning)
                     else [], list(node.right.partitioning.keys)
                     if isinstance(node.right.partitioning, P.HashPartitioning) else [])

    def tag(side: int) -> Callable:
        def run(index: int, batches: Iterator[pa.RecordBatch]) -> Iterator[tuple[int, tuple[int, ArrowIPC]]]:
            for batch in batches:
                ids = (hash_partition_ids(batch, exchange_keys[side], n) if exchange_keys[side]
                       else np.zeros(batch.num_rows, dtype=np.int64))
                for pid, piece in split_by_partition(batch, ids, n):
                    yield pid, (side, ArrowIPC(piece))
        return run

    pairs = execute(node.left.child, sc).mapPartitionsWithIndex(tag(0)).union(
        execute(node.right.child, sc).mapPartitionsWithIndex(tag(1)))
    return pairs.partitionBy(n, _identity).mapPartitions(
        lambda it: apply_cogroups(it, func, kind, keys, schemas, out_type, out_schema))


def _execute_udtf(node: EvalPythonUDTFExec, sc: Any) -> Any:
    from ember.sql.physical.execution import execute

    out_schema, return_type = arrow_schema(list(node.output)), schema_of(list(node.output))
    handler, name, args, kwarg_names = node.handler, node.name, list(node.args), node.kwarg_names
    return execute(node.child, sc).mapPartitions(
        lambda it: run_udtf(it, handler, name, args, kwarg_names, return_type, out_schema))


def _identity(pid: int) -> int:
    return pid


PYTHON_EXECUTORS: dict[type, Callable[[Any, Any], Any]] = {
    MapInBatchesExec: _execute_map,
    FlatMapGroupsExec: _execute_groups,
    FlatMapCoGroupsExec: _execute_cogroups,
    EvalPythonUDTFExec: _execute_udtf,
}
