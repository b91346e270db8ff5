"""Actions: each runs a job (one result per partition) and combines the results on the driver.

``ctx.run_job(rdd, func, partitions)`` applies ``func(iterator)`` to each partition on a
worker and returns the per-partition results in partition order; every action here is
that call plus a few lines of combining.
"""

from __future__ import annotations

import copy
import heapq
import itertools
import math
from collections import defaultdict
from functools import reduce as fold_left
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ember.closure import check_closure
from ember.errors import EmberValueError

if TYPE_CHECKING:
    from ember.rdd.rdd import RDD



def _count(iterator: Iterator[Any]) -> int:
    count = 0
    for count, _ in enumerate(iterator, 1):
        pass
    return count


def _reduce_partition(func: Callable[[Any, Any], Any]) -> Callable[[Iterator[Any]], list[Any]]:
    """Reduce one partition to ``[value]``, or ``[]`` when it is empty (survives pickling)."""
    def reduce_partition(iterator: Iterator[Any]) -> list[Any]:
        for first in iterator:
            return [fold_left(func, iterator, first)]
        return []
    return reduce_partition


class RDDActions:
    """Actions mixed into ``RDD``."""

    def collect(self: RDD) -> list[Any]:
        """All records, in partition order.

        >>> sc.parallelize([1, 2, 3], 2).collect()
        [1, 2, 3]
        """
        return list(itertools.chain.from_iterable(self.ctx.run_job(self, list)))

    def collectWithJobGroup(self: RDD, groupId: str, description: str, interruptOnCancel: bool = False) -> list[Any]:
        """``collect()`` as a job of group ``groupId`` (deprecated in PySpark, which warns likewise)."""
        import warnings

        warnings.warn("Deprecated in 3.1, Use pyspark.InheritableThread with the pinned thread mode enabled.",
                      FutureWarning, stacklevel=3)  # past the public_api wrapper
        keys = ("spark.jobGroup.id", "spark.job.description", "spark.job.interruptOnCancel")
        saved = [self.ctx.getLocalProperty(key) for key in keys]
        self.ctx.setJobGroup(groupId, description, interruptOnCancel)
        try:
            return self.collect()
        finally:
            for key, value in zip(keys, saved):
                self.ctx.setLocalProperty(key, value)

    def count(self: RDD) -> int:
        """The number of records.

        >>> sc.parallelize(range(10), 3).count()
        10
        """
        return sum(self.ctx.run_job(self, _count))

    def collectAsMap(self: RDD) -> dict:
        return dict(self.collect())

    def reduce(self: RDD, f: Callable[[Any, Any], Any]) -> Any:
        """Reduce the records with a commutative, associative ``f``.

        >>> from operator import add
        >>> sc.parallelize([1, 2, 3, 4], 2).reduce(add)
        10
        """
        check_closure(f, "reduce")
        partials = [value for part in self.ctx.run_job(self, _reduce_partition(f)) for value in part]
        if not partials:
            raise ValueError("Can not reduce() empty RDD")  # PySpark's builtin type and text
        return fold_left(f, partials)

    def fold(self: RDD, zeroValue: Any, op: Callable[[Any, Any], Any]) -> Any:
        """Fold each partition from ``zeroValue``, then fold the partial results."""
        check_closure(op, "fold")
        partials = self.ctx.run_job(self, lambda it: fold_left(op, it, copy.deepcopy(zeroValue)))
        return fold_left(op, partials, zeroValue)

    def aggregate(self: RDD, zeroValue: Any, seqOp: Callable, combOp: Callable) -> Any:
        """Aggregate each partition with ``seqOp`` from ``zeroValue``, then merge with ``combOp``."""
        check_closure(seqOp, "aggregate")
        check_closure(combOp, "aggregate")
        partials = self.ctx.run_job(self, lambda it: fold_left(seqOp, it, copy.deepcopy(zeroValue)))
        return fold_left(combOp, partials, zeroValue)

    def treeAggregate(self: RDD, zeroValue: Any, seqOp: Callable, combOp: Callable, depth: int = 2) -> Any:
        """``aggregate`` that merges partial results in a tree of shuffles of ``depth`` levels."""
        if depth < 1:
            raise EmberValueError(f"Depth cannot be smaller than 1 but got {depth}.")
        if self.getNumPartitions() == 0:
            return zeroValue
        partial = self.mapPartitions(lambda it: [fold_left(seqOp, it, copy.deepcopy(zeroValue))])
        partitions = partial.getNumPartitions()
        scale = max(int(math.ceil(partitions ** (1.0 / depth))), 2)
        while partitions > scale + partitions / scale:
            partitions /= scale
            target = int(partitions)
            partial = (partial.mapPartitionsWithIndex(lambda i, it, t=target: ((i % t, x) for x in it))
                       .reduceByKey(combOp, target).values())
        return partial.reduce(combOp)

    def treeReduce(self: RDD, f: Callable[[Any, Any], Any], depth: int = 2) -> Any:
        """``reduce`` that merges partial results in a tree of shuffles."""
        check_closure(f, "treeReduce")

        def op(x: tuple[Any, bool], y: tuple[Any, bool]) -> tuple[Any, bool]:
            if x[1]:
                return y
            if y[1]:
                return x
            return f(x[0], y[0]), False

        value, empty = self.map(lambda x: (x, False)).treeAggregate((None, True), op, op, depth)
        if empty:
            raise ValueError("Cannot reduce empty RDD.")
        return value

    def take(self: RDD, num: int) -> list[Any]:
        """The first ``num`` records, scanning as few partitions as it can.

        >>> sc.parallelize(range(100), 10).take(3)
        [0, 1, 2]
        """
        items: list[Any] = []
        total = self.getNumPartitions()
        scanned = 0
        while len(items) < num and scanned < total:
            to_try = 1
            if scanned > 0:
                to_try = scanned * 4 if not items else max(
                    int(1.5 * num * scanned / len(items)) - scanned, 1)
                to_try = min(to_try, scanned * 4)
            left = num - len(items)
            partitions = list(range(scanned, min(scanned + to_try, total)))
            for part in self.ctx.run_job(self, lambda it: list(itertools.islice(it, left)), partitions):
                items.extend(part)
            scanned += len(partitions)
        return items[:num]

    def first(self: RDD) -> Any:
        items = self.take(1)
        if not items:
            raise ValueError("RDD is empty")
        return items[0]

    def isEmpty(self: RDD) -> bool:
        return self.getNumPartitions() == 0 or not self.take(1)

    def takeOrdered(self: RDD, num: int, key: Callable[[Any], Any] | None = None) -> list[Any]:
        """The ``num`` smallest records (by ``key``), in ascending order.

        >>> sc.parallelize([10, 1, 2, 9, 3], 2).takeOrdered(3)
        [1, 2, 3]
        """
        if num < 0:
            raise EmberValueError("top N cannot be negative.")
        partials = self.ctx.run_job(self, lambda it: heapq.nsmallest(num, it, key=key))
        return heapq.nsmallest(num, itertools.chain.from_iterable(partials), key=key)

    def top(self: RDD, num: int, key: Callable[[Any], Any] | None = None) -> list[Any]:
        """The ``num`` largest records (by ``key``), in descending order."""
        partials = self.ctx.run_job(self, lambda it: heapq.nlargest(num, it, key=key))
        return heapq.nlargest(num, itertools.chain.from_iterable(partials), key=key)

    def max(self: RDD, key: Callable[[Any], Any] | None = None) -> Any:
        return self.reduce(max if key is None else (lambda a, b: max(a, b, key=key)))

    def min(self: RDD, key: Callable[[Any], Any] | None = None) -> Any:
        return self.reduce(min if key is None else (lambda a, b: min(a, b, key=key)))

    def countByValue(self: RDD) -> dict:
        """How many times each distinct record occurs, as a dict."""
        from ember.rdd.pair import count_values

        counts: dict = defaultdict(int)
        for partial in self.ctx.run_job(self, count_values):
            for value, count in partial.items():
                counts[value] += count
        return counts

    def foreach(self: RDD, f: Callable[[Any], None]) -> None:
        """Apply ``f`` to every record, on the workers."""
        check_closure(f, "foreach")

        def run(iterator: Iterator[Any]) -> None:
            for record in iterator:
                f(record)

        self.ctx.run_job(self, run)

    def foreachPartition(self: RDD, f: Callable[[Iterator[Any]], None]) -> None:
        check_closure(f, "foreachPartition")
        self.ctx.run_job(self, lambda it: f(it) and None)

    def toLocalIterator(self: RDD, prefetchPartitions: bool = False) -> Iterator[Any]:
        """Iterate over all records, bringing one partition at a time to the driver."""
        for index in range(self.getNumPartitions()):
            yield from self.ctx.run_job(self, list, [index])[0]

    def saveAsTextFile(self: RDD, path: str, compressionCodecClass: str | None = None) -> None:
        """Write each record's ``str()`` as a line, one ``part-NNNNN`` file per partition."""
        from ember.rdd.output import TextOutput, write_output

        compressed = compressionCodecClass is not None
        if compressed and "Gzip" not in compressionCodecClass and "Default" not in compressionCodecClass:
            raise EmberValueError(
                f"unsupported compressionCodecClass {compressionCodecClass!r}; use "
                f"'org.apache.hadoop.io.compress.GzipCodec'")
        write_output(self, path, TextOutput(compressed))

    def saveAsPickleFile(self: RDD, path: str, batchSize: int = 10) -> None:
        """Write the records as framed pickle batches, readable by ``sc.pickleFile``."""
        from ember.rdd.output import PickleOutput, write_output

        write_output(self, path, PickleOutput(batchSize))

