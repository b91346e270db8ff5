"""``ExternalSorter``: sort more records than fit in memory, and the sorted runs on disk it uses.

Algorithm (the external merge sort of Spark's ``ExternalSorter``, with PySpark's
``ExternalMerger`` idea of testing it by forcing spills):

1. Records are appended to an in-memory list, a batch at a time. After each batch the
   list's size is *estimated*: ``sys.getsizeof`` of the list plus the record count times
   an average record size that is refreshed from a few sampled records of every batch
   (``ember.memory.sizeof_sampled``), so the per-record loop does no accounting at all.
2. When the estimate cannot be reserved from the task's ``MemoryBudget`` (or, as a test
   knob, every ``spill_every_n_records`` records), the list is sorted in place (a stable
   sort by ``key_func(key)``) and written as one *run*: framed, lz4-compressed pickle
   batches in a file of the task's private spill directory. The list is dropped and its
   reservation released.
3. At the end, if nothing spilled, the list is sorted in memory and returned (the fast
   path, as before spilling existed). Otherwise the runs are k-way merged with
   ``heapq.merge`` together with the sorted in-memory rest (itself spilled first when it
   holds more than an eighth of the budget, so the merge's read buffers fit). At most ``fan_in`` runs are
   open at once: when there are more, consecutive groups of runs are first merged into
   longer runs (one more pass over the data per factor of ``fan_in``). Runs are merged
   oldest first and ``heapq.merge`` breaks ties by input order, so the result is exactly
   ``sorted(all records, key=..., reverse=not ascending)``: stable, like the one big sort.

``RunFiles`` owns the spill files of one consumer (this sorter, an ``ExternalAggregator``,
a ``ShuffleWriter``): it writes a run, reads it back batch by batch (one decoded batch in
memory per open run, so run batches are kept small), removes it once merged, and counts
``spill_count``/``bytes_spilled`` on the instance and in the task's ``TaskMetrics``.
Every file is removed by ``close()`` — on success, on error, and when a merge is
abandoned half way (the merge generators close their files in ``finally``); the task
runner also removes the task's whole spill directory when the task ends.

Checklist when changing this module: the no-spill path must stay one ``list.sort``; a
merge must never compare keys the user did not ask to compare; every ``RunFiles.write``
must be matched by a ``remove`` or ``close``; tests force spills with tiny budgets.
"""

from __future__ import annotations

import heapq
import logging
import os
import sys
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from ember.memory import MemoryConsumer, sizeof_sampled
from ember.shuffle.aggregator import identity
from ember.serialization.frames import iter_frames, write_frame
from ember.serialization.serializers import BatchSizer

if TYPE_CHECKING:
    from ember.memory import TaskMemory
    from ember.serialization.serializers import Serializer
    from ember.task_metrics import TaskMetrics

log = logging.getLogger(__name__)

RUN_BATCH_BYTES = 16 << 10
"""Serialized size of one batch in a run: a merge holds one decoded batch per open run."""

CHECK_EVERY = 4096
"""Records between two size estimates when records arrive one by one."""

_SAMPLES_PER_CHECK = 4
_BYTES_PER_OPEN_RUN = 256 << 10
_MIN_FAN_IN, _MAX_FAN_IN = 8, 64


