"""Source RDDs: local collections, text files, whole files, pickle files, nothing.

Text files are split by byte ranges (a gzip file is one split, since it cannot be read
from the middle). A line belongs to the split that holds its first byte, so splits never
lose or duplicate a line, whatever the split size.
"""

from __future__ import annotations

import glob
import gzip
import itertools
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from ember.rdd.partition import DataPartition, Partition
from ember.rdd.rdd import RDD
from ember.serialization.serializers import PickleSerializer, decode_batches

if TYPE_CHECKING:
    from ember.context import SparkContext
    from ember.task_context import TaskContext

_MAX_SPLIT_BYTES = 32 << 20
_READ_CHUNK = 8 << 20


def slice_collection(data: Sequence[Any], num_slices: int) -> list[Sequence[Any]]:
    """Split ``data`` into ``num_slices`` contiguous slices, as PySpark does."""
    if num_slices <= 0:
        raise ValueError(f"number of slices must be positive, got {num_slices}")
    length = len(data)
    if isinstance(data, range):
        step = data.step
        return [range(data.start + (i * length // num_slices) * step,
                      data.start + ((i + 1) * length // num_slices) * step, step)
                for i in range(num_slices)]
    return [data[i * length // num_slices:(i + 1) * length // num_slices] for i in range(num_slices)]


class ParallelCollectionRDD(RDD):
    """An RDD over a local collection; each partition carries its slice to its task."""

    def __init__(self, ctx: SparkContext, data: Sequence[Any], num_slices: int) -> None:
        super().__init__(ctx)
        self._slices = slice_collection(data, num_slices)

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state["_slices"] = None
        return state

    def _get_partitions(self) -> list[Partition]:
        return [DataPartition(i, data) for i, data in enumerate(self._slices)]

    def compute(self, split: DataPartition, task_context: TaskContext) -> Iterator[Any]:
        return iter(split.data)


class EmptyRDD(RDD):
    def _get_partitions(self) -> list[Partition]:
        return []

    def compute(self, split: Partition, task_context: TaskContext) -> Iterator[Any]:
        return iter(())


def expand_paths(path: str) -> list[str]:
    """Files named by a path, a directory, a glob or a comma-separated list of those."""
    files: list[str] = []
    for part in (p.strip() for p in path.split(",")):
        part = part.removeprefix("file://").removeprefix("file:")
        matches = sorted(glob.glob(part)) if glob.has_magic(part) else [part]
        if not matches:
            raise FileNotFoundError(f"Input path does not exist: {part}")
        for match in matches:
            if os.path.isdir(match):
                files.extend(sorted(
                    os.path.join(match, name) for name in os.listdir(match)
                    if not name.startswith((".", "_")) and os.path.isfile(os.path.join(match, name))))
            elif os.path.isfile(match):
                files.append(match)
            else:
                raise FileNotFoundError(f"Input path does not exist: {match}")
    return files


@dataclass(frozen=True, slots=True)
class FileSplit(Partition):
    path: str = ""
    start: int = 0
    end: int = 0


def plan_splits(files: Sequence[str], min_partitions: int, parallelism: int = 1) -> list[FileSplit]:
    """Byte-range splits: at least about ``min_partitions``, none over 32 MB; gzip whole.

    Hadoop's rule gives the count (the goal size ``total / min_partitions``, at most 32 MB).
    Ember then rounds that count up to a multiple of ``parallelism`` and makes the splits
    equal, so the last wave of tasks keeps every worker busy: Hadoop cuts 300 MB into nine
    splits, and two workers would spend the last ninth of the stage with one of them idle.
    """
    sizes = [os.path.getsize(f) for f in files]
    total = sum(sizes)
    goal = max(1, total // max(min_partitions, 1))
    split_size = max(1, min(goal, _MAX_SPLIT_BYTES))
    count = -(-total // split_size)
    if count > 1 and parallelism > 1:
        count = -(-count // parallelism) * parallelism
        split_size = max(1, -(-total // count))
    splits: list[FileSplit] = []
    for path, size in zip(files, sizes):
        if path.endswith(".gz") or size == 0:
            splits.append(FileSplit(len(splits), path, 0, size))
            continue
        start = 0
        while start < size:
            # Like Hadoop, let the last split of a file grow by up to 10% rather than leave a sliver.
            end = size if size - start <= split_size * 1.1 else start + split_size
            splits.append(FileSplit(len(splits), path, start, end))
            start = end
    return splits


def read_lines(split: FileSplit, use_unicode: bool = True) -> Iterator[str | bytes]:
    """The lines whose first byte lies in ``[split.start, split.end)``, without line ends.

    Lines are ``str`` (UTF-8), or the raw ``bytes`` when ``use_unicode`` is false. Blocks of
    whole lines are split in C and handed on through ``chain``, not a generator: resuming a
    generator per line would cost more than splitting the line.
    """
    if split.path.endswith(".gz"):
        return _read_gzip_lines(split.path, use_unicode)
    split_block = _decode_lines if use_unicode else _split_lines
    return itertools.chain.from_iterable(map(split_block, record_bytes(split.path, split.start, split.end)))


def _read_gzip_lines(path: str, use_unicode: bool) -> Iterator[str | bytes]:
    with gzip.open(path, "rb") as handle:
        for line in handle:
            line = line[:-1] if line.endswith(b"\n") else line
            line = line[:-1] if line.endswith(b"\r") else line
            yield line.decode("utf-8") if use_unicode else line


def record_bytes(path: str, start: int, end: int, chunk_size: int = _READ_CHUNK) -> Iterator[bytes]:
    """The bytes of the lines whose first byte lies in ``[start, end)``, in blocks of whole lines.

    The rule that makes byte-range splits exact: skip the partial line before ``start`` (unless
    ``start`` begins a line) and read on past ``end`` to finish the line that crosses it. Each
    block ends with ``\n``, except the file's last line when it has none.
    """
    with open(path, "rb") as handle:
        position = start
        if position > 0:
            handle.seek(position - 1)
            if handle.read(1) != b"\n":
                position += len(handle.readline())
        handle.seek(position)
        carry = b""
        while position < end:
            chunk = handle.read(min(chunk_size, end - position))
            if not chunk:
                break
            position += len(chunk)
            if position >= end and not chunk.endswith(b"\n"):
                chunk += handle.readline()  # finish the line that crosses the split end
            data = carry + chunk
            cut = data.rfind(b"\n") + 1
            carry = data[cut:]
            if cut:
                yield data[:cut]
        if carry:
            yield carry


def _split_lines(block: bytes) -> list[bytes]:
    """The lines of a block of whole lines (``record_bytes``), without their line ends."""
    lines = block.split(b"\n")
    if not lines[-1]:
        lines.pop()  # the block's final line end
    if b"\r" in block:
        lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
    return lines


def _decode_lines(block: bytes) -> list[str]:
    """``_split_lines`` for UTF-8 text."""
    text = block.decode("utf-8")
    lines = text.split("\n")
    if not lines[-1]:
        lines.pop()
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return lines


class TextFileRDD(RDD):
    def __init__(self, ctx: SparkContext, path: str, min_partitions: int, use_unicode: bool = True) -> None:
        super().__init__(ctx)
        self.path = path
        self.use_unicode = use_unicode
        self._splits = plan_splits(expand_paths(path), min_partitions, ctx.defaultParallelism)

    def _get_partitions(self) -> list[Partition]:
        return list(self._splits)

    def compute(self, split: FileSplit, task_context: TaskContext) -> Iterator[str | bytes]:
        return read_lines(split, self.use_unicode)


class WholeTextFilesRDD(RDD):
    """``(path, content)`` per file, files grouped into about ``min_partitions`` partitions."""

    def __init__(self, ctx: SparkContext, path: str, min_partitions: int) -> None:
        super().__init__(ctx)
        files = expand_paths(path)
        count = max(1, min(min_partitions, len(files)))
        self._groups = [files[i * len(files) // count:(i + 1) * len(files) // count] for i in range(count)]

    def _get_partitions(self) -> list[Partition]:
        return [DataPartition(i, group) for i, group in enumerate(self._groups)]

    def compute(self, split: DataPartition, task_context: TaskContext) -> Iterator[tuple[str, str]]:
        for path in split.data:
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rb") as handle:
                content = handle.read()
            yield "file:" + os.path.abspath(path), content.decode("utf-8")


class PickleFileRDD(RDD):
    """Reads the part files written by ``saveAsPickleFile``, one partition per file."""

    def __init__(self, ctx: SparkContext, path: str, min_partitions: int) -> None:
        super().__init__(ctx)
        self._files = [f for f in expand_paths(path) if os.path.basename(f).startswith("part-")]

    def _get_partitions(self) -> list[Partition]:
        return [DataPartition(i, path) for i, path in enumerate(self._files)]

    def compute(self, split: DataPartition, task_context: TaskContext) -> Iterator[Any]:
        with open(split.data, "rb") as handle:
            return iter(list(decode_batches(handle.read(), PickleSerializer())))

