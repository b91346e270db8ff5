"""Checkpoints: an RDD's partitions written out so its lineage can be cut.

``checkpoint()`` marks an RDD; after the next job that computes it, the context writes
each partition to the checkpoint directory (one part file each, committed atomically like
``saveAsPickleFile``) and replaces the RDD's dependencies with a ``CheckpointRDD`` that
reads those files. Reliable checkpoints outlive the session; local checkpoints live in the
session directory, are faster to set up, and cannot be recovered if lost.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterator

from ember.errors import EmberRuntimeError
from ember.rdd.partition import Partition
from ember.rdd.rdd import RDD
from ember.serialization.serializers import PickleSerializer, decode_batches

if TYPE_CHECKING:
    from ember.context import SparkContext
    from ember.rdd.partitioner import Partitioner
    from ember.task_context import TaskContext

_LOCAL_MISSING = (
    "Checkpoint block {path} not found! Either the executor that originally checkpointed this "
    "partition is no longer alive, or the original RDD is unpersisted. Local checkpoints are not "
    "fault tolerant; if this problem persists, consider rdd.checkpoint() instead, which is slower "
    "than local checkpointing but more fault-tolerant."
)


def part_file(path: str, index: int) -> str:
    return os.path.join(path, f"part-{index:05d}")


class CheckpointRDD(RDD):
    """Reads a checkpointed RDD's part files; it has no dependencies."""

    def __init__(self, ctx: SparkContext, path: str, num_partitions: int,
                 partitioner: Partitioner | None, local: bool) -> None:
        super().__init__(ctx)
        self.path = path
        self.num_partitions = num_partitions
        self._checkpoint_partitioner = partitioner
        self.local = local

    def _get_partitions(self) -> list[Partition]:
        return [Partition(i) for i in range(self.num_partitions)]

    @property
    def partitioner(self) -> Partitioner | None:
        return self._checkpoint_partitioner

    def compute(self, split: Partition, task_context: TaskContext) -> Iterator[Any]:
        path = part_file(self.path, split.index)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            if self.local:
                raise EmberRuntimeError(_LOCAL_MISSING.format(path=path)) from None
            raise EmberRuntimeError(f"checkpoint file {path} is missing; the checkpoint directory was "
                                    f"modified outside Ember") from None
        return iter(list(decode_batches(data, PickleSerializer())))

    def __repr__(self) -> str:
        kind = "LocalCheckpointRDD" if self.local else "ReliableCheckpointRDD"
        return f"{kind}[{self.id_}] at {self.call_site.label}"


def materialize_checkpoints(rdd: RDD) -> None:
    """Write every checkpoint requested in ``rdd``'s lineage, then cut the lineage there.

    Walks with an explicit stack and stops at RDDs already checkpointed.
    """
    from ember.rdd.output import PickleOutput, write_output

    pending: list[RDD] = []
    stack, seen = [rdd], set()
    while stack:
        node = stack.pop()
        if node is None or node.id_ in seen or node.isCheckpointed():
            continue
        seen.add(node.id_)
        if node.checkpoint_requested is not None:
            pending.append(node)
        stack.extend(dep.rdd for dep in node.dependencies)
    for node in pending:
        local = node.checkpoint_requested == "local"
        ctx = node.ctx
        root = ctx.session_subdir("local_checkpoints") if local else ctx.getCheckpointDir()
        path = os.path.join(root, f"rdd-{node.id_}")
        write_output(node, path, PickleOutput(1024), checkpointing=True)
        checkpoint = CheckpointRDD(ctx, path, node.getNumPartitions(), node.partitioner, local)
        node.replace_lineage_with(checkpoint)
