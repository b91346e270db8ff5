"""``ExternalAggregator``: hash aggregation by key within a memory budget, spilling to disk.

Algorithm (Spark's ``ExternalAppendOnlyMap``; PySpark's ``ExternalMerger`` for the
forced-spill tests):

1. Records are folded into ``Combiners`` (key -> combiner: the C ``KeyTable`` for str
   keys, else a dict; see ``aggregator``) with the aggregator's value functions
   (``create_combiner``/``merge_value``) or its ``merge_combiners`` (combiners from the map
   side), a batch at a time, so the per-record loop is the same tight C loop as without
   spilling.
2. After each batch the map's size is *estimated* (never measured as RSS): the bytes of
   the table itself (``Combiners.nbytes``), plus per entry an average key size, plus either
   an average combiner size (combiners that stay small, as in ``reduceByKey``) or, for
   combiners that grow with every record (lists, sets, dicts: ``groupByKey``, cogroup),
   an average incoming value or combiner size per record folded in since the last spill.
   Counting per record is what keeps one key with half of the rows from hiding behind a
   sample of small entries. The averages come from a few sampled records per batch.
3. When that estimate cannot be reserved from the task's ``MemoryBudget`` (or, as a test
   knob, every ``spill_every_n_records`` records), the dict is written as a *run* sorted by
   ``hash(key)`` — records ``(hash, key, combiner)`` — and cleared. Keys themselves are
   never compared for order, so unorderable and mixed-type keys, ``None`` and tuples all
   work. The hash is stored in the run because it orders the run: the run's records are
   compared by it alone. The runs never leave this process, so the process's own
   ``hash`` is stable for them (and much faster than ``portable_hash``).
4. At the end, if nothing spilled, the dict's items are returned (the fast path, as before
   spilling existed). Otherwise the runs and the in-memory rest (sorted the same way; it
   is spilled too first when it holds more than an eighth of the budget, so the merge's
   read buffers fit) are k-way merged on the hash, a *window* at a time rather than a
   record at a time: ``bound`` is the smallest last hash among the runs' current batches,
   so every record with a hash up to ``bound`` is already in hand (equal hashes that spill
   over a batch boundary are followed into the next batch), and no later record has one.
   A window's records are folded into a fresh dict with ``merge_combiners``, runs oldest
   first, and the dict is emitted. So equal keys from different runs combine, older run
   first (``groupByKey`` keeps values in arrival order), and keys that only share a hash
   stay apart by the dict's own equality, exactly as in the no-spill path; the per-record
   work is a bisect and a dict update instead of a Python heap step (``heapq.merge`` with a
   key was 1.6-1.8x slower here). A window holds at most one batch per run, and run
   batches are sized so the open runs hold about half the budget. More runs than the
   fan-in are first merged into longer runs (see ``external_sorter``), each window's dict
   written back sorted by hash.

A combiner that grows with its key's records is still whole in memory when its key is
returned (``groupByKey`` must hand over one list per key), so one huge key costs its own
size once, at the end; everything else stays within the budget.

Checklist when changing this class: the no-spill path must stay one dict loop per batch;
never order keys by ``<``; every run written must be removed (``RunFiles.close``), also
when a merge raises half way; tests force spills with tiny budgets and compare with plain
Python, including colliding hashes, ``None``, mixed types and one key with half the rows.
"""

from __future__ import annotations

from bisect import bisect_right
import logging
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from ember.memory import MemoryConsumer, sizeof_sampled
from ember.shuffle.aggregator import Combiners
from ember.shuffle.external_sorter import (CHECK_EVERY, Run, RunFiles, SpillMetrics, batch_records_for, close_source,
                                           fan_in_for, merge_runs)

if TYPE_CHECKING:
    from ember.memory import TaskMemory
    from ember.shuffle.aggregator import Aggregator
    from ember.serialization.serializers import Serializer
    from ember.task_metrics import TaskMetrics

log = logging.getLogger(__name__)

_by_hash = itemgetter(0)
_GROWING = (list, set, dict, bytearray)
_GROWING_ENTRY_BYTES = 120  # a grown combiner's own shell (list header, nested lists' headers)
_SAMPLES_PER_CHECK = 4
_END = object()
_MISSING = object()


