"""Writing an RDD to a directory of part files: text, pickle batches, checkpoints.

The formats live here; atomicity comes from the shared commit protocol (``rdd/commit.py``):
a failed, retried or duplicated task attempt never leaves a part file behind, and a failed
job leaves no directory at all.
"""

from __future__ import annotations

import gzip
import itertools
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Iterator

from ember.rdd import commit
from ember.serialization.frames import frame
from ember.serialization.serializers import PickleSerializer
from ember.task_context import TaskContext

if TYPE_CHECKING:
    from ember.rdd.rdd import RDD


@dataclass(frozen=True, slots=True)
class TextOutput:
    compressed: bool

    @property
    def extension(self) -> str:
        return ".gz" if self.compressed else ""

    def write(self, records: Iterator[Any], handle: BinaryIO) -> None:
        out = gzip.GzipFile(fileobj=handle, mode="wb") if self.compressed else handle
        for record in records:
            text = record.decode("utf-8") if isinstance(record, bytes) else str(record)
            out.write(text.encode("utf-8") + b"\n")
        if self.compressed:
            out.close()


@dataclass(frozen=True, slots=True)
class PickleOutput:
    batch_size: int
    extension = ""

    def write(self, records: Iterator[Any], handle: BinaryIO) -> None:
        serializer = PickleSerializer()
        while batch := list(itertools.islice(records, max(self.batch_size, 1))):
            handle.write(frame(serializer.dumps(batch)))


def write_output(rdd: RDD, path: str, output: TextOutput | PickleOutput, checkpointing: bool = False) -> None:
    """Write one ``part-NNNNN`` file per partition under the commit protocol (``rdd/commit.py``).

    An existing ``path`` is an error; a failed job leaves nothing behind.
    """
    job = commit.WriteJob(os.path.abspath(path.removeprefix("file://").removeprefix("file:")), "error")
    commit.setup_job(job)

    def write_part(records: Iterator[Any]) -> tuple[int, list[str]]:
        task = TaskContext.get()
        name = f"part-{task.partitionId():05d}{output.extension}"

        def write(root: str) -> list[str]:
            with open(os.path.join(root, name), "wb") as handle:
                output.write(records, handle)
            return [name]

        return task.partitionId(), commit.run_task(job, task.partitionId(), task.attemptNumber(), write,
                                                   task.can_commit)

    try:
        committed = rdd.ctx.run_job(rdd, write_part, checkpointing=checkpointing)
        commit.commit_job(job, committed)
    except BaseException:
        commit.abort_job(job, created=True)
        raise
