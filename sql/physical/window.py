"""``WindowExec``: window functions over whole window partitions, evaluated with numpy.

The planner puts a hash exchange on the PARTITION BY keys below this operator (one partition
without keys), so each task receives whole window partitions. A task collects its rows in a
``WindowBuffer`` (which spills them to disk by window partition when the task's memory budget
runs out), sorts each group it gets back by (partition keys, order keys), and works on the
sorted rows as Arrow batches:

* Boundaries come from comparing each row with the one before it: a *window partition*
  starts where a partition key changes, a *peer group* (rows tied on every order key) where a
  partition or order key changes. Every row gets the start and end of its partition and peer
  group (``Layout``). NULLs equal NULLs here, and NaN equals NaN, as in Spark's grouping.
* Ranking is arithmetic on those: ``row_number = i - partition_start + 1``,
  ``rank = peer_start - partition_start + 1``, ``dense_rank`` from the running count of peer
  groups, ``ntile`` from the row's position and the partition size.
* A frame is a half-open row range ``[lo, hi)`` per row. ROWS offsets are ``i + offset``
  clipped to the partition; RANGE ``CURRENT ROW`` is the peer group; RANGE offsets are found by
  a vectorised searchsorted within each partition (integer and date keys fold the partition
  number into one monotone int64; others merge rows and targets in one ``lexsort``). NULL keys
  frame their NULL peers.
* ``sum``/``avg``/``count`` over any frame are differences of prefix sums (±inf and NaN are
  counted apart so one infinity does not poison the differences; long sums are exact and raise
  Spark's overflow error; double sums may differ from a row-by-row sum in the last bits);
  ``min``/``max`` answer range queries from a sparse table of arg-minima over the values' dense
  ranks (so any orderable type works, NaN ordered last as in Spark); ``first``/``last``/
  ``nth_value`` and ``lag``/``lead`` are index arithmetic (with IGNORE NULLS, arithmetic on the
  positions of the non-NULL rows). Other aggregates (``collect_list``, ``stddev``, ...) run
  Arrow's hash aggregation over the frames' rows, once per distinct frame, in bounded chunks.

Memory: besides the buffer's spilling, evaluation streams: it evaluates about ``_CHUNK_ROWS``
sorted rows at a time, up to the start of the last window partition among them, so working
arrays cover one window partition plus a chunk. A single window partition larger than the
budget is still held whole: it would need a spillable row buffer with random
access, as Spark's ``ExternalAppendOnlyUnsafeRowArray``.
"""

from __future__ import annotations

import decimal
import math
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ember.memory import TaskMemory
from ember.sql import expressions as E
from ember.sql.errors import ArithmeticException
from ember.sql.physical.batches import to_table
from ember.sql.physical.plan import PhysicalPlan, bracketed
from ember.sql.physical.sort import sort_table
from ember.sql.physical.window_buffer import WindowBuffer
from ember.task_context import TaskContext

__all__ = ["WindowExec", "window_rows", "window_partition"]

_EXPLODE_LIMIT = 1 << 22  # frame members materialised at once by the generic aggregate path
_CHUNK_ROWS = 1 << 20  # rows gathered before the complete window partitions among them are evaluated


@dataclass(frozen=True, slots=True)
class WindowExec(PhysicalPlan):
    """Append ``window_expressions`` (aliased, bound to the child) to the child's rows.

    The child delivers whole window partitions per task; this operator sorts them itself (by
    ``partition_spec`` then ``order_spec``), so that it can spill them by window partition.
    """

    window_expressions: tuple[E.Expression, ...] = ()
    partition_spec: tuple[E.Expression, ...] = ()
    order_spec: tuple[E.SortOrder, ...] = ()
    child: PhysicalPlan = None  # type: ignore[assignment]

    def node_string(self) -> str:
        return (f"Window {bracketed(self.window_expressions)}, {bracketed(self.partition_spec)}, "
                f"{bracketed(self.order_spec)}")


