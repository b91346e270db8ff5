"""Parse modes: what a reader does with a malformed record.

A format module parses each record into a tuple of the *data* columns' values (all of them,
whatever the query selects: so whether a record is malformed, and so the DROPMALFORMED row
count, never depends on the projection; SPARK-28058) and reports whether every field parsed.
``RecordSink`` then applies the mode:

* PERMISSIVE keeps the record; bad fields are NULL and, if the schema has the corrupt-record
  column, it holds the raw text of the record;
* DROPMALFORMED drops the record;
* FAILFAST raises ``MALFORMED_RECORD_IN_PARSING`` naming the file, the line and the record.

The sink accumulates rows column-wise and emits Arrow record batches of the output columns.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pyarrow as pa

from ember.sql.errors import EmberSQLException

__all__ = ["RecordSink", "malformed_error"]

_BATCH_ROWS = 64 * 1024


def malformed_error(path: str, line: int, record: str) -> EmberSQLException:
    return EmberSQLException(
        "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
        f"Malformed records are detected in record parsing: file:{path}:{line}: {record!r}.\n"
        "Parse Mode: FAILFAST. To process malformed records as null result, try setting the option "
        "'mode' as 'PERMISSIVE'.",
        "22023",
    )


class RecordSink:
    """Collects parsed records under a parse mode and yields batches of ``schema``.

    ``schema`` is the Arrow schema of the columns to emit; ``positions[i]`` says which data
    value fills output column ``i`` (``-1`` marks the corrupt-record column). Line numbers are
    counted from the split's start; ``lines_before`` gives the lines before the split, and is
    called only to name the line of a FAILFAST error (it reads the file up to the split).
    """

    def __init__(self, schema: pa.Schema, positions: list[int], mode: str, path: str,
                 lines_before: Callable[[], int] = lambda: 0):
        self._schema = schema
        self._positions = positions
        self._mode = mode
        self._path = path
        self._lines_before = lines_before
        self._columns: list[list[Any]] = [[] for _ in positions]

    def add(self, values: tuple[Any, ...] | list[Any], ok: bool, line: int, raw: str) -> None:
        if not ok:
            if self._mode == "FAILFAST":
                raise malformed_error(self._path, line + self._lines_before(), raw)
            if self._mode == "DROPMALFORMED":
                return
        for column, position in zip(self._columns, self._positions):
            column.append((None if ok else raw) if position < 0 else values[position])

    def full(self) -> bool:
        return bool(self._columns) and len(self._columns[0]) >= _BATCH_ROWS

    def count(self) -> int:
        return len(self._columns[0]) if self._columns else 0

    def flush(self) -> Iterator[pa.RecordBatch]:
        if not self._columns or not self._columns[0]:
            return
        arrays = [pa.array(values, type=field.type) for values, field in zip(self._columns, self._schema)]
        self._columns = [[] for _ in self._positions]
        yield pa.RecordBatch.from_arrays(arrays, schema=self._schema)
