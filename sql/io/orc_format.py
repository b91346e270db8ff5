"""ORC through ``pyarrow.orc``: schemas from file footers, one split per file, named columns read.

Schema: without ``mergeSchema`` the first file gives the columns; with it, the columns of all
files are united; a column whose type differs between two files is ``CANNOT_MERGE_SCHEMAS``,
as for Parquet. A task reads one file's needed columns (stripes are not split); a column a
file lacks reads as NULL. ORC's timestamps come back in nanoseconds and are cast to Ember's
microseconds. ORC keeps no mark of ``TIMESTAMP_NTZ``, so such a column reads back as ``TIMESTAMP``.
"""

from __future__ import annotations

from typing import Iterator

import pyarrow as pa
import pyarrow.orc as orc

from ember.sql import types as T
from ember.sql.arrow_types import from_arrow_type
from ember.sql.io.files import InputFile
from ember.sql.io.options import Options
from ember.sql.io.parquet_format import merge_conflict_error

__all__ = ["infer_schema", "read_file"]


def infer_schema(files: list[InputFile], options: Options) -> T.StructType:
    merge = options.flag("mergeSchema")
    fields: dict[str, tuple[T.DataType, str]] = {}
    order: list[str] = []
    for i, f in enumerate(files):
        if i > 0 and not merge:
            break
        for field in orc.ORCFile(f.path).schema:
            dt = from_arrow_type(field.type)
            key = field.name.lower()
            if key not in fields:
                fields[key] = (dt, f.path)
                order.append(field.name)
            elif fields[key][0] != dt:
                raise merge_conflict_error(field.name, fields[key][1], fields[key][0], f.path, dt)
    return T.StructType([T.StructField(n, fields[n.lower()][0], True) for n in order])


def read_file(file: InputFile, data_schema: T.StructType, out_schema: pa.Schema, positions: list[int],
              options: Options) -> Iterator[pa.RecordBatch]:
    reader = orc.ORCFile(file.path)
    by_lower = {name.lower(): name for name in reader.schema.names}
    wanted = [data_schema.fields[p].name for p in positions]
    present = sorted({by_lower[n.lower()] for n in wanted if n.lower() in by_lower})
    for stripe in range(reader.nstripes):
        batch = reader.read_stripe(stripe, columns=present) if present else None
        rows = batch.num_rows if batch is not None else reader.read_stripe(stripe).num_rows
        arrays = []
        for name, field in zip(wanted, out_schema):
            actual = by_lower.get(name.lower())
            arrays.append(pa.nulls(rows, field.type) if actual is None
                          else batch.column(batch.schema.get_field_index(actual)).cast(field.type))
        yield pa.RecordBatch.from_arrays(arrays, schema=out_schema)
