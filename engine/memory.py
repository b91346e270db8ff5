"""Memory accounting by estimated bytes (never process RSS, which is noisy and platform-bound).

Two consumers share a worker's ``spark.executor.memory``: the block manager's cache
(*storage*, ``spark.memory.storageFraction`` of it) and the shuffle's aggregation, sorting
and buffering (*execution*, the rest); the driver sends each worker both sizes. A task runs alone in
its worker, so each task gets the whole execution share as its own ``MemoryBudget``, held
by a ``TaskMemory`` together with the task's private spill directory; the shuffle's
``ExternalAggregator``, ``ExternalSorter`` and ``ShuffleWriter`` reserve from that budget
and spill to that directory, which the task runner removes when the task ends.

Sizes are estimates from ``sys.getsizeof`` over a bounded sample of each object graph
(``sizeof_sampled``), so estimating costs the same for an int and a million-element list.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from itertools import islice
from typing import Any

_NESTED_SAMPLE = 8


def sizeof_sampled(value: Any, depth: int = 3) -> int:
    """Estimated bytes of ``value`` and what it holds, ``depth`` levels down.

    A container's elements are sampled (at most 8 of them, spread over it) and the average
    is scaled by its length, so the cost does not grow with the container.
    """
    size = sys.getsizeof(value)
    if depth <= 0:
        return size
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bytes or value is None:
        return size
    if kind is tuple or kind is list:
        count = len(value)
        if count <= _NESTED_SAMPLE:
            return size + sum(sizeof_sampled(v, depth - 1) for v in value)
        step = count // _NESTED_SAMPLE
        sample = value[::step][:_NESTED_SAMPLE]
        return size + sum(sizeof_sampled(v, depth - 1) for v in sample) * count // len(sample)
    if isinstance(value, (set, frozenset, dict)):
        count = len(value)
        if count == 0:
            return size
        sample = list(islice(value.items() if isinstance(value, dict) else value, _NESTED_SAMPLE))
        return size + sum(sizeof_sampled(v, depth - 1) for v in sample) * count // len(sample)
    try:  # a user object: its attributes, however it keeps them
        attributes = getattr(value, "__dict__", None)
        if isinstance(attributes, dict):
            size += sizeof_sampled(attributes, depth - 1)
        slots = getattr(kind, "__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            size += sizeof_sampled(getattr(value, name, None), depth - 1)
    except Exception:  # an estimate must never fail a task
        pass
    return size


class MemoryBudget:
    """A pool of bytes that consumers reserve before holding data and release after."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.used = 0

    def try_reserve(self, size: int) -> bool:
        if self.used + size > self.capacity:
            return False
        self.used += size
        return True

    def release(self, size: int) -> None:
        self.used = max(0, self.used - size)

    @property
    def free(self) -> int:
        return self.capacity - self.used


class MemoryConsumer:
    """One user of a task's budget that can spill (an aggregator, a sorter, a writer).

    ``grow_to(estimate)`` reserves the bytes that the consumer's estimate says it holds
    and returns False when the budget cannot give them: the consumer must spill, then call
    ``release_all``. A consumer holding less than ``minimum`` bytes is granted them even
    over the budget, so two consumers in one task (a reduce-side aggregation feeding a
    map-side writer) never degrade into spilling tiny runs.
    """

    __slots__ = ("budget", "reserved", "minimum")

    def __init__(self, budget: MemoryBudget, minimum: int | None = None) -> None:
        self.budget = budget
        self.reserved = 0
        self.minimum = budget.capacity // 8 if minimum is None else minimum

    def grow_to(self, estimate: int) -> bool:
        needed = estimate - self.reserved
        if needed <= 0:
            return True
        if not self.budget.try_reserve(needed):
            if estimate > self.minimum:
                return False
            self.budget.used += needed  # the guaranteed minimum, even over the budget
        self.reserved += needed
        return True

    def release_all(self) -> None:
        self.budget.release(self.reserved)
        self.reserved = 0


class TaskMemory:
    """The execution budget and the private spill directory of one running task.

    The directory is created on the first spill and removed whole by ``cleanup()``, which
    the task runner calls when the task ends, whether it succeeded or raised.
    """

    def __init__(self, capacity: int, spill_dir: str | None = None) -> None:
        self.budget = MemoryBudget(capacity)
        self._spill_dir = spill_dir
        self._own_dir = spill_dir is None

    @classmethod
    def unbounded(cls) -> TaskMemory:
        """A budget that never asks to spill (outside a task runner: today's behaviour)."""
        return cls(sys.maxsize)

    @classmethod
    def of(cls, task_context: Any) -> TaskMemory:
        """The memory of the task that owns ``task_context``, or an unbounded one outside tasks."""
        memory = getattr(task_context, "memory", None)
        return memory if memory is not None else cls.unbounded()

    @property
    def spill_dir(self) -> str:
        """The task's private spill directory, created (mode 0700) on first use."""
        if self._spill_dir is None:
            self._spill_dir = tempfile.mkdtemp(prefix="ember-spill-")
        else:
            os.makedirs(self._spill_dir, mode=0o700, exist_ok=True)
        return self._spill_dir

    def new_spill_file(self, prefix: str) -> tuple[int, str]:
        """A new, empty spill file (mode 0600) in the spill directory: ``(fd, path)``."""
        return tempfile.mkstemp(prefix=prefix, suffix=".spill", dir=self.spill_dir)

    def cleanup(self) -> None:
        """Remove every spill file of the task (and the directory itself)."""
        if self._spill_dir is not None:
            shutil.rmtree(self._spill_dir, ignore_errors=True)
            if self._own_dir:
                self._spill_dir = None
