"""Running a Python UDTF in a worker: one instance per partition, ``eval`` once per input row,
``terminate`` once at the end, each call's rows converted to one Arrow batch.

The rows a call yields (tuples, lists, dicts or ``Row``s; for a one-column schema, bare
values too) are converted as PySpark 4.3's Arrow-optimised UDTFs convert them, with its
errors: a result that is not iterable (``UDTF_RETURN_NOT_ITERABLE``), a row of the wrong
width (``UDTF_RETURN_SCHEMA_MISMATCH``), a value that does not fit its column
(``UDTF_ARROW_DATA_CONVERSION_ERROR``), a ``None`` in a non-nullable column
(``UDTF_EXEC_ERROR``). An exception raised by the class itself keeps its type, with a note
naming the UDTF and the method, as Ember's UDF errors do.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any, Callable, Iterator

import pyarrow as pa

from ember.errors import PySparkRuntimeError
from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.conversion import rows_to_table
from ember.sql.expressions.python_udf import annotate_udf_error, origin_of
from ember.sql.expressions.python_values import to_python
from ember.sql.row import Row

__all__ = ["run_udtf"]


def run_udtf(batches: Iterator[pa.RecordBatch], handler: type, name: str, args: list[E.Expression],
             kwarg_names: tuple[str, ...], return_type: T.StructType,
             out_schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """The UDTF's batches for one partition of its input rows."""
    if len(inspect.getfullargspec(handler).args) > 1:
        raise PySparkRuntimeError(
            "UDTF_CONSTRUCTOR_INVALID_NO_ANALYZE_METHOD", f"Failed to evaluate the user-defined table function "
            f"'{name}' because its constructor is invalid: the function does not implement the 'analyze' method, "
            "and its constructor has more than one argument (including the 'self' reference). Please update the "
            "table function so that its constructor accepts exactly one 'self' argument, and try the query again.")
    inputs = tuple(a.sql() for a in args)
    instance = _guarded(handler, f"{name}.__init__", inputs, handler)
    positional = len(args) - len(kwarg_names)
    checked = False
    for batch in batches:
        columns = [to_python(E.as_array(a.eval(batch), batch.num_rows), a.data_type) for a in args]
        for values in (zip(*columns) if columns else [()] * batch.num_rows):
            call_args, call_kwargs = values[:positional], dict(zip(kwarg_names, values[positional:]))
            if not checked:
                _check_signature(instance.eval, name, call_args, call_kwargs)
                checked = True
            yield from _call(instance.eval, f"{name}.eval", inputs, "eval", return_type, out_schema,
                             *call_args, **call_kwargs)
    if hasattr(instance, "terminate"):
        yield from _call(instance.terminate, f"{name}.terminate", inputs, "terminate", return_type, out_schema)


def _check_signature(method: Callable[..., Any], name: str, args: tuple, kwargs: dict[str, Any]) -> None:
    try:
        inspect.signature(method).bind(*args, **kwargs)
    except TypeError as error:
        raise PySparkRuntimeError(
            "UDTF_EVAL_METHOD_ARGUMENTS_DO_NOT_MATCH_SIGNATURE", f"Failed to evaluate the user-defined table "
            f"function '{name}' because the function arguments did not match the expected signature of the 'eval' "
            f"method ({error}). Please update the query so that this table function call provides arguments "
            "matching the expected signature, or else update the table function so that its 'eval' method accepts "
            "the provided arguments, and then try the query again.") from None


def _guarded(method: Callable[..., Any], what: str, inputs: tuple[str, ...], run: Callable[[], Any]) -> Any:
    try:
        return run()
    except Exception as error:
        annotate_udf_error(error, what, inputs, origin_of(getattr(method, "__func__", method)))
        raise


def _call(method: Callable[..., Any], what: str, inputs: tuple[str, ...], method_name: str,
          return_type: T.StructType, out_schema: pa.Schema, *args: Any, **kwargs: Any) -> Iterator[pa.RecordBatch]:
    """One call of ``eval`` or ``terminate``, its rows as (at most) one batch."""
    result = _guarded(method, what, inputs, lambda: method(*args, **kwargs))
    if result is None:
        return
    if not isinstance(result, Iterable):
        raise PySparkRuntimeError(
            "UDTF_RETURN_NOT_ITERABLE", f"The return value of the '{method_name}' method of the UDTF is invalid. It "
            f"should be an iterable (e.g., generator or list), but got '{type(result).__name__}'. Please make sure "
            "that the UDTF returns one of these types.")
    rows = _guarded(method, what, inputs, lambda: list(_rows(result, len(return_type.fields))))
    if rows:
        yield _to_batch(rows, method_name, return_type, out_schema)


def _rows(result: Iterable, width: int) -> Iterator[Any]:
    for row in result:
        yield (row,) if width == 1 and not isinstance(row, tuple) else row


def _to_batch(rows: list[Any], method_name: str, return_type: T.StructType, out_schema: pa.Schema) -> pa.RecordBatch:
    width = len(return_type.fields)
    for row in rows:
        if isinstance(row, (tuple, list)) and not isinstance(row, Row) and len(row) != width:
            raise PySparkRuntimeError(
                "UDTF_RETURN_SCHEMA_MISMATCH", f"The number of columns in the result does not match the specified "
                f"schema. Expected column count: {width}, Actual column count: {len(row)}. Please make sure the "
                f"values returned by the '{method_name}' method have the same number of columns as specified in the "
                "output schema.")
    try:
        if any(not isinstance(row, (tuple, list, dict)) and row is not None for row in rows):
            raise TypeError("a row must be a tuple, list, dict or Row")
        table = rows_to_table([(None,) * width if row is None else row for row in rows], return_type)
    except Exception as error:
        raise PySparkRuntimeError(
            "UDTF_ARROW_DATA_CONVERSION_ERROR", f"Cannot convert UDTF output to Arrow. Data: {rows}. Schema: "
            f"{return_type.simpleString()}. Arrow Schema: {to_arrow_type(return_type)}.") from error
    _check_nulls(table, return_type)
    return pa.RecordBatch.from_arrays([c.combine_chunks() for c in table.columns], schema=out_schema)


def _check_nulls(table: pa.Table, return_type: T.StructType) -> None:
    for index, (column, field) in enumerate(zip(table.columns, return_type.fields)):
        if not field.nullable and column.null_count:
            raise PySparkRuntimeError(
                "UDTF_EXEC_ERROR", f"User defined table function encountered an error in the 'eval' or 'terminate' "
                f"method: Column {index} within a returned row had a value of None, either directly or within "
                "array/struct/map subfields, but the corresponding column type was declared as non-nullable; please "
                "update the UDTF to return a non-None value at this location or otherwise declare the column type as "
                "nullable.")
