"""``ExternalAggregator``: hash aggregation by key within a memory budget, spilling to disk.

Algorithm (Spark's ``ExternalAppendOnlyMap``; PySpark's ``ExternalMerger`` for the
forced-spill tests):

1. Records are folded into a dict of key -> combiner by ``Aggregator.combine_values``
   (values: ``create_combiner``/``merge_value``) or ``combine_combiners`` (combiners from
   map-side combine: ``merge_combiners``), a batch at a time, so the per-record loop is the
   same tight dict loop as without spilling.
2. After each batch the dict's size is *estimated* (never measured as RSS):
   ``sys.getsizeof(dict)`` for its table, plus per entry an average key size, plus either
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
   spilling existed). Otherwise the runs and the in-memory rest (sorted the same way) are
   k-way merged with ``heapq.merge`` on the hash (the rest is spilled too first when it
   holds more than an eighth of the budget, so the merge's read buffers fit); records with equal hashes form a small
   group in which keys are matched by exact equality (``==``), so colliding keys stay
   apart and equal keys from different runs are combined with ``merge_combiners``, older
   run first (so ``groupByKey`` keeps values in arrival order). More runs than the fan-in
   are first merged into longer runs (see ``external_sorter``).

A combiner that grows with its key's records is still whole in memory when its key is
returned (``groupByKey`` must hand over one list per key), so one huge key costs its own
size once, at the end; everything else stays within the budget.

Checklist when changing this class: the no-spill path must stay one dict loop per batch;
never order keys by ``<``; every run written must be removed (``RunFiles.close``), also
when a merge raises half way; tests force spills with tiny budgets and compare with plain
Python, including colliding hashes, ``None``, mixed types and one key with half the rows.
"""

from __future__ import annotations

import heapq
import logging
import sys
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from ember.memory import MemoryConsumer, sizeof_sampled
from ember.shuffle.external_sorter import (CHECK_EVERY, Run, RunFiles, batch_records_for, close_source,
                                           fan_in_for, merge_runs)

if TYPE_CHECKING:
    from ember.memory import TaskMemory
    from ember.shuffle.aggregator import Aggregator
    from ember.shuffle.serializers import Serializer
    from ember.task_metrics import TaskMetrics

log = logging.getLogger(__name__)

_by_hash = itemgetter(0)
_GROWING = (list, set, dict, bytearray)
_GROWING_ENTRY_BYTES = 120  # a grown combiner's own shell (list header, nested lists' headers)
_SAMPLES_PER_CHECK = 4
_END = object()


class ExternalAggregator:
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
        self._map: dict = {}
        self._runs: list[Run] = []
        self._records = 0          # records folded in since the last spill
        self._samples = 0
        self._key_bytes = 0.0      # running averages over sampled records
        self._item_bytes = 0.0
        self._combiner_bytes = 0.0
        self._growing: bool | None = None

    @property
    def spill_count(self) -> int:
        return self.files.spill_count

    @property
    def bytes_spilled(self) -> int:
        return self.files.bytes_spilled

    # --- input ---------------------------------------------------------------------

    def insert_values(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        """Fold (key, value) pairs in with ``create_combiner`` and ``merge_value``."""
        self._insert_all(pairs, self.aggregator.combine_values)

    def insert_combiners(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        """Fold (key, combiner) pairs in with ``merge_combiners``."""
        self._insert_all(pairs, self.aggregator.combine_combiners)

    def insert_value_batch(self, batch: list[tuple[Any, Any]]) -> None:
        """Fold a list of (key, value) pairs in (the reader hands over each decoded batch)."""
        self.aggregator.combine_values(batch, self._map)
        self._after_batch(len(batch), _spread(batch))

    def insert_combiner_batch(self, batch: list[tuple[Any, Any]]) -> None:
        """Fold a list of (key, combiner) pairs in."""
        self.aggregator.combine_combiners(batch, self._map)
        self._after_batch(len(batch), _spread(batch))

    def _insert_all(self, pairs: Iterable[tuple[Any, Any]], combine: Callable[[Any, dict], dict]) -> None:
        # Chunks of ``step`` records go straight from the iterator into the dict loop through
        # one ``islice`` (no list, no extra layer per record); the record after each chunk is
        # taken by hand, which detects the end and is the chunk's size sample.
        iterator = iter(pairs)
        step = min(CHECK_EVERY, self.spill_every or CHECK_EVERY)
        while True:
            combine(islice(iterator, step), self._map)
            after = next(iterator, _END)
            if after is _END:
                self._after_batch(step, ())
                return
            combine((after,), self._map)
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
        size = sys.getsizeof(self._map) + entries * self._key_bytes
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
        run = self.files.write(self._sorted_by_hash(self._map))
        self._runs.append(run)
        log.debug("aggregator spilled %d keys (%d bytes) to %s", len(self._map), run.size, run.path)
        self._map = {}
        self._records = 0
        self.consumer.release_all()

    def items(self) -> Iterator[tuple[Any, Any]]:
        """Every key with its final combiner; the aggregator's files are removed as it ends."""
        if not self._runs:
            return iter(self._map.items())
        return self._merged_items()

    def close(self) -> None:
        self.files.close()
        self._runs = []
        self._map = {}
        self.consumer.release_all()

    def _merged_items(self) -> Iterator[tuple[Any, Any]]:
        sources: list[Iterator[Any]] = []
        try:
            if self.consumer.reserved > self.consumer.budget.capacity // 8:
                self.spill()  # so the merge's read buffers get the budget, not the rest
            runs = merge_runs(self._runs, self.files, max(2, self.fan_in - 1), self._combine_sorted)
            self._runs = runs
            sources = [self.files.read(run) for run in runs]
            sources.append(self._sorted_by_hash(self._map))
            for _, key, combiner in self._combine_sorted(sources):
                yield key, combiner
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

    def _combine_sorted(self, sources: list[Iterator[Any]]) -> Iterator[tuple[int, Any, Any]]:
        """Merge runs sorted by hash, combining equal keys; yields (hash, key, combiner) by hash."""
        merge = self.aggregator.merge_combiners
        current: int | None = None
        group: list[list[Any]] = []   # [key, combiner] of the keys sharing the current hash
        for key_hash, key, combiner in heapq.merge(*sources, key=_by_hash):
            if key_hash == current:
                for entry in group:
                    if entry[0] is key or entry[0] == key:
                        entry[1] = merge(entry[1], combiner)
                        break
                else:
                    group.append([key, combiner])
                continue
            for held_key, held in group:
                yield current, held_key, held
            current, group = key_hash, [[key, combiner]]
        for held_key, held in group:
            yield current, held_key, held


def _spread(batch: list[Any]) -> list[Any]:
    """A few records spread over ``batch``, as its size sample."""
    step = max(1, len(batch) // _SAMPLES_PER_CHECK)
    return batch[::step][:_SAMPLES_PER_CHECK]


def _grows(combiner: Any) -> bool:
    """Whether a combiner grows with the records folded into it (a list, or a list of lists)."""
    if isinstance(combiner, _GROWING):
        return True
    return isinstance(combiner, tuple) and any(isinstance(part, _GROWING) for part in combiner[:4])