@dataclass(frozen=True, slots=True)
class Layout:
    """Per row: its window partition ``[part_start, part_end)``, peer group ``[peer_start, peer_end)``
    and the running number of peer groups."""

    part_start: np.ndarray
    part_end: np.ndarray
    peer_start: np.ndarray
    peer_end: np.ndarray
    peer_number: np.ndarray

    @staticmethod
    def of(partition_keys: list[pa.Array], order_keys: list[pa.Array], n: int) -> Layout:
        new_part = _changes(partition_keys, n)
        new_peer = new_part | _changes(order_keys, n)
        part_start, part_end = _segments(new_part)
        peer_start, peer_end = _segments(new_peer)
        return Layout(part_start, part_end, peer_start, peer_end, np.cumsum(new_peer))


def _plain(a: pa.Array) -> pa.Array:
    """A dictionary-encoded array (a partition column of a Parquet dataset) decoded."""
    return a.cast(a.type.value_type) if pa.types.is_dictionary(a.type) else a


def _changes(arrays: list[pa.Array], n: int) -> np.ndarray:
    """True where a row differs from the row before it in any of ``arrays`` (and at row 0)."""
    out = np.zeros(n, dtype=bool)
    out[:1] = True
    for a in map(_plain, arrays):
        if n < 2:
            break
        cur, prev = a.slice(1), a.slice(0, n - 1)
        differ = pc.or_(pc.fill_null(pc.not_equal(cur, prev), False), pc.xor(pc.is_null(cur), pc.is_null(prev)))
        if pa.types.is_floating(a.type):
            both_nan = pc.fill_null(pc.and_(pc.is_nan(cur), pc.is_nan(prev)), False)
            differ = pc.and_(differ, pc.invert(both_nan))
        out[1:] |= differ.to_numpy(zero_copy_only=False)
    return out