class ExternalAggregator(SpillMetrics):
    """Combine (key, value) or (key, combiner) pairs by key within a ``MemoryBudget``.

    ``spill_count`` and ``bytes_spilled`` are kept on the instance (and added to
    ``metrics``). ``spill_every_n_records`` forces a spill that often (a test knob).
    """

    def __init__(self, aggregator: Aggregator, memory: TaskMemory, serializer: Serializer, *,
                 metrics: TaskMetrics | None = None, spill_every_n_records: int | None = None) -> None:
        self.aggregator = aggregator
        self.memory = memory
        self.files = RunFiles(memory, serializer, "agg-", metrics)
        self.consumer = MemoryConsumer(memory.budget)
        self.spill_every = spill_every_n_records
        self.fan_in = fan_in_for(memory.budget.capacity)
        self._map = Combiners()
        self._runs: list[Run] = []
        self._records = 0          # records folded in since the last spill
        self._samples = 0
        self._key_bytes = 0.0      # running averages over sampled records
        self._item_bytes = 0.0
        self._combiner_bytes = 0.0
        self._growing: bool | None = None

    # --- input ---------------------------------------------------------------------

    def insert_values(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        """Fold (key, value) pairs in with ``create_combiner`` and ``merge_value``."""
        self._insert_all(pairs, *self.aggregator.value_functions())

    def insert_combiners(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        """Fold (key, combiner) pairs in with ``merge_combiners``."""
        self._insert_all(pairs, *self.aggregator.combiner_functions())

    def insert_value_batch(self, batch: list[tuple[Any, Any]]) -> None:
        """Fold a list of (key, value) pairs in (the reader hands over each decoded batch)."""
        self._map.fold(batch, *self.aggregator.value_functions())
        self._after_batch(len(batch), _spread(batch))

    def insert_combiner_batch(self, batch: list[tuple[Any, Any]]) -> None:
        """Fold a list of (key, combiner) pairs in."""
        self._map.fold(batch, *self.aggregator.combiner_functions())
        self._after_batch(len(batch), _spread(batch))

    def _insert_all(self, pairs: Iterable[tuple[Any, Any]], create: Callable[[Any], Any] | None,
                    merge: Callable[[Any, Any], Any] | None) -> None:
        # Chunks of ``step`` records go straight from the iterator into the dict loop through
        # one ``islice`` (no list, no extra layer per record); the record after each chunk is
        # taken by hand, which detects the end and is the chunk's size sample.
        iterator = iter(pairs)
        step = min(CHECK_EVERY, self.spill_every or CHECK_EVERY)
        fold = self._map.fold
        while True:
            fold(islice(iterator, step), create, merge)
            after = next(iterator, _END)
            if after is _END:
                self._after_batch(step, ())
                return
            fold((after,), create, merge)
            self._after_batch(step + 1, (after,))

    def _after_batch(self, count: int, samples: Sequence[tuple[Any, Any]]) -> None:
        self._records += count
        if self.spill_every is not None:
            if self._records >= self.spill_every:
                self.spill()
            return
        self._sample(samples)
        if not self.consumer.grow_to(self._estimate()):
            self.spill()

    # --- size estimate -------------------------------------------------------------

    def _sample(self, samples: Sequence[tuple[Any, Any]]) -> None:
        combined = self._map
        for key, item in samples:
            combiner = combined.get(key)
            if self._growing is None:
                self._growing = _grows(combiner)
            self._samples += 1
            weight = 1.0 / self._samples
            self._key_bytes += (sizeof_sampled(key) - self._key_bytes) * weight
            if self._growing:
                self._item_bytes += (sizeof_sampled(item) - self._item_bytes) * weight
            else:
                self._combiner_bytes += (sizeof_sampled(combiner) - self._combiner_bytes) * weight

    def _estimate(self) -> int:
        entries = len(self._map)
        size = self._map.nbytes + entries * self._key_bytes
        if self._growing:
            return int(size + entries * _GROWING_ENTRY_BYTES + self._records * (self._item_bytes + 8))
        return int(size + entries * self._combiner_bytes)

    # --- spilling and merging ------------------------------------------------------

    def spill(self) -> None:
        """Write the in-memory combiners as a run sorted by key hash, and clear them."""
        if not self._map:
            return
        entry_bytes = self._estimate() / len(self._map)
        self.files.max_batch_records = batch_records_for(self.memory.budget.capacity, self.fan_in, entry_bytes)
        run = self.files.write(self._sorted_by_hash(self._map.as_dict()))
        self._runs.append(run)
        log.debug("aggregator spilled %d keys (%d bytes) to %s", len(self._map), run.size, run.path)
        self._map.clear()
        self._records = 0
        self.consumer.release_all()

    def items(self) -> Iterator[tuple[Any, Any]]:
        """Every key with its final combiner; the aggregator's files are removed as it ends."""
        if not self._runs:
            return iter(self._map.as_dict().items())
        return self._merged_items()

    def close(self) -> None:
        self.files.close()
        self._runs = []
        self._map.clear()
        self.consumer.release_all()

    def _merged_items(self) -> Iterator[tuple[Any, Any]]:
        sources: list[Iterator[Any]] = []
        try:
            if self.consumer.reserved > self.consumer.budget.capacity // 8:
                self.spill()  # so the merge's read buffers get the budget, not the rest
            runs = merge_runs(self._runs, self.files, max(2, self.fan_in - 1), self._merge_to_run,
                              self.files.read_batches)
            self._runs = runs
            sources = [self.files.read_batches(run) for run in runs]
            sources.append(_batched(self._sorted_by_hash(self._map.as_dict())))
            for window in self._windows(sources):
                yield from window.items()
        finally:
            for source in sources:
                close_source(source)
            self.close()

    @staticmethod
    def _sorted_by_hash(combined: dict) -> Iterator[tuple[int, Any, Any]]:
        # Sorting the keys alone (not (hash, key, combiner) triples) keeps the extra memory
        # of a spill to one pointer and one hash per key; the triples are made as written.
        keys = sorted(combined, key=hash)
        return zip(map(hash, keys), keys, map(combined.__getitem__, keys))

    def _merge_to_run(self, sources: list[Iterator[list[Any]]]) -> Iterator[tuple[int, Any, Any]]:
        """Merged (hash, key, combiner) records of several runs, in hash order (a longer run)."""
        for window in self._windows(sources):
            yield from self._sorted_by_hash(window)

    def _windows(self, sources: list[Iterator[list[Any]]]) -> Iterator[dict]:
        """The k-way merge of runs sorted by hash, one window of hashes at a time.

        Each step takes ``bound``, the smallest last hash among the runs' current batches:
        every record with a hash up to ``bound`` is in those batches (or, for equal hashes
        across a batch boundary, at the start of the next one), and none later. Those
        records are folded into one dict with ``merge_combiners``, runs oldest first, so
        equal keys combine and colliding ones stay apart by the dict's own equality; the
        dict is the window's output. A window holds at most one batch per run.
        """
        merge = self.aggregator.merge_combiners
        heads = [head for head in ([source, next(source, None), 0] for source in sources) if head[1]]
        while heads:
            bound = min(head[1][-1][0] for head in heads)
            window: dict = {}
            get = window.get
            for head in heads:
                source, batch, start = head
                while batch is not None:
                    end = bisect_right(batch, bound, start, key=_by_hash)
                    for _, key, combiner in batch[start:end]:
                        current = get(key, _MISSING)
                        window[key] = combiner if current is _MISSING else merge(current, combiner)
                    if end < len(batch):
                        break
                    batch, start = next(source, None), 0  # equal hashes may go on in the next batch
                    end = 0
                head[1], head[2] = batch, end
            heads = [head for head in heads if head[1] is not None]
            yield window


def _batched(records: Iterator[Any], size: int = 1024) -> Iterator[list[Any]]:
    return iter(lambda: list(islice(records, size)), [])


def _spread(batch: list[Any]) -> list[Any]:
    """A few records spread over ``batch``, as its size sample."""
    step = max(1, len(batch) // _SAMPLES_PER_CHECK)
    return batch[::step][:_SAMPLES_PER_CHECK]


def _grows(combiner: Any) -> bool:
    """Whether a combiner grows with the records folded into it (a list, or a list of lists)."""
    if isinstance(combiner, _GROWING):
        return True
    return isinstance(combiner, tuple) and any(isinstance(part, _GROWING) for part in combiner[:4])


def combine_in_task(aggregator: Aggregator, pairs: Iterable[tuple[Any, Any]]) -> Iterator[tuple[Any, Any]]:
    """Combine (key, value) pairs within the running task's memory budget, spilling beyond it.

    For aggregations that need no shuffle because their input is already partitioned by
    key. Spill files are removed when the task ends.
    """
    from ember.memory import TaskMemory
    from ember.serialization.serializers import record_serializer
    from ember.task_context import TaskContext

    context = TaskContext.get()
    memory = TaskMemory.of(context)
    combiner = ExternalAggregator(aggregator, memory, context.record_serializer if context else record_serializer(),
                                  metrics=context.metrics if context else None)
    try:
        combiner.insert_values(pairs)
        yield from combiner.items()
    finally:
        combiner.close()
