"""How a worker process uses Python's cyclic garbage collector.

A worker keeps data alive between tasks: cached partitions, broadcast values, the modules it
imported (pyarrow alone is ~70 000 objects, a 27 ms full collection). CPython's collector
walks all of it on every full collection, and a task that builds many containers triggers
many of those: on PageRank, whose cached links are 200 000 lists of neighbours, collections
were 40% of the job. So:

- after each task the worker collects the task's cyclic garbage once, then freezes whatever
  survived (``gc.freeze``): later collections skip it, while reference counting still frees
  it the moment nothing refers to it;
- when cached blocks are dropped, the heap is unfrozen, collected and frozen again, so that
  cycles among the dropped records are found; so it is every 256 tasks, for cycles that
  other long-lived objects (a user's module-level cache, say) let go of;
- young collections run every 10 000 container allocations instead of 700, so a task's own
  short-lived containers are mostly freed by reference counting before any collection sees
  them, and cyclic garbage still waits at most that long.

Only worker processes do this: in the driver, and in the ``inline`` master's tasks, the
collector is the application's.
"""

from __future__ import annotations

import gc

YOUNG_COLLECTION_EVERY = 10_000
WHOLE_HEAP_EVERY = 256  # tasks


class WorkerCollector:
    """The collector policy of one worker process (see the module doc)."""

    def __init__(self) -> None:
        self.tasks = 0

    def start(self) -> None:
        """Set the worker's thresholds and freeze what the worker imported to start."""
        _, middle, old = gc.get_threshold()
        gc.set_threshold(YOUNG_COLLECTION_EVERY, middle, old)
        _collect_and_freeze(whole_heap=False)

    def after_task(self, released: bool) -> None:
        """Between tasks; ``released``: cached records left memory during the task."""
        self.tasks += 1
        _collect_and_freeze(whole_heap=released or self.tasks % WHOLE_HEAP_EVERY == 0)

    def after_release(self) -> None:
        """After cached blocks were dropped outside a task (unpersist)."""
        _collect_and_freeze(whole_heap=True)


def _collect_and_freeze(whole_heap: bool) -> None:
    if whole_heap:
        gc.unfreeze()
    gc.collect()
    gc.freeze()
