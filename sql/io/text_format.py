"""Text: one ``value`` string per line (or per file with ``wholetext``).

Files are UTF-8; a compressed file (``.gz``, ``.bz2``, ...) is decompressed and a byte-order
mark at the start is dropped, as Spark's line reader does.
"""

from __future__ import annotations

from typing import Iterator

import pyarrow as pa

from ember.sql import types as T
from ember.sql.io.files import InputFile
from ember.sql.io.options import Options
from ember.sql.io.splits import read_whole

__all__ = ["infer_schema", "read_file"]

_BATCH_ROWS = 64 * 1024


def infer_schema(files: list[InputFile], options: Options) -> T.StructType:
    return T.StructType([T.StructField("value", T.StringType(), True)])


def read_file(file: InputFile, data_schema: T.StructType, out_schema: pa.Schema, positions: list[int],
              options: Options) -> Iterator[pa.RecordBatch]:
    text = read_whole(file.path).decode("utf-8")
    if options.flag("wholetext"):
        lines = [text]
    else:
        sep = options.get("lineSep")
        lines = text.split(sep) if sep else text.splitlines()
        if sep and lines and lines[-1] == "":
            lines.pop()
    for start in range(0, len(lines), _BATCH_ROWS):
        chunk = pa.array(lines[start:start + _BATCH_ROWS], pa.string())
        yield pa.RecordBatch.from_arrays([chunk] * len(positions), schema=out_schema)