def _segments(starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the start and end of the segment it belongs to, given where segments start."""
    first = np.flatnonzero(starts)
    ends = np.append(first[1:], len(starts))
    segment = np.cumsum(starts) - 1
    return first[segment], ends[segment]


def _prefix(flags: np.ndarray) -> np.ndarray:
    """``p[i]`` = how many of ``flags[:i]`` are set (length n + 1)."""
    return np.concatenate([[0], np.cumsum(flags, dtype=np.int64)])


def _valid(values: pa.Array) -> np.ndarray:
    if values.null_count == 0:
        return np.ones(len(values), dtype=bool)
    return pc.is_valid(values).to_numpy(zero_copy_only=False)


# ---------------------------------------------------------------------------- frames
def _range_keys(values: pa.Array, order: E.SortOrder, offset: float | int) -> np.ndarray:
    """The order key as numbers that ascend within a partition (negated for DESC)."""
    t = values.type
    if pa.types.is_date32(t):
        values = values.cast(pa.int32())
    if pa.types.is_integer(values.type) and isinstance(offset, int):
        keys = pc.fill_null(values.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
    else:
        keys = pc.fill_null(values.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False)
        keys = np.where(np.isnan(keys), np.inf, keys)  # NaN sorts above every number, as in Spark
    return keys if order.ascending else -keys


def _search(part: np.ndarray, keys: np.ndarray, valid: np.ndarray, targets: np.ndarray, side: str) -> np.ndarray:
    """For each non-NULL row, the first row of its partition whose key is >= (``left``) or >
    (``right``) its target. Integer keys become one non-decreasing int64 (partition number times
    a span wider than the keys and targets, plus the key) for a plain ``searchsorted``; other keys
    use one lexsort of the rows merged with the targets."""
    rows = np.flatnonzero(valid)
    m = len(rows)
    if not m:
        return np.zeros(len(valid), dtype=np.int64)
    if keys.dtype.kind == "i":
        low = min(int(keys[rows].min()), int(targets[rows].min()))
        span = max(int(keys[rows].max()), int(targets[rows].max())) - low + 1
        if span * (int(part[-1]) + 1) < 2**62:
            found = np.searchsorted(part[rows] * span + (keys[rows] - low), part[rows] * span + (targets[rows] - low),
                                    side=side)
            out = np.zeros(len(valid), dtype=np.int64)
            out[rows] = np.append(rows, len(valid))[found]
            return out
    data_tag, query_tag = (1, 0) if side == "left" else (0, 1)
    tags = np.concatenate([np.full(m, data_tag, np.int8), np.full(m, query_tag, np.int8)])
    merged = np.lexsort((tags, np.concatenate([keys[rows], targets[rows]]), np.concatenate([part[rows], part[rows]])))
    is_data = merged < m
    data_before = np.cumsum(is_data) - is_data
    found = np.empty(m, dtype=np.int64)
    found[merged[~is_data] - m] = data_before[~is_data]
    out = np.zeros(len(valid), dtype=np.int64)
    out[rows] = np.append(rows, len(valid))[found]
    return out


def _range_bound(bound: float | int, side: str, layout: Layout, order: E.SortOrder,
                 values: pa.Array) -> np.ndarray:
    valid = _valid(values)
    keys = _range_keys(values, order, bound)
    part = np.cumsum(np.r_[True, layout.part_start[1:] != layout.part_start[:-1]])
    found = _search(part, keys, valid, keys + bound, side)
    nulls = _prefix(~valid)
    in_part = nulls[layout.part_end] - nulls[layout.part_start]
    if order.nulls_go_first:
        first_value, end_value = layout.part_start + in_part, layout.part_end
    else:
        first_value, end_value = layout.part_start, layout.part_end - in_part
    at_null = layout.peer_start if side == "left" else layout.peer_end
    return np.where(valid, np.clip(found, first_value, end_value), at_null)


def frame_bounds(frame: E.WindowFrame, layout: Layout, orders: tuple[E.SortOrder, ...],
                 order_keys: list[pa.Array]) -> tuple[np.ndarray, np.ndarray]:
    """``[lo, hi)`` of every row's frame."""
    n = len(layout.part_start)
    i = np.arange(n, dtype=np.int64)
    ps, pe = layout.part_start, layout.part_end
    if frame.frame_type == "rows":
        lo = ps if math.isinf(frame.lower) else np.clip(i + int(frame.lower), ps, pe)
        hi = pe if math.isinf(frame.upper) else np.clip(i + int(frame.upper) + 1, ps, pe)
    else:
        def bound(value: float | int, side: str, unbounded: np.ndarray, current: np.ndarray) -> np.ndarray:
            if math.isinf(value):
                return unbounded
            if value == 0:
                return current
            return _range_bound(value, side, layout, orders[0], order_keys[0])

        lo = bound(frame.lower, "left", ps, layout.peer_start)
        hi = bound(frame.upper, "right", pe, layout.peer_end)
    return lo, np.maximum(hi, lo)


# ---------------------------------------------------------------------------- functions
def _ranking(fn: E.Expression, layout: Layout) -> np.ndarray:
    n = len(layout.part_start)
    ps, pe = layout.part_start, layout.part_end
    position = np.arange(n, dtype=np.int64) - ps
    size = pe - ps
    if isinstance(fn, E.RowNumber):
        return position + 1
    if isinstance(fn, E.Rank):
        return layout.peer_start - ps + 1
    if isinstance(fn, E.DenseRank):
        return layout.peer_number - layout.peer_number[ps] + 1
    if isinstance(fn, E.PercentRank):
        rank = (layout.peer_start - ps).astype(np.float64)
        return np.where(size > 1, rank / np.maximum(size - 1, 1), 0.0)
    if isinstance(fn, E.CumeDist):
        return (layout.peer_end - ps) / size
    if isinstance(fn, E.NTile):
        small, extra = np.divmod(size, fn.buckets)
        big_rows = extra * (small + 1)
        return np.where(position < big_rows, position // (small + 1),
                        extra + (position - big_rows) // np.maximum(small, 1)) + 1
    raise NotImplementedError(type(fn).__name__)


def _take(values: pa.Array, index: np.ndarray, ok: np.ndarray) -> pa.Array:
    """``values[index]`` where ``ok``, NULL elsewhere."""
    if not len(values):
        return pa.nulls(len(index), values.type)
    return values.take(pa.array(np.where(ok, index, 0), mask=~ok))


def _take_non_null(values: pa.Array, valid: np.ndarray, nth: np.ndarray, ok: np.ndarray) -> pa.Array:
    """The ``nth`` non-NULL value of ``values`` (counted from 0 over the whole batch) where ``ok``."""
    rows = np.flatnonzero(valid)
    if not len(rows):
        return pa.nulls(len(nth), values.type)
    return _take(values, rows[np.clip(nth, 0, len(rows) - 1)], ok)


def _offset_value(fn: E.Lead, values: pa.Array, default: pa.Array, layout: Layout) -> pa.Array:
    n = len(values)
    i = np.arange(n, dtype=np.int64)
    k = fn.row_offset
    if not fn.ignore_nulls or k == 0:
        target = i + k
        ok = (target >= layout.part_start) & (target < layout.part_end)
        taken = _take(values, target, ok)
    else:
        valid = _valid(values)
        count = _prefix(valid)
        if k > 0:
            nth = count[i + 1] + k - 1
            ok = nth < count[layout.part_end]
        else:
            nth = count[i] + k
            ok = nth >= count[layout.part_start]
        taken = _take_non_null(values, valid, nth, ok)
    return pc.if_else(pa.array(ok), taken, default.cast(values.type))


def _nth(values: pa.Array, lo: np.ndarray, hi: np.ndarray, n: int, ignore_nulls: bool, from_end: bool) -> pa.Array:
    """The frame's n-th row value (from its end for ``last``), or its n-th non-NULL one."""
    if not ignore_nulls:
        index = hi - n if from_end else lo + n - 1
        return _take(values, index, (index >= lo) & (index < hi))
    valid = _valid(values)
    count = _prefix(valid)
    nth = count[hi] - n if from_end else count[lo] + n - 1
    return _take_non_null(values, valid, nth, (nth >= count[lo]) & (nth < count[hi]))


def _integer_sums(numbers: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Exact frame sums of longs; Spark's ANSI overflow error when a sum leaves the long range.
    Prefix sums run in int64 when they cannot overflow, else over Python ints."""
    largest = int(np.abs(numbers).max()) if len(numbers) else 0
    if largest * len(numbers) < 2**63:
        sums = np.concatenate([[0], np.cumsum(numbers)])
        return sums[hi] - sums[lo]
    exact = np.concatenate([[0], np.cumsum(numbers.astype(object))])
    totals = exact[hi] - exact[lo]
    if any(not -(2**63) <= v < 2**63 for v in totals):
        raise ArithmeticException("ARITHMETIC_OVERFLOW", "long overflow. If necessary set \"spark.sql.ansi.enabled\" "
                                  "to \"false\" to bypass this error.", "22003")
    return totals.astype(np.int64)


def _sum_and_count(values: pa.Array, lo: np.ndarray, hi: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Per frame, the sum of non-NULL values (NULL when there are none) and their count."""
    valid = _valid(values)
    count = _prefix(valid)
    counts = count[hi] - count[lo]
    t = values.type
    if pa.types.is_decimal(t):
        zero = decimal.Decimal(0)
        items = np.array([zero if v is None else v for v in values.to_pylist()] or [], dtype=object)
        sums = np.concatenate([[zero], np.cumsum(items)]) if len(items) else np.array([zero], dtype=object)
        total = pa.array(list(sums[hi] - sums[lo]), pa.decimal128(min(38, t.precision + 10), t.scale),
                         mask=counts == 0)
        return total, pa.array(counts)
    if pa.types.is_integer(t):
        numbers = pc.fill_null(values.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
        return pa.array(_integer_sums(numbers, lo, hi), mask=counts == 0), pa.array(counts)
    numbers = pc.fill_null(values.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False)
    finite = np.isfinite(numbers)
    # Prefix sums in extended precision: a frame's sum is a difference of two of them, and in
    # doubles that difference carries the rounding of every earlier row (two partitions with the
    # same values could sum to 3.85 and 3.8500000000000005, which DISTINCT tells apart).
    sums = np.concatenate([[0.0], np.cumsum(np.where(finite, numbers, 0.0), dtype=np.longdouble)])
    total = (sums[hi] - sums[lo]).astype(np.float64)
    if not finite.all():
        def within(mask: np.ndarray) -> np.ndarray:
            p = _prefix(mask)
            return (p[hi] - p[lo]) > 0

        pos, neg, nan = within(numbers == np.inf), within(numbers == -np.inf), within(np.isnan(numbers))
        total = np.where(nan | (pos & neg), np.nan, np.where(pos, np.inf, np.where(neg, -np.inf, total)))
    return pa.array(total, mask=counts == 0), pa.array(counts)


def _min_max(values: pa.Array, lo: np.ndarray, hi: np.ndarray, is_min: bool) -> pa.Array:
    """Range minima/maxima from a sparse table of arg-best row indices over dense value ranks."""
    n = len(values)
    valid = _valid(values)
    ranks = pc.rank(_plain(values), sort_keys="ascending", tiebreaker="dense").to_numpy().astype(np.int64)
    ranks = np.where(valid, ranks, n + 2 if is_min else -1)
    better = np.less_equal if is_min else np.greater_equal

    def pick(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.where(better(ranks[a], ranks[b]), a, b)

    length = hi - lo
    levels = [np.arange(n, dtype=np.int64)]
    while (1 << len(levels)) <= (length.max() if n else 0):
        prev, half = levels[-1], 1 << (len(levels) - 1)
        count = n - 2 * half + 1
        levels.append(pick(prev[:count], prev[half:half + count]))
    nonempty = length > 0
    level = np.zeros(n, dtype=np.int64)
    level[nonempty] = np.floor(np.log2(length[nonempty])).astype(np.int64)
    best = np.zeros(n, dtype=np.int64)
    for j, table in enumerate(levels):  # one pass per level (log n), not per row
        rows = np.flatnonzero(nonempty & (level == j))
        if len(rows):
            best[rows] = pick(table[lo[rows]], table[hi[rows] - (1 << j)])
    return _take(values, best, nonempty & valid[best])


def _distinct_frames(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows whose frame differs from the previous row's, and each row's index among them."""
    first = np.ones(len(lo), dtype=bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    return np.flatnonzero(first), np.cumsum(first) - 1


def _explode_aggregate(fn: E.AggregateFunction, values: pa.Array, lo: np.ndarray, hi: np.ndarray) -> pa.Array:
    """``fn`` over each frame by Arrow's hash aggregation of (frame id, member value) pairs."""
    m = len(lo)
    length = hi - lo
    owner = np.repeat(np.arange(m, dtype=np.int64), length)
    starts = np.cumsum(length) - length
    members = lo[owner] + (np.arange(len(owner), dtype=np.int64) - starts[owner])
    func, options = fn.complete()
    work = pa.table({"g": owner, "x": values.take(pa.array(members))})
    result = work.group_by("g", use_threads=False).aggregate([("x", func, options) if options else ("x", func)])
    position = np.full(m, -1, dtype=np.int64)
    position[result.column("g").to_numpy()] = np.arange(result.num_rows)
    return fn.finish_complete(_take(result.column(f"x_{func}").combine_chunks(), position, position >= 0))


def _generic_aggregate(fn: E.AggregateFunction, values: pa.Array, lo: np.ndarray, hi: np.ndarray) -> pa.Array:
    rows, which = _distinct_frames(lo, hi)
    lo_d, hi_d = lo[rows], hi[rows]
    sizes = np.cumsum(hi_d - lo_d)
    pieces, start = [], 0
    while start < len(rows):  # chunks of at most _EXPLODE_LIMIT frame members (at least one frame)
        base = sizes[start - 1] if start else 0
        end = max(start + 1, int(np.searchsorted(sizes, base + _EXPLODE_LIMIT, side="right")))
        pieces.append(_explode_aggregate(fn, values, lo_d[start:end], hi_d[start:end]))
        start = end
    combined = pa.concat_arrays(pieces) if pieces else pa.array([], pa.null())
    return combined.take(pa.array(which))


def _aggregate(fn: E.AggregateFunction, batch: pa.RecordBatch, lo: np.ndarray, hi: np.ndarray) -> pa.Array:
    if isinstance(fn, E.Count) and fn.child is None:
        return pa.array(hi - lo)
    values = E.as_array(fn.child.eval(batch), batch.num_rows)
    if isinstance(fn, E.First):
        return _nth(values, lo, hi, 1, fn.ignore_nulls, from_end=isinstance(fn, E.Last))
    if isinstance(fn, E.Count):
        count = _prefix(_valid(values))
        return pa.array(count[hi] - count[lo])
    if isinstance(fn, E.Sum):
        return fn.finish([_sum_and_count(values, lo, hi)[0]])
    if isinstance(fn, E.Average):
        return fn.finish(list(_sum_and_count(values, lo, hi)))
    if isinstance(fn, (E.Min, E.Max)):
        return _min_max(values, lo, hi, isinstance(fn, E.Min))
    return _generic_aggregate(fn, values, lo, hi)


def _evaluate(window: E.WindowExpression, batch: pa.RecordBatch, layout: Layout, orders: tuple[E.SortOrder, ...],
              order_keys: list[pa.Array]) -> pa.Array:
    fn, n = window.function, batch.num_rows
    if isinstance(fn, E.Lead):
        values = E.as_array(fn.input.eval(batch), n)
        return _offset_value(fn, values, E.as_array(fn.default.eval(batch), n), layout)
    if isinstance(fn, E.WindowFunction) and not isinstance(fn, E.NthValue):
        return pa.array(_ranking(fn, layout))
    lo, hi = frame_bounds(window.spec.frame, layout, orders, order_keys)
    if isinstance(fn, E.NthValue):
        return _nth(E.as_array(fn.input.eval(batch), n), lo, hi, fn.n, fn.ignore_nulls, from_end=False)
    return _aggregate(fn, batch, lo, hi)


def _evaluate_rows(batch: pa.RecordBatch, partition_spec: list[E.Expression], order_spec: tuple[E.SortOrder, ...],
                   windows: list[E.WindowExpression], output_schema: pa.Schema) -> pa.RecordBatch:
    """``batch`` (whole window partitions, sorted) with one column appended per window expression."""
    n = batch.num_rows
    keys = [E.as_array(k.eval(batch), n) for k in partition_spec]
    order_keys = [E.as_array(o.child.eval(batch), n) for o in order_spec]
    layout = Layout.of(keys, order_keys, n)
    columns = list(batch.columns)
    for window, field in zip(windows, list(output_schema)[len(columns):]):
        value = _evaluate(window, batch, layout, order_spec, order_keys)
        columns.append(value if value.type == field.type else value.cast(field.type))
    return pa.RecordBatch.from_arrays(columns, schema=output_schema)


def _last_partition_start(batch: pa.RecordBatch, partition_spec: list[E.Expression]) -> int:
    keys = [E.as_array(k.eval(batch), batch.num_rows) for k in partition_spec]
    return int(np.flatnonzero(_changes(keys, batch.num_rows))[-1])


def window_partition(batches: Iterator[pa.RecordBatch], input_schema: pa.Schema,
                     partition_spec: list[E.Expression], order_spec: tuple[E.SortOrder, ...],
                     windows: list[E.WindowExpression], output_schema: pa.Schema,
                     chunk_rows: int = _CHUNK_ROWS) -> Iterator[pa.RecordBatch]:
    """The sorted input rows with the window columns appended, streamed: rows are evaluated
    once ``chunk_rows`` have arrived, up to the start of the last (possibly incomplete) window
    partition, which waits for the next rows. So only the largest window partition (plus a
    chunk) must be held here, whatever the task partition's size."""
    pending: list[pa.RecordBatch] = []
    rows = 0
    for batch in batches:
        if not batch.num_rows:
            continue
        pending.append(batch)
        rows += batch.num_rows
        if rows < chunk_rows or not partition_spec:
            continue
        table = pa.Table.from_batches(pending, schema=input_schema).combine_chunks().to_batches()[0]
        cut = _last_partition_start(table, partition_spec)
        if cut:
            yield _evaluate_rows(table.slice(0, cut), partition_spec, order_spec, windows, output_schema)
        pending, rows = [table.slice(cut)], table.num_rows - cut
    if rows:
        table = to_table(pending, input_schema).combine_chunks().to_batches()[0]
        yield _evaluate_rows(table, partition_spec, order_spec, windows, output_schema)


def window_rows(batches: Iterator[pa.RecordBatch], input_schema: pa.Schema, partition_spec: list[E.Expression],
                order_spec: tuple[E.SortOrder, ...], windows: list[E.WindowExpression], output_schema: pa.Schema,
                memory: TaskMemory | None = None) -> Iterator[pa.RecordBatch]:
    """A task's rows (whole window partitions, in any order) with the window columns appended.

    Rows are buffered under the task's memory budget (spilled by window partition beyond it),
    then each group of whole window partitions is sorted and evaluated."""
    context = TaskContext.get()
    buffer = WindowBuffer(input_schema, partition_spec, memory or TaskMemory.of(context),
                          context.metrics if context is not None else None)
    sort_orders = [E.SortOrder(k, True, True) for k in partition_spec] + list(order_spec)
    try:
        for batch in batches:
            buffer.add(batch)
        for group in buffer.groups():
            yield from window_partition(iter(sort_table(group, sort_orders).to_batches()), input_schema,
                                        partition_spec, order_spec, windows, output_schema)
    finally:
        buffer.close()
