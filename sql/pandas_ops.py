"""Arrow ↔ pandas conversions for pandas UDFs, ``mapInPandas`` and ``applyInPandas``.

What a pandas function sees is what PySpark gives it: a column as a ``pandas.Series`` (an int
column with NULLs as float64 with NaN), a struct column as a ``pandas.DataFrame``, a batch of
rows as a ``pandas.DataFrame`` named by the columns. What it returns is converted to the
declared type with Arrow (``from_pandas``, then a safe cast); the returned DataFrame's columns
are matched by name when it carries the schema's names, else by position, as PySpark's
``assignColumnsByName`` does.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ember.errors import PySparkRuntimeError
from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import EmberTypeError, EmberValueError

__all__ = ["to_pandas", "from_pandas", "frame_to_batch", "check_rows"]


def to_pandas(array: pa.Array) -> Any:
    """A column as a pandas UDF receives it (a struct column as a DataFrame)."""
    import pandas as pd

    if pa.types.is_struct(array.type):
        return pd.DataFrame({array.type.field(i).name: array.field(i).to_pandas()
                             for i in range(array.type.num_fields)})
    return array.to_pandas()


def check_rows(output_length: int, input_length: int) -> None:
    if output_length != input_length:
        raise EmberValueError(
            "RESULT_ROWS_MISMATCH",
            f"The number of output rows ({output_length}) must match the number of input rows ({input_length}).")


def from_pandas(result: Any, dtype: T.DataType) -> pa.Array:
    """A pandas UDF's Series (or DataFrame, for a struct type) as an Arrow array of ``dtype``."""
    import pandas as pd

    if isinstance(dtype, T.StructType):
        if not isinstance(result, pd.DataFrame):
            raise EmberTypeError(
                "UDF_RETURN_TYPE",
                f"Return type of the user-defined function should be pandas.DataFrame, but is "
                f"{type(result).__name__}.")
        return pa.StructArray.from_arrays(
            [_series_to_arrow(c, f.dataType) for c, f in zip(_columns(result, dtype), dtype.fields)],
            fields=[pa.field(f.name, to_arrow_type(f.dataType)) for f in dtype.fields])
    if not isinstance(result, (pd.Series, list, tuple)) and not hasattr(result, "__array__"):
        raise EmberTypeError(
            "UDF_RETURN_TYPE",
            f"Return type of the user-defined function should be pandas.Series, but is {type(result).__name__}.")
    return _series_to_arrow(result, dtype)


def _series_to_arrow(series: Any, dtype: T.DataType) -> pa.Array:
    arrow_type = to_arrow_type(dtype)
    try:
        return pa.Array.from_pandas(series, type=arrow_type, safe=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        try:
            return pc.cast(pa.Array.from_pandas(series), arrow_type, safe=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as e:
            raise EmberTypeError(
                "UDF_ARROW_TYPE_CONVERSION",
                f"The pandas result cannot be converted to {dtype.simpleString()}: {e}") from None


def _columns(frame: Any, schema: T.StructType) -> list[Any]:
    """The returned frame's columns for ``schema``'s fields: by name when it has them all
    (string labels), else by position."""
    labels = list(frame.columns)
    if all(isinstance(c, str) for c in labels):
        missing = sorted(set(schema.names) - set(labels))
        extra = sorted(set(labels) - set(schema.names))
        if missing or extra:
            raise PySparkRuntimeError(
                "RESULT_COLUMN_NAMES_MISMATCH",
                "Column names of the returned data do not match specified schema."
                + (f" Missing: {', '.join(missing)}." if missing else "")
                + (f" Unexpected: {', '.join(extra)}." if extra else ""))
        return [frame[n] for n in schema.names]
    if len(labels) != len(schema.fields):
        raise PySparkRuntimeError(
            "RESULT_COLUMN_SCHEMA_MISMATCH",
            f"Number of columns of the returned data doesn't match specified schema. "
            f"Expected: {len(schema.fields)} Actual: {len(labels)}")
    return [frame.iloc[:, i] for i in range(len(labels))]


def frame_to_batch(frame: Any, schema: T.StructType, arrow_schema: pa.Schema) -> pa.RecordBatch:
    """A returned ``pandas.DataFrame`` as a record batch of ``schema`` (named by ``arrow_schema``)."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise EmberTypeError(
            "UDF_RETURN_TYPE",
            f"Return type of the user-defined function should be pandas.DataFrame, but is {type(frame).__name__}.")
    if not schema.fields:
        return pa.RecordBatch.from_arrays([], schema=arrow_schema)
    arrays = [_series_to_arrow(c, f.dataType) for c, f in zip(_columns(frame, schema), schema.fields)]
    return pa.RecordBatch.from_arrays(arrays, schema=arrow_schema)
