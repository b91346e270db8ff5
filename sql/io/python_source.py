"""Reading a Python data source (``ember.sql.datasource``) as a scan.

The driver builds the source and its reader and asks for the partitions
(``resolve_python_source``); the scan's splits are those partitions, and each task calls the
reader's ``read(partition)`` (``read_partition``), checking what comes back as PySpark's
worker does: tuples, lists and Rows of the schema's width, or Arrow record batches of exactly
the schema. Rows are batched into Arrow record batches of at most ``_BATCH_ROWS`` rows.
"""

from __future__ import annotations

from itertools import islice
from typing import Any, Iterator

import pyarrow as pa

from ember.errors import PySparkRuntimeError
from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_schema
from ember.sql.io.options import Options
from ember.sql.row import Row, has_field_names

__all__ = ["resolve_python_source", "read_partition"]

_BATCH_ROWS = 10_000


def _type_mismatch(expected: str, actual: str) -> PySparkRuntimeError:
    return PySparkRuntimeError("DATA_SOURCE_TYPE_MISMATCH", f"Expected {expected}, but got {actual}.")


def _schema_mismatch(expected: Any, actual: Any) -> PySparkRuntimeError:
    return PySparkRuntimeError("DATA_SOURCE_RETURN_SCHEMA_MISMATCH", f"Return schema mismatch in the result from "
                               f"'read' method. Expected: {expected} columns, Found: {actual} columns. Make sure "
                               "the returned values match the required output schema.")


def resolve_python_source(source_class: type, schema: T.StructType | None, options: dict[str, str]) -> Any:
    """The ``FileSource`` of a Python data source read: its schema, reader and partitions, fixed now."""
    from ember.sql.datasource import CaseInsensitiveDict, DataSourceReader, InputPartition
    from ember.sql.io.source import FileSource

    source = source_class(CaseInsensitiveDict(options))
    if schema is None:
        declared = source.schema()
        if isinstance(declared, str):
            declared = T.parse_datatype_string(declared)
        if not isinstance(declared, T.StructType):
            raise _type_mismatch("a schema of type 'StructType' or a DDL string", f"'{type(declared).__name__}'")
        schema = declared
    schema = T.supported_type(schema)
    reader = source.reader(schema)
    if not isinstance(reader, DataSourceReader):
        raise _type_mismatch("an instance of DataSourceReader", f"'{type(reader).__name__}'")
    try:
        partitions = reader.partitions()
    except NotImplementedError:
        partitions = [InputPartition(None)]
    if not isinstance(partitions, list):
        raise _type_mismatch("'partitions' to return a list", f"'{type(partitions).__name__}'")
    if not all(isinstance(p, InputPartition) for p in partitions):
        raise _type_mismatch("elements in 'partitions' to be of type 'InputPartition'",
                             ", ".join(f"'{type(p).__name__}'" for p in partitions))
    return FileSource(source_class.name(), (), (), schema, T.StructType(), Options.of(options),
                      python_reader=reader, python_partitions=tuple(partitions or [InputPartition(None)]))


def _values(row: Any, names: list[str], name: str) -> list[Any]:
    if not isinstance(row, (list, tuple)):
        raise PySparkRuntimeError("DATA_SOURCE_INVALID_RETURN_TYPE", f"Unsupported return type ('{type(row).__name__}') "
                                  f"from Python data source '{name}'. Expected types: tuple, list, "
                                  "`pyspark.sql.types.Row`, `pyarrow.RecordBatch`.")
    if len(row) != len(names):
        raise _schema_mismatch(len(names), len(row))
    if isinstance(row, Row) and has_field_names(row):
        if set(row.__fields__) != set(names):
            raise _schema_mismatch(names, list(row.__fields__))
        return [row[n] for n in names]
    return list(row)


def read_partition(source: Any, partition: Any, columns: list[str], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """The ``columns`` of one partition's rows, typed as ``schema``."""
    from ember.sql.conversion import rows_to_table

    full = source.data_schema
    names = full.names
    full_arrow = to_arrow_schema(full)
    rows = iter(source.python_reader.read(partition))
    first = next(rows, None)
    if first is None:
        return
    if isinstance(first, pa.RecordBatch):
        for batch in (first, *rows):
            if batch.num_columns != len(names):
                raise _schema_mismatch(len(names), batch.num_columns)
            if batch.schema.names != names or not batch.schema.equals(full_arrow):
                raise _schema_mismatch(full_arrow, batch.schema)
            yield pa.RecordBatch.from_arrays([batch.column(c) for c in columns], schema=schema)
        return
    rows = iter([first, *islice(rows, _BATCH_ROWS - 1)]), rows
    head, rest = rows
    chunk = list(head)
    while chunk:
        table = rows_to_table([_values(r, names, source.format) for r in chunk], full)
        for batch in table.select(columns).to_batches():
            yield pa.RecordBatch.from_arrays(batch.columns, schema=schema)
        chunk = list(islice(rest, _BATCH_ROWS))
