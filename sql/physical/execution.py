"""Run a physical plan as an Ember RDD whose records are Arrow record batches.

Narrow operators become ``mapPartitions`` steps (which the engine fuses into one task);
an exchange becomes ``(partition id, batch)`` pairs (the batch wrapped to cross the shuffle
as Arrow IPC), ``partitionBy(n, lambda pid: pid)``, and a step that drops the ids; a broadcast join collects its build side once on the driver and
ships it with the closure. The functions here only wire operators to RDDs: the per-partition
work lives in the operator modules.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np
import pyarrow as pa

from ember.sql.io.source import read_split
from ember.sql.physical import plan as P
from ember.sql.physical.aggregate import aggregate_partition
from ember.sql.physical.batches import ArrowIPC, arrow_schema, compact, to_table
from ember.sql.physical.exchange import direct_partition_ids, hash_partition_ids, split_by_partition
from ember.sql.physical.generate import generate_batches
from ember.sql.physical.join import join_tables
from ember.sql.physical.range_partition import choose_bounds, range_partition_ids, sample_keys
from ember.sql.physical.project_filter import filter_batches, project_batches
from ember.sql.physical.observe import OBSERVE_EXECUTORS
from ember.sql.physical.python_eval import PYTHON_EXECUTORS
from ember.sql.physical.expand import expand_batches
from ember.sql.physical.offset import skip_rows
from ember.sql.physical.sort import limit_batches, sort_partition
from ember.sql.physical.window import WindowExec, window_rows

__all__ = ["execute", "collect_table", "local_slices"]

_BATCH_ROWS = 64 * 1024


def _local_scan(node: P.LocalScanExec, sc: Any) -> Any:
    """Parallelize the driver's table as one element (its slice of batches) per partition, so
    each task deserializes only its own rows (a closure over all slices would ship the whole
    table to every task)."""
    schema = arrow_schema(list(node.output))
    table = node.table.rename_columns(schema.names).cast(schema)
    n = node.num_partitions or sc.defaultParallelism
    n = max(1, min(n, max(1, table.num_rows)))
    slices = local_slices(table, n)
    return sc.parallelize(slices, n).mapPartitions(_flatten)


def local_slices(table: pa.Table, n: int) -> list[list[pa.RecordBatch]]:
    """``table`` cut into ``n`` row ranges of compact batches."""
    bounds = np.linspace(0, table.num_rows, n + 1).astype(int)
    return [[compact(b) for b in table.slice(bounds[i], bounds[i + 1] - bounds[i]).to_batches(_BATCH_ROWS)]
            for i in range(n)]


def _flatten(lists: Iterator[list[pa.RecordBatch]]) -> Iterator[pa.RecordBatch]:
    for batches in lists:
        yield from batches


def _file_scan(node: P.FileScanExec, sc: Any) -> Any:
    schema = arrow_schema(list(node.output))
    columns = [a.name for a in node.output]
    read_schema = pa.schema([pa.field(c, f.type) for c, f in zip(columns, schema)])
    source = node.source

    def read(splits: Iterator[Any]) -> Iterator[pa.RecordBatch]:
        from ember.sql.expressions.input_file import reading_block

        for split in splits:
            with reading_block(*_block_of(split)):
                for batch in read_split(source, split, columns, read_schema):
                    yield pa.RecordBatch.from_arrays(batch.columns, schema=schema)

    splits = list(node.split_plan.splits)
    return sc.parallelize(splits, max(1, len(splits))).mapPartitions(read)


def _block_of(split: Any) -> tuple[str | None, int, int]:
    """The file and byte range a split reads, for ``input_file_name()`` and its block functions (a
    split of a file's Parquet row groups counts as the whole file; a Python data source's
    partition is no file)."""
    file = getattr(split, "file", split)
    path = getattr(file, "path", None)
    if path is None:
        return None, -1, -1
    start = getattr(split, "start", None)
    if start is not None:
        return path, start, split.end - start
    return path, 0, file.size


def _range(node: P.RangeExec, sc: Any) -> Any:
    n = node.num_partitions or sc.defaultParallelism
    count = max(0, -(-(node.end - node.start) // node.step))
    bounds = np.linspace(0, count, n + 1).astype(np.int64)
    schema = arrow_schema(list(node.output))
    start, step = node.start, node.step

    def generate(split: int, _: Iterator) -> Iterator[pa.RecordBatch]:
        for lo in range(int(bounds[split]), int(bounds[split + 1]), _BATCH_ROWS):
            hi = min(lo + _BATCH_ROWS, int(bounds[split + 1]))
            values = start + step * np.arange(lo, hi, dtype=np.int64)
            yield pa.RecordBatch.from_arrays([pa.array(values)], schema=schema)

    return sc.parallelize(list(range(n)), n).mapPartitionsWithIndex(generate)


def _exchange(node: P.ExchangeExec, sc: Any) -> Any:
    child = execute(node.child, sc)
    part = node.partitioning
    n = part.num_partitions

    if isinstance(part, P.HashPartitioning):
        keys = list(part.keys)

        def pids(split: int, batch: pa.RecordBatch, offset: int) -> np.ndarray:
            return hash_partition_ids(batch, keys, n)
    elif isinstance(part, P.RangePartitioning):
        orders = list(part.orders)
        bounds = _range_bounds(child, orders, n)

        def pids(split: int, batch: pa.RecordBatch, offset: int) -> np.ndarray:
            return range_partition_ids(batch, orders, bounds)
    elif isinstance(part, P.DirectPartitioning):
        partition_id = part.partition_id

        def pids(split: int, batch: pa.RecordBatch, offset: int) -> np.ndarray:
            return direct_partition_ids(batch, partition_id, n)
    elif isinstance(part, P.RoundRobinPartitioning):
        def pids(split: int, batch: pa.RecordBatch, offset: int) -> np.ndarray:
            return (np.arange(offset, offset + batch.num_rows) + split) % n
    else:
        def pids(split: int, batch: pa.RecordBatch, offset: int) -> np.ndarray:
            return np.zeros(batch.num_rows, dtype=np.int64)

    def split(index: int, batches: Iterator[pa.RecordBatch]) -> Iterator[tuple[int, ArrowIPC]]:
        offset = 0
        for batch in batches:
            for pid, piece in split_by_partition(batch, pids(index, batch, offset), n):
                yield pid, ArrowIPC(piece)
            offset += batch.num_rows

    shuffled = child.mapPartitionsWithIndex(split).partitionBy(n, _identity)
    return shuffled.mapPartitions(_drop_keys)


def _range_bounds(child: Any, orders: list, n: int) -> pa.Table | None:
    """Run the sampling job (as Spark's ``RangePartitioner`` does when it is built)."""
    per_partition = max(1, -(-20 * n * 3 // max(1, child.getNumPartitions())))
    samples = child.mapPartitionsWithIndex(lambda i, it: sample_keys(i, it, orders, per_partition)).collect()
    return choose_bounds(samples, orders, n)


def _identity(pid: int) -> int:
    return pid


def _drop_keys(pairs: Iterator[tuple[int, pa.RecordBatch]]) -> Iterator[pa.RecordBatch]:
    for _, batch in pairs:
        yield batch


def _aggregate(node: P.HashAggregateExec, sc: Any) -> Any:
    in_schema = arrow_schema(list(node.child.output))
    out_schema = arrow_schema(list(node.output))
    num_keys, functions, mode = node.num_keys, list(node.functions), node.mode
    return execute(node.child, sc).mapPartitions(
        lambda it: aggregate_partition(it, in_schema, num_keys, functions, mode, out_schema))


def _broadcast_join(node: P.BroadcastHashJoinExec, sc: Any) -> Any:
    out_schema = arrow_schema(list(node.output))
    build_plan = node.right if node.build_side == "right" else node.left
    build = collect_table(build_plan, sc)
    jt, lk, rk, residual = node.join_type, list(node.left_keys), list(node.right_keys), node.residual
    if node.build_side == "right":
        left_schema = arrow_schema(list(node.left.output))
        return execute(node.left, sc).mapPartitions(
            lambda it: join_tables(to_table(it, left_schema), build, jt, lk, rk, residual, out_schema).to_batches())
    right_schema = arrow_schema(list(node.right.output))
    return execute(node.right, sc).mapPartitions(
        lambda it: join_tables(build, to_table(it, right_schema), jt, lk, rk, residual, out_schema).to_batches())


def _shuffled_join(node: P.ShuffledHashJoinExec, sc: Any) -> Any:
    """Tag each side's batches, union the two exchanged RDDs, and join within each partition."""
    left_schema = arrow_schema(list(node.left.output))
    right_schema = arrow_schema(list(node.right.output))
    out_schema = arrow_schema(list(node.output))
    jt, lk, rk, residual = node.join_type, list(node.left_keys), list(node.right_keys), node.residual
    n = node.left.partitioning.num_partitions

    left = execute(node.left.child, sc)
    right = execute(node.right.child, sc)
    left_keys, right_keys = list(node.left.partitioning.keys), list(node.right.partitioning.keys)

    def split(side: int, keys: list) -> Callable:
        def run(index: int, batches: Iterator[pa.RecordBatch]):
            for batch in batches:
                pids = hash_partition_ids(batch, keys, n) if keys else np.zeros(batch.num_rows, dtype=np.int64)
                for pid, piece in split_by_partition(batch, pids, n):
                    yield pid, (side, ArrowIPC(piece))
        return run

    pairs = left.mapPartitionsWithIndex(split(0, left_keys)).union(
        right.mapPartitionsWithIndex(split(1, right_keys)))

    def join_partition(items: Iterator[tuple[int, tuple[int, pa.RecordBatch]]]) -> Iterator[pa.RecordBatch]:
        sides: tuple[list, list] = ([], [])
        for _, (side, batch) in items:
            sides[side].append(batch)
        result = join_tables(to_table(sides[0], left_schema), to_table(sides[1], right_schema),
                             jt, lk, rk, residual, out_schema)
        yield from result.to_batches()

    return pairs.partitionBy(n, _identity).mapPartitions(join_partition)


def _in_memory(node: P.InMemoryScanExec, sc: Any) -> Any:
    if node.slot.rdd is None:
        node.slot.rdd = execute(node.child, sc).cache()
    cached_names = arrow_schema(list(node.child.output)).names
    names = arrow_schema(list(node.output)).names
    if names == cached_names:
        return node.slot.rdd
    # A second reference to the cached plan (a self-join in SQL) names the same columns anew.
    return node.slot.rdd.mapPartitions(lambda batches: (b.rename_columns(names) for b in batches))


def _union(node: P.UnionExec, sc: Any) -> Any:
    schema = arrow_schema(list(node.output))
    rdds = [execute(c, sc).mapPartitions(lambda it: (b.rename_columns(schema.names).cast(schema) for b in it))
            for c in node.inputs]
    result = rdds[0]
    for other in rdds[1:]:
        result = result.union(other)
    return result


def _coalesce(node: P.CoalesceExec, sc: Any) -> Any:
    return execute(node.child, sc).coalesce(node.num_partitions)


def _project(node: P.ProjectExec, sc: Any) -> Any:
    schema = arrow_schema(list(node.output))
    exprs = list(node.project_list)
    return execute(node.child, sc).mapPartitions(lambda it: project_batches(it, exprs, schema))


def _filter(node: P.FilterExec, sc: Any) -> Any:
    condition = node.condition
    return execute(node.child, sc).mapPartitions(lambda it: filter_batches(it, condition))


def _sort(node: P.SortExec, sc: Any) -> Any:
    schema = arrow_schema(list(node.output))
    orders = list(node.orders)
    return execute(node.child, sc).mapPartitions(lambda it: sort_partition(it, schema, orders))


def _generate(node: P.GenerateExec, sc: Any) -> Any:
    schema = arrow_schema(list(node.output))
    generator, outer = node.generator, node.outer
    return execute(node.child, sc).mapPartitions(lambda it: generate_batches(it, generator, outer, schema))


def _limit(node: P.LimitExec, sc: Any) -> Any:
    n = node.n
    return execute(node.child, sc).mapPartitions(lambda it: limit_batches(it, n))


def _expand(node: P.ExpandExec, sc: Any) -> Any:
    schema = arrow_schema(list(node.output))
    projections = [list(p) for p in node.projections]
    return execute(node.child, sc).mapPartitions(lambda it: expand_batches(it, projections, schema))


def _offset(node: P.OffsetExec, sc: Any) -> Any:
    n = node.n
    return execute(node.child, sc).mapPartitions(lambda it: skip_rows(it, n))


def _window(node: WindowExec, sc: Any) -> Any:
    in_schema = arrow_schema(list(node.child.output))
    out_schema = arrow_schema(list(node.output))
    keys, orders = list(node.partition_spec), node.order_spec
    windows = [w.child for w in node.window_expressions]
    return execute(node.child, sc).mapPartitions(
        lambda it: window_rows(it, in_schema, keys, orders, windows, out_schema))


_EXECUTORS: dict[type, Callable[[Any, Any], Any]] = {
    P.LocalScanExec: _local_scan,
    P.RangeExec: _range,
    P.FileScanExec: _file_scan,
    P.InMemoryScanExec: _in_memory,
    P.ProjectExec: _project,
    P.FilterExec: _filter,
    P.HashAggregateExec: _aggregate,
    P.ExchangeExec: _exchange,
    P.BroadcastHashJoinExec: _broadcast_join,
    P.ShuffledHashJoinExec: _shuffled_join,
    P.SortExec: _sort,
    P.GenerateExec: _generate,
    P.LimitExec: _limit,
    P.OffsetExec: _offset,
    P.ExpandExec: _expand,
    P.UnionExec: _union,
    P.CoalesceExec: _coalesce,
    WindowExec: _window,
    **PYTHON_EXECUTORS,
    **OBSERVE_EXECUTORS,
}


def execute(plan: P.PhysicalPlan, sc: Any) -> Any:
    """The RDD of record batches that computes ``plan``."""
    try:
        executor = _EXECUTORS[type(plan)]
    except KeyError:
        raise NotImplementedError(f"no executor for physical node {type(plan).__name__}") from None
    return executor(plan, sc)


def collect_table(plan: P.PhysicalPlan, sc: Any) -> pa.Table:
    """Run ``plan`` and gather its rows on the driver as one table (columns named ``name#id``)."""
    schema = arrow_schema(list(plan.output))
    return to_table(execute(plan, sc).collect(), schema)
