"""What a grouped or cogrouped map function is handed, and how what it hands back becomes
batches of the declared schema — for ``applyInPandas`` and ``applyInArrow`` alike.

A function is called per group with the group's rows, named by their columns:

| kind | plain form | iterator form (from type hints) |
|---|---|---|
| pandas | a ``pandas.DataFrame`` -> a ``pandas.DataFrame`` | ``Iterator[pd.DataFrame]`` -> same |
| arrow | a ``pyarrow.Table`` -> a ``pyarrow.Table`` | ``Iterator[pa.RecordBatch]`` -> same |

pandas results are converted as ``pandas_ops.frame_to_batch`` converts them. Arrow results
are checked as PySpark 4.3's worker checks them: columns matched by name (missing or
unexpected names are an error), each column's type exactly the declared one (no casts), and
a result with no columns and no rows stands for no rows.
"""

from __future__ import annotations

from typing import Any, Iterator

import pyarrow as pa

from ember.errors import PySparkRuntimeError, PySparkTypeError
from ember.sql import types as T
from ember.sql.pandas_ops import frame_to_batch

__all__ = ["group_input", "result_batches"]


def group_input(rows: pa.Table, kind: str, iterator: bool) -> Any:
    """The data argument for one group (``rows`` already named as the user sees them)."""
    if kind == "arrow":
        return iter(rows.to_batches()) if iterator else rows
    if iterator:
        return (batch.to_pandas() for batch in rows.to_batches())
    return rows.to_pandas()


def result_batches(result: Any, kind: str, iterator: bool, out_type: T.StructType,
                   out_schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """``result`` (one call's return value) as record batches of ``out_schema``."""
    import pandas as pd

    element = pd.DataFrame if kind == "pandas" else (pa.RecordBatch if iterator else pa.Table)
    label = f"{element.__module__.split('.', 1)[0]}.{element.__name__}"
    if not iterator:
        yield from _converted(_expect(result, element, label), kind, out_type, out_schema)
        return
    if not isinstance(result, Iterator):
        raise _return_type_error(f"iterator of {label}", type(result).__name__)
    for item in result:
        if not isinstance(item, element):
            raise _return_type_error(f"iterator of {label}", f"iterator of {type(item).__name__}")
        yield from _converted(item, kind, out_type, out_schema)


def _expect(result: Any, element: type, label: str) -> Any:
    if not isinstance(result, element):
        raise _return_type_error(label, type(result).__name__)
    return result


def _return_type_error(expected: str, actual: str) -> PySparkTypeError:
    return PySparkTypeError("UDF_RETURN_TYPE", f"Return type of the user-defined function should be {expected}, "
                            f"but is {actual}.")


def _converted(result: Any, kind: str, out_type: T.StructType, out_schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    if kind == "pandas":
        yield frame_to_batch(result, out_type, out_schema)
        return
    if result.num_columns == 0 and result.num_rows == 0:
        return
    columns = _arrow_columns(result, out_type, out_schema)
    if isinstance(result, pa.RecordBatch):
        yield pa.RecordBatch.from_arrays(columns, schema=out_schema)
        return
    yield from pa.Table.from_arrays(columns, schema=out_schema).to_batches()


def _arrow_columns(result: pa.Table | pa.RecordBatch, out_type: T.StructType, out_schema: pa.Schema) -> list[Any]:
    """``result``'s columns in the schema's order, refused unless the names and types are the schema's."""
    names, wanted = list(result.schema.names), list(out_type.names)
    missing, extra = sorted(set(wanted) - set(names)), sorted(set(names) - set(wanted))
    if missing or extra:
        raise PySparkRuntimeError(
            "RESULT_COLUMN_NAMES_MISMATCH", "Column names of the returned data do not match specified schema."
            + (f" Missing: {', '.join(missing)}." if missing else "")
            + (f" Unexpected: {', '.join(extra)}." if extra else ""))
    columns = [result.column(name) for name in wanted]
    mismatched = [f"column '{name}' (expected {field.type}, actual {column.type})"
                  for name, field, column in zip(wanted, out_schema, columns) if column.type != field.type]
    if mismatched:
        raise PySparkRuntimeError("RESULT_COLUMN_TYPES_MISMATCH", f"Column types of the returned data do not match "
                                  f"specified schema. Mismatch: {', '.join(mismatched)}.")
    return columns
