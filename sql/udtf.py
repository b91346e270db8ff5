"""Python user-defined table functions: ``functions.udtf``, ``UserDefinedTableFunction`` and
``spark.udtf``.

A UDTF is a class with an ``eval`` method that yields rows (and, optionally, a ``terminate``
method that yields more at the end), declared with its output schema as a struct type or a
DDL string. Calling the definition on columns, ``MyUdtf(lit(1), lit(2))``, gives a DataFrame of
its rows; ``spark.udtf.register("my_udtf", MyUdtf)`` makes ``SELECT * FROM my_udtf(1, 2)``
work. The class runs in a worker process (``physical/udtf_eval.py``), its rows converted to
Arrow as PySpark 4.3's Arrow-optimised UDTFs (its default) convert them.

Refused, by name: ``analyze`` (a schema computed from the arguments), ``TABLE`` arguments,
``useArrow=False`` (PySpark's older, pickled-rows conversion) and ``arrow_udtf``.
"""

from __future__ import annotations

import functools
import inspect
from typing import TYPE_CHECKING, Any

from ember.errors import PySparkAttributeError, PySparkTypeError
from ember.sql import types as T
from ember.sql.errors import EmberTypeError

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame
    from ember.sql.session import SparkSession

__all__ = ["UserDefinedTableFunction", "UDTFRegistration", "udtf", "registered_table_function"]

SQL_TABLE_UDF = 300
SQL_ARROW_TABLE_UDF = 301


def _validate_handler(cls: Any, returnType: T.StructType | str | None) -> None:
    """PySpark's checks of a UDTF class, in its order and with its errors."""
    if not isinstance(cls, type):
        raise PySparkTypeError("INVALID_UDTF_HANDLER_TYPE", f"The UDTF is invalid. The function handler must be a "
                               f"class, but got '{type(cls).__name__}'. Please provide a class as the function "
                               "handler.")
    name = cls.__name__
    if not hasattr(cls, "eval"):
        raise PySparkAttributeError("INVALID_UDTF_NO_EVAL", f"The UDTF '{name}' is invalid. It does not implement "
                                    f"the required 'eval' method. Please implement the 'eval' method in '{name}' "
                                    "and try again.")
    has_analyze = hasattr(cls, "analyze")
    if returnType is not None and has_analyze:
        raise PySparkAttributeError("INVALID_UDTF_BOTH_RETURN_TYPE_AND_ANALYZE", f"The UDTF '{name}' is invalid. It "
                                    f"has both its return type and an 'analyze' attribute. Please make it have one "
                                    f"of either the return type or the 'analyze' static method in '{name}' and try "
                                    "again.")
    if returnType is None and has_analyze and isinstance(inspect.getattr_static(cls, "analyze"), staticmethod):
        raise EmberTypeError("UNSUPPORTED_FEATURE", f"The UDTF '{name}' computes its schema with an 'analyze' "
                             "static method, which Ember does not support; declare its returnType instead.")
    if returnType is None:
        raise PySparkAttributeError("INVALID_UDTF_RETURN_TYPE", f"The UDTF '{name}' is invalid. It does not specify "
                                    f"its return type or implement the required 'analyze' static method. Please "
                                    f"specify the return type or implement the 'analyze' static method in '{name}' "
                                    "and try again.")


