"""The ``RDD`` base: five properties, ``iterator()``, identity, persistence, narrow steps.

An RDD is a lazy node of the lineage graph. Every subclass defines the five properties:

* ``partitions`` (``_get_partitions``): the list of ``Partition`` values, one task each;
* ``compute(split, task_context)``: an iterator over one partition's records;
* ``dependencies``: typed edges to parent RDDs (narrow or shuffle);
* ``partitioner``: how the records are partitioned by key, when known;
* ``preferred_locations(split)``: executors that hold the partition's input.

``iterator()`` is the only place that chooses between a cached block and ``compute``.
Public methods build a subclass and return it; actions live in ``actions.py``, by-key
operations in ``pair.py``, statistics in ``numeric.py``, sampling in ``sampling.py``.

An RDD pickles without its context and partition list: a stage binary carries the chain
of RDD objects to workers, and partitions travel with each task instead. Used on a
worker, an RDD has no context, and touching it explains why that cannot work.

Checklist when changing this class: keep ``__getstate__`` free of driver-only state;
keep ``iterator`` the single cache decision point; give every new subclass its
``_get_partitions`` and ``compute``.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from ember.boundary import public_api
from ember.call_site import CallSite, capture_call_site
from ember.closure import check_closure
from ember.errors import ClosureError, EmberRuntimeError, EmberValueError
from ember.rdd.actions import RDDActions
from ember.rdd.approximate import ApproximateRDDFunctions
from ember.rdd.dependency import Dependency, OneToOneDependency
from ember.rdd.numeric import NumericRDDFunctions
from ember.rdd.pair import PairRDDFunctions
from ember.rdd.partition import Partition
from ember.rdd.sampling import SamplingRDDFunctions
from ember.storage.storage_level import StorageLevel

if TYPE_CHECKING:
    from ember.context import SparkContext
    from ember.rdd.barrier import RDDBarrier
    from ember.rdd.partitioner import Partitioner
    from ember.task_context import TaskContext

_WORKER_MISUSE = (
    "RDD {rdd} is used inside a function that runs on a worker. RDD transformations and "
    "actions can only be invoked by the driver, not inside other transformations; for "
    "example, rdd1.map(lambda x: rdd2.values.count() * x) is invalid because the values "
    "transformation and count action cannot be performed inside of the rdd1.map "
    "transformation. Collect or broadcast what you need first (see SPARK-5063)."
)


@public_api
class RDD(RDDActions, PairRDDFunctions, NumericRDDFunctions, SamplingRDDFunctions, ApproximateRDDFunctions):
    """A Resilient Distributed Dataset: an immutable, partitioned, lazily computed collection.

    Examples
    --------
    >>> rdd = sc.parallelize([1, 2, 3, 4], 2)
    >>> rdd.map(lambda x: x * 10).filter(lambda x: x > 10).collect()
    [20, 30, 40]
    """

    _ember_driver_only = "rdd"  # closures refuse to capture it (ember.closure)
    is_barrier = False  # built by RDDBarrier: its stage runs as a barrier stage

    def __init__(self, ctx: SparkContext, deps: list[Dependency] | None = None) -> None:
        self._ctx = ctx
        self._deps = list(deps or [])
        self._partitions: list[Partition] | None = None
        self.id_ = ctx.new_rdd_id()
        self.call_site: CallSite = capture_call_site()
        self._name: str | None = None
        self._storage_level = StorageLevel.NONE
        self._checkpoint_rdd: RDD | None = None
        self._checkpoint_requested: str | None = None
        self.is_deterministic = all(dep.rdd.is_deterministic for dep in self._deps)

    # --- the five properties -------------------------------------------------------

    @property
    def partitions(self) -> list[Partition]:
        if self._checkpoint_rdd is not None:
            return self._checkpoint_rdd.partitions
        if self._partitions is None:
            self._partitions = self._get_partitions()
        return self._partitions

    def _get_partitions(self) -> list[Partition]:
        raise NotImplementedError

    def compute(self, split: Partition, task_context: TaskContext) -> Iterator[Any]:
        raise NotImplementedError

    @property
    def dependencies(self) -> list[Dependency]:
        if self._checkpoint_rdd is not None:
            return [OneToOneDependency(self._checkpoint_rdd)]
        return self._deps

    @property
    def partitioner(self) -> Partitioner | None:
        return None

    def preferred_locations(self, split: Partition) -> list[str]:
        return []

    def iterator(self, split: Partition, task_context: TaskContext) -> Iterator[Any]:
        """The partition's records: from the cache if persisted, else computed."""
        if self._storage_level.useMemory or self._storage_level.useDisk:
            return task_context.block_manager.get_or_compute(self, split, task_context)
        return self.compute_uncached(split, task_context)

    def compute_uncached(self, split: Partition, task_context: TaskContext) -> Iterator[Any]:
        """The partition's records bypassing the cache: from the checkpoint if written, else computed."""
        if self._checkpoint_rdd is not None:
            return self._checkpoint_rdd.iterator(split, task_context)
        return self.compute(split, task_context)

    # --- identity ------------------------------------------------------------------

    @property
    def ctx(self) -> SparkContext:
        if self._ctx is None:
            raise ClosureError(_WORKER_MISUSE.format(rdd=self))
        return self._ctx

    @property
    def context(self) -> SparkContext:
        """The SparkContext this RDD was created on."""
        return self.ctx

    def id(self) -> int:
        """A unique ID for this RDD within its SparkContext."""
        return self.id_

    def name(self) -> str | None:
        return self._name

    def setName(self, name: str) -> RDD:
        self._name = name
        return self

    def getNumPartitions(self) -> int:
        return len(self.partitions)

    def toDebugString(self) -> bytes:
        """A description of this RDD and its recursive dependencies, for debugging.

        Like PySpark, returns ``bytes``; each shuffle boundary indents the lineage below it.
        """
        from ember.rdd.lineage import debug_string

        return debug_string(self).encode("utf-8")

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_ctx"] = None
        state["_partitions"] = None
        if self._checkpoint_rdd is not None:  # the lineage before a checkpoint stays behind
            state = {k: (None if _holds_rdd(v) else v) for k, v in state.items()}
            state["_checkpoint_rdd"] = self._checkpoint_rdd
        return state

    def __repr__(self) -> str:
        label = self._name or type(self).__name__
        return f"{label}[{self.id_}] at {self.call_site.label}"

    # --- persistence ---------------------------------------------------------------

    def cache(self) -> RDD:
        """Persist this RDD with the default storage level (``MEMORY_ONLY``)."""
        return self.persist(StorageLevel.MEMORY_ONLY)

    def persist(self, storageLevel: StorageLevel = StorageLevel.MEMORY_ONLY) -> RDD:
        """Keep the partitions once computed, in the worker that computed them."""
        if self._storage_level not in (StorageLevel.NONE, storageLevel):
            raise EmberValueError(
                f"cannot change the storage level of {self} from {self._storage_level} to "
                f"{storageLevel} after it was assigned; unpersist() it first")
        self._storage_level = storageLevel
        return self

    def unpersist(self, blocking: bool = False) -> RDD:
        """Drop the cached partitions and stop caching them; ``blocking`` waits until the driver forgot them."""
        self._storage_level = StorageLevel.NONE
        self.ctx.remove_rdd_blocks(self.id_, blocking)
        return self

    def getStorageLevel(self) -> StorageLevel:
        return self._storage_level

    @property
    def is_cached(self) -> bool:
        return self._storage_level != StorageLevel.NONE

    # --- checkpointing -------------------------------------------------------------

    def checkpoint(self) -> None:
        """Write this RDD to the checkpoint directory after the next job, and cut its lineage."""
        if self.ctx.getCheckpointDir() is None:
            raise EmberRuntimeError("Checkpoint directory has not been set in the SparkContext; "
                                    "call sc.setCheckpointDir(path) first")
        self._checkpoint_requested = "reliable"

    def localCheckpoint(self) -> None:
        """Like ``checkpoint`` but into the session's scratch space: fast, not fault tolerant."""
        self._checkpoint_requested = "local"

    def isCheckpointed(self) -> bool:
        """Whether this RDD was checkpointed (written, not only marked)."""
        return self._checkpoint_rdd is not None

    @property
    def is_checkpointed(self) -> bool:
        """Whether ``checkpoint()`` was called on this RDD (PySpark's attribute), written yet or not."""
        return self._checkpoint_requested == "reliable" or (
            self._checkpoint_rdd is not None and not self._checkpoint_rdd.local)

    def isLocallyCheckpointed(self) -> bool:
        """Whether this RDD is marked for local checkpointing (``localCheckpoint()`` was called)."""
        return self._checkpoint_requested == "local" or (
            self._checkpoint_rdd is not None and self._checkpoint_rdd.local)

    def cleanShuffleDependencies(self, blocking: bool = False) -> None:
        """Remove the shuffle files this RDD and its non-persisted ancestors read (a developer API).

        A later job over this RDD recomputes them; checkpoint the RDD first to avoid that.
        """
        from ember.rdd.lineage import cleanable_shuffles

        for shuffle_id in cleanable_shuffles(self):
            self.ctx.release_shuffle(shuffle_id, blocking)

    def getResourceProfile(self) -> None:
        """The resource profile set with ``withResources``: always None, as Ember has no resource profiles."""
        return None

    @property
    def checkpoint_requested(self) -> str | None:
        """Which checkpoint was asked for: "reliable" (``checkpoint()``), "local" (``localCheckpoint()``) or None."""
        return self._checkpoint_requested

    def replace_lineage_with(self, checkpoint: RDD) -> None:
        """Read from ``checkpoint`` (just written) from now on, and forget the lineage before it."""
        self._checkpoint_rdd = checkpoint
        self._deps = []

    def getCheckpointFile(self) -> str | None:
        if self._checkpoint_rdd is None or self._checkpoint_rdd.local:
            return None
        return self._checkpoint_rdd.path

    # --- narrow transformations ----------------------------------------------------

    def mapPartitionsWithIndex(self, f: Callable[[int, Iterator[Any]], Iterable[Any]],
                               preservesPartitioning: bool = False) -> RDD:
        """Apply ``f(partition_index, iterator)`` to each partition.

        >>> sc.parallelize([1, 2, 3, 4], 2).mapPartitionsWithIndex(lambda i, it: [(i, sum(it))]).collect()
        [(0, 3), (1, 7)]
        """
        check_closure(f, "mapPartitionsWithIndex")
        from ember.rdd.map_partitions import MapPartitionsRDD

        return MapPartitionsRDD(self, f, preservesPartitioning)

    def mapPartitionsWithSplit(self, f: Callable[[int, Iterator[Any]], Iterable[Any]],
                               preservesPartitioning: bool = False) -> RDD:
        """Deprecated alias of ``mapPartitionsWithIndex``, warning as PySpark does."""
        import warnings

        warnings.warn("mapPartitionsWithSplit is deprecated; use mapPartitionsWithIndex instead",
                      FutureWarning, stacklevel=3)  # past the public_api wrapper
        return self.mapPartitionsWithIndex(f, preservesPartitioning)

    def mapPartitions(self, f: Callable[[Iterator[Any]], Iterable[Any]],
                      preservesPartitioning: bool = False) -> RDD:
        check_closure(f, "mapPartitions")
        return self.mapPartitionsWithIndex(lambda _, iterator: f(iterator), preservesPartitioning)

    def map(self, f: Callable[[Any], Any], preservesPartitioning: bool = False) -> RDD:
        """Apply ``f`` to every record.

        >>> sc.parallelize(["b", "a", "c"]).map(lambda x: (x, 1)).collect()
        [('b', 1), ('a', 1), ('c', 1)]
        """
        check_closure(f, "map")
        return self.mapPartitionsWithIndex(lambda _, iterator: map(f, iterator), preservesPartitioning)

    def flatMap(self, f: Callable[[Any], Iterable[Any]], preservesPartitioning: bool = False) -> RDD:
        """Apply ``f`` to every record and flatten the results.

        >>> sc.parallelize([2, 3]).flatMap(lambda x: range(x)).collect()
        [0, 1, 0, 1, 2]
        """
        check_closure(f, "flatMap")
        return self.mapPartitionsWithIndex(
            lambda _, iterator: itertools.chain.from_iterable(map(f, iterator)), preservesPartitioning)

    def filter(self, f: Callable[[Any], bool]) -> RDD:
        """Keep the records for which ``f`` is true.

        >>> sc.parallelize([1, 2, 3, 4]).filter(lambda x: x % 2 == 0).collect()
        [2, 4]
        """
        check_closure(f, "filter")
        return self.mapPartitionsWithIndex(lambda _, iterator: filter(f, iterator), True)

    def barrier(self) -> RDDBarrier:
        """Mark the next ``mapPartitions`` as a barrier stage: all its tasks are launched together."""
        from ember.rdd.barrier import RDDBarrier

        return RDDBarrier(self)

    def glom(self) -> RDD:
        """One list per partition.

        >>> sc.parallelize([1, 2, 3, 4], 2).glom().collect()
        [[1, 2], [3, 4]]
        """
        return self.mapPartitionsWithIndex(lambda _, iterator: [list(iterator)])

    def keyBy(self, f: Callable[[Any], Any]) -> RDD:
        check_closure(f, "keyBy")
        return self.map(lambda x: (f(x), x))

    def union(self, other: RDD) -> RDD:
        """All records of this RDD followed by those of ``other`` (duplicates kept)."""
        return self.ctx.union([self, other])

    def __add__(self, other: RDD) -> RDD:
        if not isinstance(other, RDD):
            raise TypeError(f"can only add an RDD to an RDD, not {type(other).__name__}")
        return self.union(other)

    def cartesian(self, other: RDD) -> RDD:
        """All pairs ``(a, b)`` with ``a`` in this RDD and ``b`` in ``other``."""
        from ember.rdd.cartesian import CartesianRDD

        return CartesianRDD(self, other)

    def zip(self, other: RDD) -> RDD:
        """Pair records by position; both RDDs need the same partitions and counts."""
        from ember.rdd.zipped import ZippedRDD

        return ZippedRDD(self, other)

    def zipWithIndex(self) -> RDD:
        """Pair each record with its position; runs a job to count all but the last partition.

        >>> sc.parallelize(["a", "b", "c", "d"], 3).zipWithIndex().collect()
        [('a', 0), ('b', 1), ('c', 2), ('d', 3)]
        """
        starts = [0]
        if self.getNumPartitions() > 1:
            counts = self.ctx.run_job(self, _count_records, range(self.getNumPartitions() - 1))
            for count in counts:
                starts.append(starts[-1] + count)
        return self.mapPartitionsWithIndex(
            lambda index, iterator: zip(iterator, itertools.count(starts[index])))

    def zipWithUniqueId(self) -> RDD:
        """Pair records with unique ids: item k of partition i gets ``i + k * numPartitions``.

        >>> sc.parallelize(["a", "b", "c", "d", "e"], 3).zipWithUniqueId().collect()
        [('a', 0), ('b', 1), ('c', 4), ('d', 2), ('e', 5)]
        """
        count = self.getNumPartitions()
        return self.mapPartitionsWithIndex(
            lambda index, iterator: zip(iterator, itertools.count(index, count)))

    def coalesce(self, numPartitions: int, shuffle: bool = False) -> RDD:
        """Reduce the number of partitions, without a shuffle unless asked.

        >>> sc.parallelize([1, 2, 3, 4, 5], 3).coalesce(1).glom().collect()
        [[1, 2, 3, 4, 5]]
        """
        if numPartitions <= 0:
            raise EmberValueError(f"coalesce needs a positive number of partitions, got {numPartitions}")
        if shuffle:
            return self._round_robin_shuffle(numPartitions)
        from ember.rdd.coalesced import CoalescedRDD

        return CoalescedRDD(self, numPartitions)

    def repartition(self, numPartitions: int) -> RDD:
        """Exactly ``numPartitions`` partitions, balanced by a shuffle."""
        return self.coalesce(numPartitions, shuffle=True)

    def pipe(self, command: str, env: dict[str, str] | None = None, checkCode: bool = False) -> RDD:
        """Pipe each partition's records, one per line, through an external command."""
        from ember.rdd.piped import pipe_partition

        return self.mapPartitions(lambda iterator: pipe_partition(iterator, command, env or {}, checkCode))


def _holds_rdd(value: Any) -> bool:
    if isinstance(value, RDD):
        return True
    return isinstance(value, (list, tuple)) and any(isinstance(v, RDD) for v in value)


def _count_records(iterator: Iterator[Any]) -> int:
    return sum(1 for _ in iterator)
