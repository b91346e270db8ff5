"""``input_file_name()``, ``input_file_block_start()`` and ``input_file_block_length()``: the file
and byte range the row was read from, as Spark's ``InputFileBlockHolder`` gives them.

A file scan (``sql/physical/execution.py``) sets the block of the split it reads while its
batches flow through the operators fused after it, in the same thread; anywhere else (no file
scan below, or after a shuffle) the functions give ``''`` and ``-1``, as Spark does.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyarrow as pa

from ember.sql import types as T
from ember.sql.expressions.base import ArrowValue, Expression

__all__ = ["InputFileInfo", "reading_block"]

_NO_BLOCK = ("", -1, -1)
_current = threading.local()


def file_uri(path: str) -> str:
    """The path as Spark names it: a URI (``file:///...`` for a local file)."""
    return path if "://" in path else Path(path).absolute().as_uri()


@contextmanager
def reading_block(path: str | None, start: int, length: int) -> Iterator[None]:
    """Within the block, rows come from ``length`` bytes of ``path`` from ``start`` (no path: from no file)."""
    previous = getattr(_current, "block", _NO_BLOCK)
    _current.block = (file_uri(path), start, length) if path else _NO_BLOCK
    try:
        yield
    finally:
        _current.block = previous


@dataclass(frozen=True, slots=True)
class InputFileInfo(Expression):
    """One fact of the current input block: ``name`` (a string), ``start`` or ``length`` (longs)."""

    what: str = "name"

    @property
    def data_type(self) -> T.DataType:
        return T.StringType() if self.what == "name" else T.LongType()

    @property
    def nullable(self) -> bool:
        return False

    @property
    def foldable(self) -> bool:
        return False

    @property
    def deterministic(self) -> bool:
        return False

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        name, start, length = getattr(_current, "block", _NO_BLOCK)
        if self.what == "name":
            return pa.scalar(name, pa.string())
        return pa.scalar(start if self.what == "start" else length, pa.int64())

    def _fmt(self, args: list[str]) -> str:
        return "input_file_name()" if self.what == "name" else f"input_file_block_{self.what}()"