def fan_in_for(capacity: int) -> int:
    """How many runs one merge reads at once, given the budget (each holds a batch)."""
    return max(_MIN_FAN_IN, min(_MAX_FAN_IN, capacity // _BYTES_PER_OPEN_RUN))


def batch_records_for(capacity: int, fan_in: int, record_bytes: float) -> int:
    """Records per run batch such that ``fan_in`` open runs hold about half the budget.

    Run batches are also cut at ``RUN_BATCH_BYTES`` serialized, but compressible records
    can decode to many times that, so the cap by estimated record size matters.
    """
    return max(16, int(capacity / 2 / fan_in / max(record_bytes, 1.0)))


@dataclass(slots=True)
class Run:
    """One sorted run on disk: its path and the byte length of each frame, in order."""

    path: str
    frame_sizes: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(self.frame_sizes)


class RunFiles:
    """The spill files of one consumer: write runs, read them back in order, remove them."""

    def __init__(self, memory: TaskMemory, serializer: Serializer, prefix: str,
                 metrics: TaskMetrics | None = None, batch_bytes: int = RUN_BATCH_BYTES) -> None:
        self.memory = memory
        self.serializer = serializer
        self.prefix = prefix
        self.metrics = metrics
        self.batch_bytes = batch_bytes
        self.spill_count = 0
        self.bytes_spilled = 0
        self.max_batch_records = 1 << 20  # consumers lower it from their record sizes
        self._paths: set[str] = set()

    def write(self, records: Iterable[Any], spill: bool = True) -> Run:
        """Write ``records`` (already in run order) as a new run.

        ``spill`` is False for runs written while merging other runs: their bytes count
        as spilled, but they are not a new spill.
        """
        fd, path = self.memory.new_spill_file(self.prefix)
        self._paths.add(path)
        run = Run(path)
        iterator, sizer, dumps = iter(records), BatchSizer(self.batch_bytes, 64), self.serializer.dumps
        with os.fdopen(fd, "wb", buffering=1 << 16) as out:
            while batch := list(islice(iterator, min(sizer.records, self.max_batch_records))):
                data = dumps(batch)
                sizer.observe(len(batch), len(data))
                run.frame_sizes.append(write_frame(out, data))
        self._count(run.size, spill)
        return run

    def new_file(self) -> tuple[Any, str]:
        """An open binary file for a consumer with its own layout (the shuffle writer)."""
        fd, path = self.memory.new_spill_file(self.prefix)
        self._paths.add(path)
        return os.fdopen(fd, "wb", buffering=1 << 16), path

    def count_spill(self, size: int) -> None:
        self._count(size, True)

    def read(self, run: Run) -> Iterator[Any]:
        """The records of ``run``, in order; the file is closed when the iterator ends or is closed."""
        for batch in self.read_batches(run):
            yield from batch

    def read_batches(self, run: Run) -> Iterator[list[Any]]:
        """The batches of ``run`` as written, in order (closing the file as ``read`` does)."""
        loads = self.serializer.loads
        with open(run.path, "rb", buffering=0) as handle:
            for size in run.frame_sizes:
                for payload in iter_frames(handle.read(size)):
                    yield loads(payload)

    def remove(self, path_or_run: Run | str) -> None:
        path = path_or_run.path if isinstance(path_or_run, Run) else path_or_run
        self._paths.discard(path)
        try:
            os.remove(path)
        except FileNotFoundError:
            pass

    def close(self) -> None:
        """Remove every file this consumer still has."""
        for path in list(self._paths):
            self.remove(path)

    def _count(self, size: int, spill: bool) -> None:
        self.bytes_spilled += size
        self.spill_count += spill
        if self.metrics is not None:
            self.metrics.bytes_spilled += size
            self.metrics.spill_count += spill


def close_source(source: Iterator[Any]) -> None:
    """Close a run reader (a generator holding an open file); other iterators need nothing."""
    close = getattr(source, "close", None)
    if close is not None:
        close()


def merge_runs(runs: list[Run], files: RunFiles, fan_in: int,
               merge: Callable[[list[Iterator[Any]]], Iterator[Any]],
               open_run: Callable[[Run], Iterator[Any]] | None = None) -> list[Run]:
    """Merge consecutive groups of runs until at most ``fan_in`` are left (oldest first).

    ``merge`` gets one source per run, opened by ``open_run`` (default: ``files.read``).
    """
    open_run = open_run or files.read
    while len(runs) > fan_in:
        merged: list[Run] = []
        for start in range(0, len(runs), fan_in):
            group = runs[start:start + fan_in]
            if len(group) == 1:
                merged.append(group[0])
                continue
            sources = [open_run(run) for run in group]
            try:
                merged.append(files.write(merge(sources), spill=False))
            finally:
                for source in sources:
                    close_source(source)
            for run in group:
                files.remove(run)
        log.debug("merged %d runs into %d", len(runs), len(merged))
        runs = merged
    return runs


class SpillMetrics:
    """``spill_count`` and ``bytes_spilled`` of a consumer that spills through ``self.files``."""

    files: RunFiles

    @property
    def spill_count(self) -> int:
        return self.files.spill_count

    @property
    def bytes_spilled(self) -> int:
        return self.files.bytes_spilled


class ExternalSorter(SpillMetrics):
    """Sort (key, value) records by ``key_func(key)`` within a ``MemoryBudget``, spilling sorted runs.

    ``spill_count`` and ``bytes_spilled`` are kept on the instance (and added to
    ``metrics``). ``spill_every_n_records`` forces a spill that often (a test knob).
    """

    def __init__(self, memory: TaskMemory, serializer: Serializer, key_func: Callable[[Any], Any] = identity,
                 ascending: bool = True, *, metrics: TaskMetrics | None = None,
                 spill_every_n_records: int | None = None) -> None:
        self.memory = memory
        self.reverse = not ascending
        self.sort_key = itemgetter(0) if key_func is identity else (lambda kv: key_func(kv[0]))
        self.files = RunFiles(memory, serializer, "sort-", metrics)
        self.consumer = MemoryConsumer(memory.budget)
        self.spill_every = spill_every_n_records
        self.fan_in = fan_in_for(memory.budget.capacity)
        self._buffer: list[Any] = []
        self._runs: list[Run] = []
        self._record_bytes = 0.0
        self._samples = 0

    def insert_all(self, records: Iterable[Any]) -> None:
        iterator = iter(records)
        step = min(CHECK_EVERY, self.spill_every or CHECK_EVERY)
        while batch := list(islice(iterator, step)):
            self.insert_batch(batch)

    def insert_batch(self, batch: list[Any]) -> None:
        """Add a list of records (the reader hands over each decoded shuffle batch)."""
        self._buffer += batch
        self._sample(batch)
        count = len(self._buffer)
        if self.spill_every is not None:
            if count >= self.spill_every:
                self.spill()
        elif not self.consumer.grow_to(self._estimate(count)):
            self.spill()

    def spill(self) -> None:
        """Sort the in-memory records and write them as a run."""
        if not self._buffer:
            return
        self._buffer.sort(key=self.sort_key, reverse=self.reverse)
        self.files.max_batch_records = batch_records_for(self.memory.budget.capacity, self.fan_in,
                                                         self._record_bytes)
        run = self.files.write(self._buffer)
        self._runs.append(run)
        log.debug("sorter spilled %d records (%d bytes) to %s", len(self._buffer), run.size, run.path)
        self._buffer = []
        self.consumer.release_all()

    def sorted_records(self) -> Iterator[Any]:
        """Every inserted record, in order; the sorter's files are removed as it ends."""
        self._buffer.sort(key=self.sort_key, reverse=self.reverse)
        if not self._runs:
            return iter(self._buffer)
        return self._merged()

    def close(self) -> None:
        self.files.close()
        self._runs = []
        self._buffer = []
        self.consumer.release_all()

    def _merged(self) -> Iterator[Any]:
        sources: list[Iterator[Any]] = []
        try:
            if self.consumer.reserved > self.consumer.budget.capacity // 8:
                self.spill()  # so the merge's read buffers get the budget, not the rest
            runs = merge_runs(self._runs, self.files, max(2, self.fan_in - 1), self._merge)
            self._runs = runs
            sources = [self.files.read(run) for run in runs]
            yield from self._merge([*sources, iter(self._buffer)])
        finally:
            for source in sources:
                close_source(source)
            self.close()

    def _merge(self, sources: list[Iterator[Any]]) -> Iterator[Any]:
        return heapq.merge(*sources, key=self.sort_key, reverse=self.reverse)

    def _sample(self, batch: list[Any]) -> None:
        step = max(1, len(batch) // _SAMPLES_PER_CHECK)
        for record in batch[::step][:_SAMPLES_PER_CHECK]:
            self._samples += 1
            self._record_bytes += (sizeof_sampled(record) - self._record_bytes) / self._samples

    def _estimate(self, count: int) -> int:
        # The list's pointer array, the records, and the sort's key array (one pointer each).
        return int(sys.getsizeof(self._buffer) + count * (self._record_bytes + 8))
