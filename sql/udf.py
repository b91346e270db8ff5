"""PySpark's UDF surface: ``udf``, ``pandas_udf``, ``PandasUDFType`` and ``spark.udf``.

A ``UserDefinedFunction`` is the definition (function, return type, eval type, determinism);
calling it on columns builds a ``PythonUDF`` expression (or a ``PandasAggUDF`` aggregate)
named as PySpark names it, ``f(x)``, ``<lambda>(x)``. As in PySpark, ``udf`` and
``pandas_udf`` hand back a plain function wrapping the definition, carrying ``func``,
``returnType``, ``evalType``, ``deterministic`` and ``asNondeterministic``.

``spark.udf.register(name, f, returnType)`` records a definition under ``name`` for the
session's SQL (``SELECT name(x) ...``); a registered name is looked up before the builtin
functions, as Spark's temporary functions are.
"""

from __future__ import annotations

import collections.abc
import functools
import inspect
import typing
from typing import TYPE_CHECKING, Any, Callable

from ember.sql import types as T
from ember.sql.errors import EmberTypeError, EmberValueError
from ember.sql.expressions.python_udf import PandasAggUDF, PythonEvalType, PythonUDF, new_call_id, origin_of
from ember.sql.sql_config import PYTHON_UDF_ARROW_ENABLED

if TYPE_CHECKING:
    from ember.sql.column import Column
    from ember.sql.session import SparkSession

__all__ = ["UserDefinedFunction", "UDFRegistration", "PandasUDFType", "PythonEvalType", "udf", "pandas_udf",
           "registered_function"]

class PandasUDFType:
    """Pandas UDF kinds (``pandas_udf(f, returnType, functionType)``), PySpark's constants."""

    SCALAR = PythonEvalType.SQL_SCALAR_PANDAS_UDF
    SCALAR_ITER = PythonEvalType.SQL_SCALAR_PANDAS_ITER_UDF
    GROUPED_MAP = PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF
    GROUPED_AGG = PythonEvalType.SQL_GROUPED_AGG_PANDAS_UDF


_COLUMN_UDFS = (PythonEvalType.SQL_BATCHED_UDF, PythonEvalType.SQL_ARROW_BATCHED_UDF,
                PythonEvalType.SQL_SCALAR_PANDAS_UDF, PythonEvalType.SQL_SCALAR_PANDAS_ITER_UDF,
                PythonEvalType.SQL_GROUPED_AGG_PANDAS_UDF)
# A grouped-map pandas UDF is not called on columns: ``GroupedData.apply`` takes it whole.
_EVAL_TYPES = _COLUMN_UDFS + (PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF,)


def _data_type(returnType: T.DataType | str) -> T.DataType:
    if isinstance(returnType, T.DataType):
        return returnType
    if isinstance(returnType, str):
        return T.parse_datatype_string(returnType)
    raise EmberTypeError("NOT_EXPECTED_TYPE", f"Argument `returnType` should be DataType or str, got "
                         f"{type(returnType).__name__}.")


