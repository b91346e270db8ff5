"""``FunctionCall``: one node for the many scalar functions that are a kernel over their arguments.

Each function is described once by a ``FunctionSpec`` in ``FUNCTIONS`` (its SQL name, the types
its arguments are implicitly cast to, its result type and how it computes): ``vector`` takes
the evaluated Arrow arguments and returns an Arrow result (pyarrow.compute or numpy kernels),
``row`` is the per-row Python fallback for functions no Arrow kernel computes. The node holds
only the name and arguments, so plans stay small and pickle to the workers by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pyarrow as pa

from ember.sql import types as T
from ember.sql.arrow_types import to_arrow_type
from ember.sql.errors import AnalysisException
from ember.sql.expressions.base import ArrowValue, Expression, as_array
from ember.sql.expressions.coercion import cast_if_needed, is_numeric, is_string

__all__ = ["FunctionCall", "FunctionSpec", "FUNCTIONS", "register", "NUMERIC", "ANY"]

NUMERIC = "NUMERIC"  # an input that must be numeric (strings are cast to double, as Spark does)
ANY = None  # an input taken as it is


@dataclass(frozen=True)
class FunctionSpec:
    """How one function types and computes its result.

    ``inputs`` lists each argument's target type (``NUMERIC``, a ``DataType`` or ``ANY``); the
    last entry repeats for variadic functions. ``result`` is a type or a function of the
    (coerced) argument types. ``null_safe`` functions see NULL arguments; the others return
    NULL on any NULL argument without calling ``row``.
    """

    name: str
    inputs: tuple[Any, ...]
    result: T.DataType | Callable[[list[T.DataType]], T.DataType]
    vector: Callable[..., ArrowValue] | None = None
    row: Callable[..., Any] | None = None
    null_safe: bool = False
    nullable: bool | None = None
    min_args: int | None = None
    variadic: bool = False
    deterministic: bool = True
    fmt: Callable[[list[str]], str] | None = field(default=None)
    coerce_args: Callable[[FunctionCall], tuple[Expression, ...]] | None = None
    typed_by_args: bool = False  # ``result`` is given the argument expressions, not their types
    hidden_args: int = 0  # trailing arguments ``coerce_args`` derives, left out of the SQL text


FUNCTIONS: dict[str, FunctionSpec] = {}


def register(spec: FunctionSpec) -> FunctionSpec:
    FUNCTIONS[spec.name] = spec
    return spec


def _type_name(dt: T.DataType) -> str:
    return dt.simpleString().upper()


def _mismatch(call: FunctionCall, i: int, arg: Expression, wanted: str) -> AnalysisException:
    ordinal = ["first", "second", "third", "fourth", "fifth"][i] if i < 5 else f"{i + 1}th"
    return AnalysisException(
        "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
        f"Cannot resolve \"{call.sql()}\" due to data type mismatch: The {ordinal} parameter requires the "
        f"\"{wanted}\" type, however \"{arg.sql()}\" has the type \"{_type_name(arg.data_type)}\".",
    )


@dataclass(frozen=True, slots=True)
class FunctionCall(Expression):
    """``name(args...)`` computed by the function's ``FunctionSpec``."""

    name: str
    args: tuple[Expression, ...]
    coerced: bool = False  # implicit casts applied (and any derived arguments appended) once

    child_fields = ("args",)

    @property
    def spec(self) -> FunctionSpec:
        return FUNCTIONS[self.name]

    def _target(self, i: int) -> Any:
        inputs = self.spec.inputs
        return inputs[i] if i < len(inputs) else inputs[-1]

    def coerce(self) -> Expression:
        if self.coerced:
            return self
        spec = self.spec
        expected = spec.min_args if spec.min_args is not None else len(spec.inputs)
        if len(self.args) < expected or (not spec.variadic and len(self.args) > len(spec.inputs)):
            raise AnalysisException(
                "WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
                f"The `{self.name}` requires {expected} parameters but the actual number is {len(self.args)}. "
                "Please, refer to 'https://spark.apache.org/docs/latest/sql-ref-functions.html' for a fix.",
                "42605",
            )
        if spec.coerce_args is not None:
            return FunctionCall(self.name, spec.coerce_args(self), True)
        args = []
        for i, arg in enumerate(self.args):
            target, dt = self._target(i), arg.data_type
            if target is NUMERIC:
                if is_string(dt):
                    arg = cast_if_needed(arg, T.DoubleType())
                elif not (is_numeric(dt) or isinstance(dt, T.NullType)):
                    raise _mismatch(self, i, arg, "NUMERIC")
            elif target is not ANY:
                if isinstance(target, T.StringType) and isinstance(dt, (T.ArrayType, T.MapType, T.StructType)):
                    raise _mismatch(self, i, arg, "STRING")
                if isinstance(target, (T.IntegerType, T.LongType, T.DoubleType)) and not (
                        is_numeric(dt) or is_string(dt) or isinstance(dt, T.NullType)):
                    raise _mismatch(self, i, arg, _type_name(target))
                if isinstance(target, T.ArrayType) and not isinstance(dt, (T.ArrayType, T.NullType)):
                    raise _mismatch(self, i, arg, "ARRAY")
                if isinstance(target, T.MapType) and not isinstance(dt, (T.MapType, T.NullType)):
                    raise _mismatch(self, i, arg, "MAP")
                if not isinstance(target, (T.ArrayType, T.MapType)):
                    arg = cast_if_needed(arg, target)
            args.append(arg)
        return FunctionCall(self.name, tuple(args), True)

    @property
    def data_type(self) -> T.DataType:
        spec = self.spec
        if isinstance(spec.result, T.DataType):
            return spec.result
        return spec.result(list(self.args) if spec.typed_by_args else [a.data_type for a in self.args])

    @property
    def nullable(self) -> bool:
        if self.spec.nullable is not None:
            return self.spec.nullable
        return True

    @property
    def foldable(self) -> bool:
        return self.spec.deterministic and all(a.foldable for a in self.args)

    @property
    def deterministic(self) -> bool:
        return self.spec.deterministic and all(a.deterministic for a in self.args)

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        spec = self.spec
        values = [a.eval(batch) for a in self.args]
        if spec.vector is not None:
            return spec.vector(*[as_array(v, batch.num_rows) for v in values])
        return self._eval_rows(values, batch.num_rows)

    def _eval_rows(self, values: list[ArrowValue], length: int) -> pa.Array:
        spec = self.spec
        columns = [as_array(v, length).to_pylist() for v in values]
        fn = spec.row
        assert fn is not None, self.name
        if spec.null_safe:
            out = [fn(*row) for row in zip(*columns)] if columns else [fn() for _ in range(length)]
        else:
            out = [None if any(v is None for v in row) else fn(*row) for row in zip(*columns)]
        return pa.array(out, type=to_arrow_type(self.data_type))

    def _fmt(self, args: list[str]) -> str:
        if self.coerced and self.spec.hidden_args:
            args = args[:-self.spec.hidden_args]
        if self.spec.fmt is not None:
            return self.spec.fmt(args)
        return f"{self.name}({', '.join(args)})"
