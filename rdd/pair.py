"""By-key operations: ``combineByKey`` is the one building block.

``reduceByKey``, ``foldByKey``, ``aggregateByKey`` and ``groupByKey`` are aggregators
over one hash shuffle; ``cogroup`` tags the records of two RDDs and groups them in one
shuffle (none when both are already partitioned alike), and the joins, ``subtractByKey``, ``intersection`` and ``subtract`` are built on
it. ``sortByKey`` samples the keys to choose range bounds, then shuffles by range and
sorts within each partition. When the input is already partitioned the way an
aggregation needs, the aggregation runs inside each partition with no shuffle.
"""

from __future__ import annotations

import copy
import itertools
from collections import defaultdict
from collections.abc import Iterable as IterableABC
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from ember.closure import check_closure
from ember.rdd.dependency import KeyOrdering
from ember.rdd.partitioner import HashPartitioner, RangePartitioner, portable_hash
from ember.rdd.range_bounds import SAMPLES_PER_PARTITION, partition_sketch, weighted_bounds
from ember.shuffle.aggregator import Aggregator, identity as _identity
from ember.shuffle.external_aggregator import combine_in_task

if TYPE_CHECKING:
    from ember.rdd.rdd import RDD


class ResultIterable(IterableABC):
    """The grouped values of one key (PySpark's type): iterable, sized, with ``.data``."""

    __slots__ = ("data", "maxindex")

    def __init__(self, data: list[Any]) -> None:
        self.data = data
        self.maxindex = len(data)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"ResultIterable({self.data!r})"


def _to_list(value: Any) -> list[Any]:
    return [value]


def _append(values: list[Any], value: Any) -> list[Any]:
    values.append(value)
    return values


def _extend(left: list[Any], right: list[Any]) -> list[Any]:
    left.extend(right)
    return left


_GROUPING = Aggregator(_to_list, _append, _extend)


