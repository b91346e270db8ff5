"""Python UDF calls in the expression tree: evaluated in the worker, one Arrow batch at a time.

A ``PythonUDF`` holds the user's function itself; the stage binary pickles it (cloudpickle)
once per task set, like any other closure, so a worker unpickles it once per task and calls
it over whole batches: the batch's argument columns become Python lists (or pandas Series),
the function runs over them with ``map`` (or once per batch), and the results are built into
one Arrow array of the declared type. No value crosses a process boundary on its own.

How each kind runs (``eval_type``, PySpark's numbers):

- ``SQL_BATCHED_UDF`` (``udf``): one call per row; results converted by PySpark's pickled-UDF
  rules (``python_values.from_python``).
- ``SQL_ARROW_BATCHED_UDF`` (``udf(useArrow=True)``): one call per row; results converted by
  PySpark's Arrow rules (``python_values.from_python_arrow``).
- ``SQL_SCALAR_PANDAS_UDF``: one call per batch with pandas Series; ``SQL_SCALAR_PANDAS_ITER_UDF``:
  the function gets an iterator over the batch's Series and yields Series.
- ``SQL_GROUPED_AGG_PANDAS_UDF`` (``PandasAggUDF``): an aggregate; each group's rows as Series,
  one call per group.

An exception from the user's function leaves with its own type and a note naming the UDF and
the columns it read, so the driver re-raises what the user wrote (see ``ember.errors``).
"""

from __future__ import annotations

import dataclasses
import itertools
import pickle
from dataclasses import dataclass, field
from typing import Any, Callable

import pyarrow as pa

from ember.sql import types as T
from ember.sql.expressions.aggregates import AggregateFunction, AggSpec
from ember.sql.arrow_types import to_arrow_type
from ember.sql.expressions.base import ArrowValue, Expression, as_array
from ember.sql.expressions.function_call import ANY, FunctionCall, FunctionSpec, register
from ember.sql.expressions.python_values import from_python, from_python_arrow, to_python

__all__ = ["PythonEvalType", "PythonUDF", "PandasAggUDF", "annotate_udf_error", "origin_of", "new_call_id"]


class PythonEvalType:
    """PySpark's codes for how a Python function is evaluated (``udf.evalType``)."""

    SQL_BATCHED_UDF = 100
    SQL_ARROW_BATCHED_UDF = 101
    SQL_SCALAR_PANDAS_UDF = 200
    SQL_GROUPED_MAP_PANDAS_UDF = 201
    SQL_GROUPED_AGG_PANDAS_UDF = 202
    SQL_SCALAR_PANDAS_ITER_UDF = 204
    SQL_MAP_PANDAS_ITER_UDF = 205
    SQL_COGROUPED_MAP_PANDAS_UDF = 206
    SQL_MAP_ARROW_ITER_UDF = 207


_SCALAR_TYPES = (PythonEvalType.SQL_BATCHED_UDF, PythonEvalType.SQL_ARROW_BATCHED_UDF,
                 PythonEvalType.SQL_SCALAR_PANDAS_UDF, PythonEvalType.SQL_SCALAR_PANDAS_ITER_UDF)
_CALL_IDS = itertools.count(1)


def new_call_id() -> int:
    """A fresh id that keeps two calls of one nondeterministic UDF apart (Spark's ``resultId``)."""
    return next(_CALL_IDS)


def annotate_udf_error(error: BaseException, name: str, inputs: tuple[str, ...], origin: str) -> None:
    """Add the note naming the UDF call (``f(x)``), where ``f`` is defined and what it read.

    The worker's traceback shows the user's line, but not always the file: functions defined
    in ``__main__`` travel by value and lose their file name on the way.
    """
    where = f", defined at {origin}," if origin else ""
    read = ", ".join(inputs) if inputs else "no columns"
    error.add_note(f"Raised in the Python UDF {name}({', '.join(inputs)}){where} which read {read}.")


