"""Binary inputs: ``binaryFiles`` (one ``(path, bytes)`` per file) and ``binaryRecords``
(fixed-length records cut from flat files)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterator

from ember.errors import EmberValueError
from ember.rdd.partition import Partition
from ember.rdd.sources import FileSplit, WholeTextFilesRDD, expand_paths
from ember.rdd.rdd import RDD

if TYPE_CHECKING:
    from ember.context import SparkContext
    from ember.rdd.partition import DataPartition
    from ember.task_context import TaskContext

_SPLIT_BYTES = 32 << 20  # records per binaryRecords partition: about this many bytes


class BinaryFilesRDD(WholeTextFilesRDD):
    """``(file: URI, content bytes)`` per file; files are read as they are (no decompression)."""

    def compute(self, split: DataPartition, task_context: TaskContext) -> Iterator[tuple[str, bytes]]:
        for path in split.data:
            with open(path, "rb") as handle:
                yield "file:" + os.path.abspath(path), handle.read()


class BinaryRecordsRDD(RDD):
    """Records of ``record_length`` bytes, in file order; about 32 MiB of records per partition."""

    def __init__(self, ctx: SparkContext, path: str, record_length: int) -> None:
        super().__init__(ctx)
        if record_length <= 0:
            raise EmberValueError(f"binaryRecords needs a positive recordLength, got {record_length}")
        self._record_length = record_length
        self._files = expand_paths(path)
        for file in self._files:
            size = os.path.getsize(file)
            if size % record_length:
                raise EmberValueError(
                    f"binaryRecords: file:{os.path.abspath(file)} has {size} bytes, not a multiple of "
                    f"recordLength {record_length} (its last record would be cut short)")

    def _get_partitions(self) -> list[Partition]:
        step = max(1, _SPLIT_BYTES // self._record_length) * self._record_length
        splits: list[Partition] = []
        for file in self._files:
            size = os.path.getsize(file)
            for start in range(0, size, step):
                splits.append(FileSplit(len(splits), file, start, min(size, start + step)))
        return splits

    def compute(self, split: FileSplit, task_context: TaskContext) -> Iterator[bytes]:
        with open(split.path, "rb") as handle:
            handle.seek(split.start)
            for _ in range((split.end - split.start) // self._record_length):
                yield handle.read(self._record_length)