class UserDefinedFunction:
    """A Python function with a declared return type; call it on columns to use it in a query."""

    def __init__(self, func: Callable[..., Any], returnType: T.DataType | str = T.StringType(),
                 name: str | None = None, evalType: int = PythonEvalType.SQL_BATCHED_UDF,
                 deterministic: bool = True):
        if not callable(func):
            raise EmberTypeError("NOT_EXPECTED_TYPE", f"Argument `func` should be callable, got "
                                 f"{type(func).__name__}.")
        if evalType not in _EVAL_TYPES:
            raise EmberValueError("INVALID_UDF_EVAL_TYPE", f"Ember does not evaluate UDFs of eval type {evalType}.")
        self.func = func
        self.returnType = _data_type(returnType)
        self._name = name or getattr(func, "__name__", type(func).__name__)
        self.evalType = evalType
        self.deterministic = deterministic

    def __call__(self, *cols: Column | str) -> Column:
        from ember.sql.column import Column, to_expression

        if self.evalType == PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF:
            raise EmberTypeError("UNSUPPORTED_FEATURE", f"The GROUPED_MAP pandas UDF {self._name} cannot be called "
                                 f"on columns; pass it to groupBy(...).apply, or its function to applyInPandas.")
        args = tuple(to_expression(c) for c in cols)
        if self.evalType == PythonEvalType.SQL_GROUPED_AGG_PANDAS_UDF:
            return Column(PandasAggUDF.make(self._name, self.func, self.returnType, args))
        return Column(PythonUDF(self._name, self.func, self.returnType, self.evalType, args, self.deterministic,
                                0 if self.deterministic else new_call_id(), origin=origin_of(self.func)))

    def asNondeterministic(self) -> UserDefinedFunction:
        """This UDF marked nondeterministic: the optimizer will not move or deduplicate its calls."""
        self.deterministic = False
        return self

    def _wrapped(self) -> Callable[..., Column]:
        """A plain function calling this UDF, with PySpark's attributes (what ``udf`` returns)."""

        @functools.wraps(self.func, assigned=("__module__", "__name__", "__qualname__", "__doc__"))
        def wrapper(*cols: Column | str) -> Column:
            return self(*cols)

        wrapper.func = self.func  # type: ignore[attr-defined]
        wrapper.returnType = self.returnType  # type: ignore[attr-defined]
        wrapper.evalType = self.evalType  # type: ignore[attr-defined]
        wrapper.deterministic = self.deterministic  # type: ignore[attr-defined]
        wrapper.asNondeterministic = lambda: self._nondeterministic_copy()._wrapped()  # type: ignore[attr-defined]
        wrapper._unwrapped = self  # type: ignore[attr-defined]
        return wrapper

    def _nondeterministic_copy(self) -> UserDefinedFunction:
        return UserDefinedFunction(self.func, self.returnType, self._name, self.evalType, False)


def udf(f: Callable[..., Any] | T.DataType | str | None = None, returnType: T.DataType | str = T.StringType(),
        *, useArrow: bool | None = None) -> Any:
    """A Python UDF: ``udf(f, "int")``, ``@udf``, ``@udf("int")`` or ``@udf(returnType=...)``.

    ``useArrow`` picks the Arrow-optimised form; ``None`` follows
    ``spark.sql.execution.pythonUDF.arrow.enabled`` when the UDF is defined, as PySpark does.
    """
    if f is None or isinstance(f, (T.DataType, str)):
        rt = returnType if f is None else f
        return functools.partial(_create_py_udf, returnType=rt, useArrow=useArrow)
    return _create_py_udf(f, returnType, useArrow)


def _create_py_udf(f: Callable[..., Any], returnType: T.DataType | str, useArrow: bool | None) -> Any:
    if useArrow is None and _has_pandas_hints(f):
        return _create_pandas_udf(f, returnType, None)  # PySpark 4 makes these pandas UDFs
    if useArrow is None:
        from ember.sql.session import SparkSession

        session = SparkSession.getActiveSession()
        useArrow = session is not None and PYTHON_UDF_ARROW_ENABLED.read(session.conf)
    eval_type = PythonEvalType.SQL_ARROW_BATCHED_UDF if useArrow else PythonEvalType.SQL_BATCHED_UDF
    return UserDefinedFunction(f, returnType, evalType=eval_type)._wrapped()


def pandas_udf(f: Any = None, returnType: T.DataType | str | None = None, functionType: int | None = None) -> Any:
    """A pandas UDF. Its kind comes from ``functionType`` or, as PySpark 3+ prefers, the type hints:
    ``Series -> Series`` (scalar), ``Iterator[Series] -> Iterator[Series]`` (scalar iterator),
    ``Series -> scalar`` (grouped aggregate)."""
    if f is None or isinstance(f, (T.DataType, str)):
        rt = f if f is not None else returnType
        if isinstance(returnType, int) and functionType is None:
            functionType = returnType
        return functools.partial(_create_pandas_udf, returnType=rt, functionType=functionType)
    if isinstance(returnType, int) and functionType is None:
        raise EmberTypeError("NOT_DATATYPE_OR_STR", "Argument `returnType` should be a DataType or str.")
    return _create_pandas_udf(f, returnType, functionType)


