"""``RDDBarrier``: ``rdd.barrier().mapPartitions(f)`` marks the stage that runs ``f`` a barrier stage.

The scheduler launches all tasks of a barrier stage together, and tasks may wait for each
other with ``BarrierTaskContext.get().barrier()`` or exchange messages with ``allGather``
(``scheduler/barrier.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from ember.closure import check_closure

if TYPE_CHECKING:
    from ember.rdd.rdd import RDD


class RDDBarrier:
    """Wraps an RDD for barrier execution (PySpark's API)."""

    def __init__(self, rdd: RDD) -> None:
        self.rdd = rdd

    def mapPartitions(self, f: Callable[[Iterator[Any]], Iterable[Any]],
                      preservesPartitioning: bool = False) -> RDD:
        """``rdd.mapPartitions(f)``, run as a barrier stage."""
        check_closure(f, "mapPartitions")
        return self.mapPartitionsWithIndex(lambda _, iterator: f(iterator), preservesPartitioning)

    def mapPartitionsWithIndex(self, f: Callable[[int, Iterator[Any]], Iterable[Any]],
                               preservesPartitioning: bool = False) -> RDD:
        """``rdd.mapPartitionsWithIndex(f)``, run as a barrier stage.

        >>> sc.parallelize(range(4), 2).barrier().mapPartitionsWithIndex(lambda i, it: [i]).collect()
        [0, 1]
        """
        check_closure(f, "mapPartitionsWithIndex")
        from ember.rdd.map_partitions import MapPartitionsRDD

        mapped = MapPartitionsRDD(self.rdd, f, preservesPartitioning)
        mapped.is_barrier = True
        return mapped