def origin_of(func: Callable[..., Any]) -> str:
    """``file:line`` where ``func`` is defined, or empty for callables without code."""
    code = getattr(func, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code is not None else ""


@dataclass(frozen=True, slots=True)
class PythonUDF(Expression):
    """``name(args...)`` computed by the Python function ``func`` (see the module docstring)."""

    name: str
    func: Callable[..., Any] = field(repr=False)
    return_type: T.DataType
    eval_type: int
    args: tuple[Expression, ...]
    udf_deterministic: bool = True
    call_id: int = 0  # non-zero for a nondeterministic UDF: each call is a different expression
    arg_names: tuple[str, ...] = field(default=(), compare=False)  # the inputs' SQL text, for errors
    origin: str = field(default="", compare=False)

    child_fields = ("args",)

    def __post_init__(self) -> None:
        if self.eval_type not in _SCALAR_TYPES:
            raise ValueError(f"PythonUDF cannot evaluate eval type {self.eval_type}")

    @property
    def data_type(self) -> T.DataType:
        return self.return_type

    @property
    def nullable(self) -> bool:
        return True

    @property
    def foldable(self) -> bool:
        return False

    @property
    def deterministic(self) -> bool:
        return self.udf_deterministic and all(a.deterministic for a in self.args)

    def coerce(self) -> Expression:
        # Analysis is the last time the inputs have names; bound, they are ordinals.
        return dataclasses.replace(self, arg_names=tuple(a.sql() for a in self.args))

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        arrays = [as_array(a.eval(batch), batch.num_rows) for a in self.args]
        try:
            return self._run(arrays, batch.num_rows)
        except Exception as error:
            annotate_udf_error(error, self.name, self.arg_names, self.origin)
            raise

    def _run(self, arrays: list[pa.Array], num_rows: int) -> pa.Array:
        if self.eval_type in (PythonEvalType.SQL_BATCHED_UDF, PythonEvalType.SQL_ARROW_BATCHED_UDF):
            if arrays:
                columns = [to_python(a, e.data_type) for a, e in zip(arrays, self.args)]
                results = list(map(self.func, *columns))
            else:
                results = [self.func() for _ in range(num_rows)]
            if self.eval_type == PythonEvalType.SQL_BATCHED_UDF:
                return from_python(results, self.return_type)
            return from_python_arrow(results, self.return_type)
        from ember.sql.pandas_ops import check_rows, from_pandas, to_pandas

        series = [to_pandas(a) for a in arrays]
        if self.eval_type == PythonEvalType.SQL_SCALAR_PANDAS_UDF:
            out = from_pandas(self.func(*series), self.return_type)
        else:
            inputs = iter([series[0] if len(series) == 1 else tuple(series)])
            pieces = [from_pandas(r, self.return_type) for r in self.func(inputs)]
            out = pa.concat_arrays(pieces) if pieces else pa.array([], from_pandas([], self.return_type).type)
        check_rows(len(out), num_rows)
        return out

    def _fmt(self, args: list[str]) -> str:
        return f"{self.name}({', '.join(args)})"


register(FunctionSpec("udf_args", (ANY,), T.BinaryType(), null_safe=True, nullable=False, variadic=True,
                      row=lambda *values: pickle.dumps(values)))


@dataclass(frozen=True, slots=True)
class PandasAggUDF(AggregateFunction):
    """A grouped-aggregate pandas UDF: each group's inputs as pandas Series, one scalar out.

    One Arrow ``list`` hash kernel gathers every group's rows of ``child``: the one argument
    itself, or for several a pickled tuple per row (Arrow has no ``list`` kernel for structs),
    rebuilt into typed columns per group. ``finish_complete`` calls the function per group.
    """

    name: str = ""
    func: Callable[..., Any] = field(default=None, repr=False)  # type: ignore[assignment]
    return_type: T.DataType = None  # type: ignore[assignment]
    arg_names: tuple[str, ...] = field(default=(), compare=False)
    origin: str = field(default="", compare=False)

    ordered = True  # rows reach the function in input order

    @staticmethod
    def make(name: str, func: Callable[..., Any], return_type: T.DataType,
             args: tuple[Expression, ...]) -> PandasAggUDF:
        child = args[0] if len(args) == 1 else FunctionCall("udf_args", args)
        return PandasAggUDF(child, name, func, return_type, origin=origin_of(func))

    def coerce(self) -> Expression:
        return dataclasses.replace(self, arg_names=tuple(a.sql() for a in self.arguments))

    @property
    def arguments(self) -> tuple[Expression, ...]:
        return self.child.args if isinstance(self.child, FunctionCall) else (self.child,)

    @property
    def supports_partial(self) -> bool:
        return False

    @property
    def data_type(self) -> T.DataType:
        return self.return_type

    @property
    def nullable(self) -> bool:
        return True

    def complete(self) -> AggSpec:
        return ("list", None)

    def finish_complete(self, result: pa.Array) -> pa.Array:
        import pandas as pd

        from ember.sql.pandas_ops import from_pandas, to_pandas

        values = result.combine_chunks() if isinstance(result, pa.ChunkedArray) else result
        offsets = values.offsets.to_pylist()
        packed = isinstance(self.child, FunctionCall)
        types = [to_arrow_type(a.data_type) for a in self.arguments]
        out = []
        try:
            for start, end in zip(offsets, offsets[1:]):
                rows = values.values.slice(start, end - start)
                if packed:
                    tuples = [pickle.loads(b) for b in rows.to_pylist()]
                    columns = [pa.array([t[i] for t in tuples], types[i]) for i in range(len(types))]
                else:
                    columns = [rows]
                out.append(self.func(*[to_pandas(c) for c in columns]))
            return from_pandas(pd.Series(out, dtype=object), self.return_type)
        except Exception as error:
            annotate_udf_error(error, self.name, self.arg_names, self.origin)
            raise

    def to_string(self, ids: bool) -> str:
        return f"{self.name}({', '.join(a.to_string(ids) for a in self.arguments)})"
