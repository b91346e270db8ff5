"""Hash aggregation of one partition with ``pa.Table.group_by``.

Input batches are ``[keys..., inputs...]``. Each aggregation step gets its own uniquely named
column (``s0``, ``s1``, …, zero-copy views of the inputs), so Arrow's ``<column>_<function>``
output names never collide even when two functions read the same input.
"""

from __future__ import annotations

from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import expressions as E
from ember.sql.physical.batches import to_table

__all__ = ["aggregate_partition"]


def _flatten_key(name: str, column: pa.ChunkedArray, columns: dict[str, pa.ChunkedArray]) -> list[str]:
    """Arrow cannot hash struct keys: a struct key groups by its validity and its fields instead."""
    if not pa.types.is_struct(column.type):
        columns[name] = column
        return [name]
    array = column.combine_chunks()
    columns[f"{name}.valid"] = pa.chunked_array([array.is_valid()])
    names = [f"{name}.valid"]
    for i in range(array.type.num_fields):
        names += _flatten_key(f"{name}.{i}", pa.chunked_array([array.field(i)]), columns)
    return names


def _rebuild_key(name: str, dtype: pa.DataType, result: pa.Table) -> pa.Array:
    if not pa.types.is_struct(dtype):
        return result.column(name).combine_chunks()
    fields = [_rebuild_key(f"{name}.{i}", dtype.field(i).type, result) for i in range(dtype.num_fields)]
    valid = result.column(f"{name}.valid").combine_chunks()
    return pa.StructArray.from_arrays(fields, fields=list(dtype), mask=pc.invert(valid))


def _group(table: pa.Table, num_keys: int, specs: list[tuple[int | None, str, object]],
           use_threads: bool) -> list[pa.Array]:
    """Group ``table`` by its first ``num_keys`` columns; return key columns then one per spec."""
    keys = [f"k{i}" for i in range(num_keys)]
    columns: dict[str, pa.ChunkedArray] = {}
    group_keys = [n for i, k in enumerate(keys) for n in _flatten_key(k, table.column(i), columns)]
    aggregations = []
    for j, (source, func, options) in enumerate(specs):
        if source is None:
            aggregations.append(([], func, options) if options is not None else ([], func))
            continue
        name = f"s{j}"
        columns[name] = table.column(source)
        aggregations.append((name, func, options) if options is not None else (name, func))
    work = pa.table(columns) if columns else pa.table({"_": pa.nulls(table.num_rows)})
    out_names = keys + [
        (f"s{j}_{func}" if source is not None else func) for j, (source, func, _) in enumerate(specs)
    ]
    if not keys and table.num_rows:
        # One constant key: Acero's hash kernels cover more functions (collect_list's "list")
        # than its scalar ones.
        work = work.append_column("__all", pa.repeat(pa.scalar(0, pa.int8()), table.num_rows))
        result = work.group_by(["__all"], use_threads=use_threads).aggregate(aggregations)
    elif not keys and any(func == "list" for _, func, _ in specs):
        # A global aggregate of no rows is one row; Acero has no scalar "list": it is empty.
        scalar = [(a, spec) for a, spec in zip(aggregations, specs) if spec[1] != "list"]
        result = work.group_by([], use_threads=use_threads).aggregate([a for a, _ in scalar]) if scalar else None
        return [pa.array([[]], pa.list_(work.column(f"s{j}").type)) if func == "list"
                else result.column(name).combine_chunks()
                for j, ((_, func, _), name) in enumerate(zip(specs, out_names))]
    else:
        result = work.group_by(group_keys, use_threads=use_threads).aggregate(aggregations)
    return ([_rebuild_key(k, table.column(i).type, result) for i, k in enumerate(keys)]
            + [result.column(n).combine_chunks() for n in out_names[num_keys:]])


def aggregate_partition(batches: Iterator[pa.RecordBatch], input_schema: pa.Schema, num_keys: int,
                        functions: list[E.AggregateFunction], mode: str,
                        output_schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    table = to_table(batches, input_schema)
    if num_keys and table.num_rows == 0:
        return
    use_threads = not any(f.ordered for f in functions)
    specs: list[tuple[int | None, str, object]] = []
    if mode == "final":
        position = num_keys
        for fn in functions:
            for func, options in fn.merge():
                specs.append((position, func, options))
                position += 1
    else:
        for i, fn in enumerate(functions):
            source = None if isinstance(fn, E.Count) and fn.child is None else num_keys + i
            for func, options in (fn.partial() if mode == "partial" else [fn.complete()]):
                specs.append((source, func, options))
    arrays = _group(table, num_keys, specs, use_threads)
    keys, states = arrays[:num_keys], arrays[num_keys:]
    results: list[pa.Array] = []
    if mode == "partial":
        results = states
    else:
        offset = 0
        for fn in functions:
            width = len(fn.merge()) if mode == "final" else 1
            chunk = states[offset: offset + width]
            results.append(fn.finish(chunk) if mode == "final" else fn.finish_complete(chunk[0]))
            offset += width
    columns = [a if a.type == f.type else a.cast(f.type) for a, f in zip(keys + results, output_schema)]
    yield pa.RecordBatch.from_arrays(columns, schema=output_schema)