class PairRDDFunctions:
    """Operations on RDDs of (key, value) pairs, mixed into ``RDD``."""

    # --- aggregation ---------------------------------------------------------------

    def _default_reduce_partitions(self: RDD) -> int:
        if self.ctx.getConf().contains("spark.default.parallelism"):
            return self.ctx.defaultParallelism
        return max(self.getNumPartitions(), 1)

    def combineByKey(self: RDD, createCombiner: Callable, mergeValue: Callable, mergeCombiners: Callable,
                     numPartitions: int | None = None,
                     partitionFunc: Callable[[Any], int] = portable_hash) -> RDD:
        """Combine the values of each key with three functions (the general aggregation).

        >>> pairs = sc.parallelize([("a", 1), ("b", 2), ("a", 3)], 2)
        >>> sorted(pairs.combineByKey(lambda v: [v], lambda c, v: c + [v], lambda a, b: a + b).collect())
        [('a', [1, 3]), ('b', [2])]
        """
        for func in (createCombiner, mergeValue, mergeCombiners):
            check_closure(func, "combineByKey")
        aggregator = Aggregator(createCombiner, mergeValue, mergeCombiners)
        return self._combine(aggregator, numPartitions, partitionFunc, map_side_combine=True)

    def _combine(self: RDD, aggregator: Aggregator, num_partitions: int | None,
                 partition_func: Callable[[Any], int], map_side_combine: bool) -> RDD:
        from ember.rdd.shuffled import ShuffledRDD

        partitioner = HashPartitioner(num_partitions or self._default_reduce_partitions(), partition_func)
        if self.partitioner == partitioner:  # already partitioned by key: aggregate in place
            return self.mapPartitions(lambda it: combine_in_task(aggregator, it), True)
        return ShuffledRDD(self, partitioner, aggregator, map_side_combine)

    def reduceByKey(self: RDD, func: Callable[[Any, Any], Any], numPartitions: int | None = None,
                    partitionFunc: Callable[[Any], int] = portable_hash) -> RDD:
        """Merge the values of each key with an associative, commutative ``func``.

        >>> from operator import add
        >>> sorted(sc.parallelize([("a", 1), ("b", 1), ("a", 1)]).reduceByKey(add).collect())
        [('a', 2), ('b', 1)]
        """
        check_closure(func, "reduceByKey")
        return self._combine(Aggregator(_identity, func, func), numPartitions, partitionFunc, True)

    def foldByKey(self: RDD, zeroValue: Any, func: Callable[[Any, Any], Any],
                  numPartitions: int | None = None,
                  partitionFunc: Callable[[Any], int] = portable_hash) -> RDD:
        check_closure(func, "foldByKey")
        return self.combineByKey(lambda v: func(copy.deepcopy(zeroValue), v), func, func,
                                 numPartitions, partitionFunc)

    def aggregateByKey(self: RDD, zeroValue: Any, seqFunc: Callable, combFunc: Callable,
                       numPartitions: int | None = None,
                       partitionFunc: Callable[[Any], int] = portable_hash) -> RDD:
        check_closure(seqFunc, "aggregateByKey")
        return self.combineByKey(lambda v: seqFunc(copy.deepcopy(zeroValue), v), seqFunc, combFunc,
                                 numPartitions, partitionFunc)

    def groupByKey(self: RDD, numPartitions: int | None = None,
                   partitionFunc: Callable[[Any], int] = portable_hash) -> RDD:
        """Group the values of each key into one iterable (no map-side combine).

        >>> sorted((k, sorted(v)) for k, v in sc.parallelize([("a", 1), ("b", 1), ("a", 2)]).groupByKey().collect())
        [('a', [1, 2]), ('b', [1])]
        """
        grouped = self._combine(_GROUPING, numPartitions, partitionFunc, map_side_combine=False)
        return grouped.mapValues(ResultIterable)

    def groupBy(self: RDD, f: Callable[[Any], Any], numPartitions: int | None = None,
                partitionFunc: Callable[[Any], int] = portable_hash) -> RDD:
        check_closure(f, "groupBy")
        return self.map(lambda x: (f(x), x)).groupByKey(numPartitions, partitionFunc)

    def reduceByKeyLocally(self: RDD, func: Callable[[Any, Any], Any]) -> dict:
        """Merge the values of each key and return the result to the driver as a dict."""
        check_closure(func, "reduceByKeyLocally")
        aggregator = Aggregator(_identity, func, func)
        merged: dict = {}
        for partial in self.mapPartitions(lambda it: [aggregator.combine_values(it)]).collect():
            aggregator.combine_combiners(partial.items(), into=merged)
        return merged

    def countByKey(self: RDD) -> dict:
        """The number of records of each key, as a dict."""
        return self.map(lambda kv: kv[0]).countByValue()

    def distinct(self: RDD, numPartitions: int | None = None) -> RDD:
        """The distinct records.

        >>> sorted(sc.parallelize([1, 1, 2, 3, 3]).distinct().collect())
        [1, 2, 3]
        """
        return (self.map(lambda x: (x, None))
                .reduceByKey(lambda x, _: x, numPartitions)
                .map(lambda kv: kv[0]))

    # --- keys and values -----------------------------------------------------------

    def keys(self: RDD) -> RDD:
        return self.map(lambda kv: kv[0])

    def values(self: RDD) -> RDD:
        return self.map(lambda kv: kv[1])

    def mapValues(self: RDD, f: Callable[[Any], Any]) -> RDD:
        check_closure(f, "mapValues")
        return self.map(lambda kv: (kv[0], f(kv[1])), preservesPartitioning=True)

    def flatMapValues(self: RDD, f: Callable[[Any], Iterable[Any]]) -> RDD:
        check_closure(f, "flatMapValues")
        return self.flatMap(lambda kv: ((kv[0], v) for v in f(kv[1])), preservesPartitioning=True)

    def lookup(self: RDD, key: Any) -> list[Any]:
        """All values of ``key``; reads only one partition when the partitioner is known."""
        values = self.filter(lambda kv: kv[0] == key).values()
        if self.partitioner is not None:
            return self.ctx.runJob(values, list, [self.partitioner(key)])
        return values.collect()

    # --- partitioning and sorting --------------------------------------------------

    def partitionBy(self: RDD, numPartitions: int | None,
                    partitionFunc: Callable[[Any], int] = portable_hash) -> RDD:
        """Shuffle into ``numPartitions`` partitions by ``partitionFunc(key) % numPartitions``."""
        from ember.rdd.shuffled import ShuffledRDD

        check_closure(partitionFunc, "partitionBy")
        partitioner = HashPartitioner(numPartitions or self._default_reduce_partitions(), partitionFunc)
        if self.partitioner == partitioner:
            return self
        return ShuffledRDD(self, partitioner)

    def sortByKey(self: RDD, ascending: bool = True, numPartitions: int | None = None,
                  keyfunc: Callable[[Any], Any] = _identity) -> RDD:
        """Sort by key across all partitions, by range partitioning from a sample.

        >>> sc.parallelize([("b", 2), ("a", 1), ("c", 3)], 2).sortByKey().collect()
        [('a', 1), ('b', 2), ('c', 3)]
        """
        from ember.rdd.shuffled import ShuffledRDD

        check_closure(keyfunc, "sortByKey")
        count = numPartitions or self._default_reduce_partitions()
        ordering = KeyOrdering(ascending, keyfunc)
        bounds = self._sample_range_bounds(count, keyfunc)
        return ShuffledRDD(self, RangePartitioner(bounds, ascending, keyfunc), key_ordering=ordering)

    def _sample_range_bounds(self: RDD, partitions: int, keyfunc: Callable[[Any], Any]) -> list[Any]:
        """One job: each partition's count and key sample (see ``range_bounds``)."""
        if partitions <= 1:
            return []
        size = partitions * SAMPLES_PER_PARTITION
        sketches = self.mapPartitionsWithIndex(
            lambda index, records: [partition_sketch(index, records, size, keyfunc)]).collect()
        return weighted_bounds(sketches, partitions)

    def sortBy(self: RDD, keyfunc: Callable[[Any], Any], ascending: bool = True,
               numPartitions: int | None = None) -> RDD:
        """Sort the records by ``keyfunc``.

        >>> sc.parallelize([3, 1, 2]).sortBy(lambda x: x).collect()
        [1, 2, 3]
        """
        check_closure(keyfunc, "sortBy")
        return self.keyBy(keyfunc).sortByKey(ascending, numPartitions).values()

    def repartitionAndSortWithinPartitions(self: RDD, numPartitions: int | None = None,
                                           partitionFunc: Callable[[Any], int] = portable_hash,
                                           ascending: bool = True,
                                           keyfunc: Callable[[Any], Any] = _identity) -> RDD:
        from ember.rdd.shuffled import ShuffledRDD

        partitioner = HashPartitioner(numPartitions or self._default_reduce_partitions(), partitionFunc)
        return ShuffledRDD(self, partitioner, key_ordering=KeyOrdering(ascending, keyfunc))

    def _round_robin_shuffle(self: RDD, num_partitions: int) -> RDD:
        """Spread records evenly over ``num_partitions`` (``repartition``)."""
        def tag(index: int, iterator: Iterator[Any]) -> Iterator[tuple[int, Any]]:
            return zip(itertools.count(index % num_partitions), iterator)

        result = self.mapPartitionsWithIndex(tag).partitionBy(num_partitions, _identity).values()
        return result

    # --- cogroup and joins ---------------------------------------------------------

    def cogroup(self: RDD, other: RDD, numPartitions: int | None = None) -> RDD:
        """For each key, the values in this RDD and in ``other``, as two iterables."""
        return self.groupWith(other, numPartitions=numPartitions)

    def groupWith(self: RDD, other: RDD, *others: RDD, numPartitions: int | None = None) -> RDD:
        grouped = self._cogroup_lists((other,) + others, numPartitions)
        return grouped.mapValues(lambda groups: tuple(ResultIterable(g) for g in groups))

    def _cogroup_lists(self: RDD, others: tuple[RDD, ...], numPartitions: int | None) -> RDD:
        """For each key, one plain list of values per input RDD (joins use the lists directly)."""
        rdds = (self,) + others
        tagged = self.ctx.union([rdd.map(_tagger(i), preservesPartitioning=True) for i, rdd in enumerate(rdds)])
        partitions = numPartitions or max(rdd._default_reduce_partitions() for rdd in rdds)
        return tagged._combine(_cogroup_aggregator(len(rdds)), partitions, portable_hash,
                               map_side_combine=False)

    def join(self: RDD, other: RDD, numPartitions: int | None = None) -> RDD:
        """Inner join: ``(k, (v, w))`` for every pair of values of a key present in both."""
        return self._cogroup_lists((other,), numPartitions).flatMapValues(
            lambda vw: itertools.product(vw[0], vw[1]))

    def leftOuterJoin(self: RDD, other: RDD, numPartitions: int | None = None) -> RDD:
        return self._cogroup_lists((other,), numPartitions).flatMapValues(
            lambda vw: itertools.product(vw[0], vw[1] or [None]))

    def rightOuterJoin(self: RDD, other: RDD, numPartitions: int | None = None) -> RDD:
        return self._cogroup_lists((other,), numPartitions).flatMapValues(
            lambda vw: itertools.product(vw[0] or [None], vw[1]))

    def fullOuterJoin(self: RDD, other: RDD, numPartitions: int | None = None) -> RDD:
        return self._cogroup_lists((other,), numPartitions).flatMapValues(
            lambda vw: itertools.product(vw[0] or [None], vw[1] or [None]))

    def subtractByKey(self: RDD, other: RDD, numPartitions: int | None = None) -> RDD:
        """The pairs of this RDD whose key does not appear in ``other``."""
        return self._cogroup_lists((other,), numPartitions).flatMapValues(
            lambda vw: vw[0] if not vw[1] else ())

    def subtract(self: RDD, other: RDD, numPartitions: int | None = None) -> RDD:
        """The records of this RDD that do not appear in ``other`` (duplicates kept)."""
        return (self.map(lambda x: (x, True))
                .subtractByKey(other.map(lambda x: (x, True)), numPartitions).keys())

    def intersection(self: RDD, other: RDD) -> RDD:
        """The distinct records present in both RDDs."""
        return (self.map(lambda x: (x, None))._cogroup_lists((other.map(lambda x: (x, None)),), None)
                .filter(lambda kv: all(kv[1])).keys())


def _tagger(tag: int) -> Callable[[tuple[Any, Any]], tuple[Any, tuple[int, Any]]]:
    return lambda kv: (kv[0], (tag, kv[1]))


def _cogroup_aggregator(count: int) -> Aggregator:
    """Collect tagged values ``(input index, value)`` into one list per input."""
    def create(tagged_value: tuple[int, Any]) -> list[list[Any]]:
        tag, value = tagged_value
        if count == 2:  # joins: built in one expression, this runs once per key and side
            return [[value], []] if tag == 0 else [[], [value]]
        groups: list[list[Any]] = [[] for _ in range(count)]
        groups[tag].append(value)
        return groups

    def merge_value(groups: list[list[Any]], tagged_value: tuple[int, Any]) -> list[list[Any]]:
        groups[tagged_value[0]].append(tagged_value[1])
        return groups

    def merge_groups(left: list[list[Any]], right: list[list[Any]]) -> list[list[Any]]:
        for mine, theirs in zip(left, right):
            mine.extend(theirs)
        return left

    return Aggregator(create, merge_value, merge_groups)


def count_values(iterator: Iterable[Any]) -> dict:
    counts: dict = defaultdict(int)
    for value in iterator:
        counts[value] += 1
    return counts
