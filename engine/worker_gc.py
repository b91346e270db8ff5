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
  cycles among the dropped records are found;
- young collections run every 10 000 container allocations instead of 700, so a task's own
  short-lived containers are mostly freed by reference counting before any collection sees
  them, and cyclic garbage still waits at most that long.

Only worker processes do this: in the driver, and in the ``inline`` master's tasks, the
collector is the application's.
"""

from __future__ import annotations

import gc

YOUNG_COLLECTION_EVERY = 10_000


def start() -> None:
    """Set the worker's thresholds and freeze what the worker imported to start."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, middle, old)
    settle()


def settle() -> None:
    """Collect the cyclic garbage made since the last freeze, then freeze what is left."""
    gc.collect()
    gc.freeze()


def release() -> None:
    """After dropping long-lived data: look at the whole heap again, then settle."""
    gc.unfreeze()
    settle()