def _create_pandas_udf(f: Callable[..., Any], returnType: T.DataType | str | None, functionType: int | None) -> Any:
    if returnType is None:
        raise EmberValueError("CANNOT_BE_NONE", "Argument `returnType` cannot be None.")
    if functionType is None:
        functionType = _eval_type_from_hints(f)
    if functionType not in (PandasUDFType.SCALAR, PandasUDFType.SCALAR_ITER, PandasUDFType.GROUPED_AGG,
                            PandasUDFType.GROUPED_MAP):
        raise EmberValueError(
            "INVALID_PANDAS_UDF_TYPE",
            f"`functionType` should be one of the values from PandasUDFType (SCALAR, SCALAR_ITER, GROUPED_MAP, "
            f"GROUPED_AGG) that Ember evaluates, got {functionType}.")
    if functionType == PandasUDFType.GROUPED_MAP:
        from ember.sql.pandas_map import check_arity, struct_schema

        check_arity(f, "group", "pandas", False)
        returnType = struct_schema(returnType, "group", "pandas")
    return UserDefinedFunction(f, returnType, evalType=functionType)._wrapped()


def _has_pandas_hints(f: Callable[..., Any]) -> bool:
    """Whether ``f``'s type hints name pandas Series/DataFrames (or iterators of them)."""
    import pandas as pd

    try:
        hints = list(typing.get_type_hints(f).values())
    except Exception:
        return False
    while hints:
        hint = hints.pop()
        if hint in (pd.Series, pd.DataFrame):
            return True
        hints.extend(typing.get_args(hint))
    return False


def _eval_type_from_hints(f: Callable[..., Any]) -> int:
    """The pandas UDF kind the function's type hints declare (scalar when it has none)."""
    import pandas as pd

    try:
        hints = typing.get_type_hints(f)
    except Exception:
        hints = {}
    params = [hints.get(p) for p in inspect.signature(f).parameters]
    result = hints.get("return")
    if result is None or not params or any(p is None for p in params):
        return PandasUDFType.SCALAR
    frames = (pd.Series, pd.DataFrame)
    if typing.get_origin(result) is collections.abc.Iterator:
        return PandasUDFType.SCALAR_ITER
    if result in frames:
        return PandasUDFType.SCALAR
    if all(p in frames for p in params):
        return PandasUDFType.GROUPED_AGG
    raise EmberValueError(
        "UNSUPPORTED_SIGNATURE",
        f"Unsupported signature: {inspect.signature(f)}. Ember infers a pandas UDF kind from Series -> Series, "
        "Iterator[Series] -> Iterator[Series] and Series -> scalar hints; pass functionType for others.")


class UDFRegistration:
    """``spark.udf``: register Python functions for the session's SQL."""

    def __init__(self, session: SparkSession):
        self._session = session
        self._functions: dict[str, UserDefinedFunction] = {}

    def register(self, name: str, f: Callable[..., Any], returnType: T.DataType | str | None = None) -> Any:
        """Make ``f`` callable as ``name`` in SQL; returns the ``UserDefinedFunction`` (usable from the
        DataFrame API too, under ``name``)."""
        source = getattr(f, "_unwrapped", f if isinstance(f, UserDefinedFunction) else None)
        if source is not None:
            if returnType is not None:
                raise EmberTypeError(
                    "CANNOT_SPECIFY_RETURN_TYPE_FOR_UDF",
                    f"returnType can not be specified when `f` is a user-defined function, but got {returnType}.")
            definition = UserDefinedFunction(source.func, source.returnType, name, source.evalType,
                                             source.deterministic)
        else:
            definition = UserDefinedFunction(f, returnType if returnType is not None else T.StringType(), name)
        self._functions[name.lower()] = definition
        return definition

    def lookup(self, name: str) -> UserDefinedFunction | None:
        return self._functions.get(name.lower())


def registered_function(name: str) -> Callable[..., Column] | None:
    """The UDF the analysing (else the active) session registered as ``name``, if any."""
    from ember.sql.expressions.sql_conf import analysing_session

    session = analysing_session()
    registry = getattr(session, "_udf_registration", None) if session is not None else None
    return registry.lookup(name) if registry is not None else None


def registered_functions(registration: UDFRegistration) -> dict[str, UserDefinedFunction]:
    """The UDFs registered through ``registration`` (``spark.udf``), by lower-case name."""
    return dict(registration._functions)