class UserDefinedTableFunction:
    """A UDTF class with its output schema; call it on columns for a DataFrame of its rows."""

    def __init__(self, func: type, returnType: T.StructType | str | None, name: str | None = None,
                 evalType: int = SQL_ARROW_TABLE_UDF, deterministic: bool = False):
        _validate_handler(func, returnType)
        self.func = func
        self._returnType = returnType
        self._name = name or func.__name__
        self.evalType = evalType
        self.deterministic = deterministic

    @property
    def returnType(self) -> T.StructType:
        """The declared schema, parsed (PySpark parses a DDL string here, on first use)."""
        parsed = T.parse_datatype_string(self._returnType) if isinstance(self._returnType, str) else self._returnType
        if not isinstance(parsed, T.StructType):
            raise PySparkTypeError("UDTF_RETURN_TYPE_MISMATCH", f"Mismatch in return type for the UDTF "
                                   f"'{self._name}'. Expected a 'StructType', but got '{parsed}'. Please ensure the "
                                   "return type is a correctly formatted StructType.")
        return parsed

    def __call__(self, *args: Any, **kwargs: Any) -> DataFrame:
        """The UDTF's rows for these arguments (Columns or column names), as a DataFrame."""
        from ember.sql.dataframe import DataFrame
        from ember.sql.session import SparkSession

        session = SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()
        return DataFrame(session, self._plan(tuple(_argument(a) for a in args),
                                             {k: _argument(v) for k, v in kwargs.items()}, session))

    def _plan(self, args: tuple, kwargs: dict[str, Any], session: SparkSession) -> Any:
        """The logical plan of one call, its arguments resolved (against no columns: nothing comes
        before a UDTF call in FROM)."""
        from ember.sql.analyzer import analyze
        from ember.sql.analyzer.resolve_references import resolve_expression
        from ember.sql.expressions.sql_conf import analysed_by
        from ember.sql.parser.values import one_row
        from ember.sql.plan import python_plans as PP

        child = one_row()
        with analysed_by(session):
            resolved = tuple(resolve_expression(e, [], child) for e in (*args, *kwargs.values()))
            return analyze(PP.EvalPythonUDTF(self._name, self.func, resolved, tuple(kwargs),
                                             PP.attributes_of(self.returnType), child))

    def asDeterministic(self) -> UserDefinedTableFunction:
        """This UDTF marked deterministic."""
        self.deterministic = True
        return self


def _argument(value: Any) -> Any:
    from ember.sql.column import Column, to_expression

    if not isinstance(value, (Column, str)):
        raise EmberTypeError("UNSUPPORTED_FEATURE", f"A UDTF argument must be a Column or a column name; "
                             f"{type(value).__name__} arguments (such as TABLE arguments, DataFrame.asTable()) "
                             "are not supported by Ember.")
    return to_expression(value)


def udtf(cls: type | None = None, *, returnType: T.StructType | str | None = None,
         useArrow: bool | None = None) -> Any:
    """A UDTF from a class: ``udtf(MyClass, returnType="a int")`` or ``@udtf(returnType="a int")``."""
    if useArrow is False:
        raise EmberTypeError("UNSUPPORTED_FEATURE", "udtf(useArrow=False): Ember converts a UDTF's rows the "
                             "Arrow-optimised way only (PySpark 4.3's default); the older pickled-rows "
                             "conversion is not supported.")
    if cls is None:
        return functools.partial(UserDefinedTableFunction, returnType=returnType)
    return UserDefinedTableFunction(cls, returnType=returnType)


class UDTFRegistration:
    """``spark.udtf``: register UDTFs for the session's SQL (``SELECT * FROM name(...)``)."""

    def __init__(self, session: SparkSession):
        self._session = session
        self._functions: dict[str, UserDefinedTableFunction] = {}

    def register(self, name: str, f: UserDefinedTableFunction) -> UserDefinedTableFunction:
        """Make the UDTF ``f`` callable as ``name`` in SQL; returns the registered definition."""
        if not isinstance(f, UserDefinedTableFunction):
            raise PySparkTypeError("CANNOT_REGISTER_UDTF", f"Cannot register the UDTF '{name}': expected a "
                                   "'UserDefinedTableFunction'. Please make sure the UDTF is correctly defined as a "
                                   "class, and then either wrap it in the `udtf()` function or annotate it with "
                                   "`@udtf(...)`.")
        registered = UserDefinedTableFunction(f.func, f.returnType, name, f.evalType, f.deterministic)
        self._functions[name.lower()] = registered
        return registered

    def lookup(self, name: str) -> UserDefinedTableFunction | None:
        return self._functions.get(name.lower())


def registered_table_function(name: str) -> UserDefinedTableFunction | None:
    """The UDTF the analysing (else the active) session registered as ``name``, if any."""
    from ember.sql.expressions.sql_conf import analysing_session

    session = analysing_session()
    registry = getattr(session, "_udtf_registration", None) if session is not None else None
    return registry.lookup(name) if registry is not None else None
