"""Writing an RDD to a directory of part files, committed atomically per task.

Each task attempt writes ``<dir>/_temporary/part-NNNNN.<attempt>`` and renames it to
``<dir>/part-NNNNN`` when it finishes, so a failed or retried attempt never leaves a
partial part file behind; when the job succeeds the driver writes ``_SUCCESS`` and
removes ``_temporary``.
"""

from __future__ import annotations

import gzip
import itertools
import os
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Iterator

from ember.shuffle.framing import frame
from ember.shuffle.serializers import PickleSerializer
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
    path = os.path.abspath(path.removeprefix("file://").removeprefix("file:"))
    if os.path.exists(path):
        raise FileExistsError(f"Output directory file:{path} already exists")
    temporary = os.path.join(path, "_temporary")
    os.makedirs(temporary)

    def write_part(records: Iterator[Any]) -> None:
        task = TaskContext.get()
        name = f"part-{task.partitionId():05d}{output.extension}"
        attempt_path = os.path.join(temporary, f"{name}.{task.attemptNumber()}")
        with open(attempt_path, "wb") as handle:
            output.write(records, handle)
        os.replace(attempt_path, os.path.join(path, name))

    rdd.ctx._run_job(rdd, write_part, checkpointing=checkpointing)
    shutil.rmtree(temporary, ignore_errors=True)
    open(os.path.join(path, "_SUCCESS"), "wb").close()
