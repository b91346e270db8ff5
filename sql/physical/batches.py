"""Helpers shared by the operators: batch schemas, binding, evaluation into columns."""

from __future__ import annotations

from typing import Iterable, Iterator

import pyarrow as pa

from ember.sql import expressions as E
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException

__all__ = ["column_name", "arrow_schema", "bind", "evaluate", "to_table", "empty_batch", "compact"]


def column_name(attr: E.AttributeReference) -> str:
    """Batches name columns ``name#id`` so that equal names from two join sides stay apart."""
    return f"{attr.name}#{attr.expr_id}"


def arrow_schema(attrs: list[E.AttributeReference]) -> pa.Schema:
    return pa.schema([pa.field(column_name(a), to_arrow_type(a.data_type)) for a in attrs])


def bind(expr: E.Expression, attrs: list[E.AttributeReference]) -> E.Expression:
    """Replace attributes by ``BoundReference``s to their position in ``attrs``."""
    positions = {a.expr_id: i for i, a in enumerate(attrs)}

    def replace(e: E.Expression) -> E.Expression:
        if isinstance(e, E.AttributeReference):
            if e.expr_id not in positions:
                raise AnalysisException(
                    "INTERNAL_ERROR", f"Couldn't find {e} in [{', '.join(str(a) for a in attrs)}]"
                )
            return E.BoundReference(positions[e.expr_id], e.data_type, e.nullable, e.name, e.expr_id)
        return e

    return expr.transform_up(replace)


def evaluate(exprs: list[E.Expression], batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """A batch of ``exprs`` evaluated over ``batch``, typed as ``schema``."""
    columns = []
    for expr, field in zip(exprs, schema):
        value = E.as_array(expr.eval(batch), batch.num_rows)
        if value.type != field.type:
            value = value.cast(field.type)
        columns.append(value)
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def to_table(batches: Iterable[pa.RecordBatch], schema: pa.Schema) -> pa.Table:
    """All batches of a partition as one table (empty and typed when there are none)."""
    return pa.Table.from_batches([b for b in batches if b.num_rows], schema=schema)


def compact(batch: pa.RecordBatch) -> pa.RecordBatch:
    """A copy holding only ``batch``'s own rows. A slice shares its parent's buffers, and
    pickling it (to send it to a task, a shuffle file or the driver) writes them whole."""
    return pa.concat_batches([batch])


class ArrowIPC:
    """A record batch that pickles as an Arrow IPC stream and unpickles as the batch itself.

    Exchanges hand these to the shuffle, whose record serializer pickles each (partition,
    batch) pair and lz4-compresses the frames: the batch then crosses as Arrow IPC, which
    writes only the rows the batch owns and reads back about twice as fast as a pickled
    batch, and the shuffle itself never needs to know about Arrow.
    """

    __slots__ = ("batch",)

    def __init__(self, batch: pa.RecordBatch) -> None:
        self.batch = batch

    def __reduce__(self):
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, self.batch.schema) as writer:
            writer.write_batch(self.batch)
        return (read_ipc_batch, (sink.getvalue().to_pybytes(),))


def read_ipc_batch(data: bytes) -> pa.RecordBatch:
    """The record batch of a one-batch Arrow IPC stream."""
    return pa.ipc.open_stream(pa.py_buffer(data)).read_next_batch()


def empty_batch(schema: pa.Schema) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([pa.array([], f.type) for f in schema], schema=schema)


def table_batches(table: pa.Table) -> Iterator[pa.RecordBatch]:
    yield from table.to_batches()
