"""The builders behind ``DataFrame.mapInPandas``/``mapInArrow``, ``GroupedData.applyInPandas``/
``applyInArrow`` and ``GroupedData.cogroup(...).applyInPandas``/``applyInArrow``
(``PandasCogroupedOps``).

Each checks its arguments on the driver, as PySpark 4.3 does when it wraps the function in a
pandas UDF (the declared schema must be a struct, the function must take the data, or the key
and the data), reads the iterator form of a grouped map from the function's type hints, and
adds one node of ``plan/python_plans.py``; the functions run in the workers
(``physical/python_eval.py``).
"""

from __future__ import annotations

import collections.abc
import inspect
import typing
import warnings
from typing import TYPE_CHECKING, Any, Callable

from ember.errors import IllegalArgumentException, PySparkTypeError, PySparkValueError
from ember.sql import types as T
from ember.sql.analyzer.resolve_references import resolve_expression
from ember.sql.errors import EmberTypeError
from ember.sql.expressions.sql_conf import analysed_by
from ember.sql.plan import python_plans as PP
from ember.sql.dataframe import derive, plan_of
from ember.sql.group import grouped_dataframe, grouping_of, is_plain_grouping

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame
    from ember.sql.group import GroupedData

__all__ = ["map_in", "apply_in", "PandasCogroupedOps", "struct_schema", "check_arity"]

# PySpark's eval-type names, as its "should return StructType" errors list them.
_EVAL_TYPES = {
    "map": "SQL_MAP_PANDAS_ITER_UDF or SQL_MAP_ARROW_ITER_UDF",
    ("group", "pandas"): "SQL_GROUPED_MAP_PANDAS_UDF or SQL_GROUPED_MAP_PANDAS_ITER_UDF or "
                         "SQL_GROUPED_MAP_PANDAS_UDF_WITH_STATE",
    ("group", "arrow"): "SQL_GROUPED_MAP_ARROW_UDF or SQL_GROUPED_MAP_ARROW_ITER_UDF",
    ("cogroup", "pandas"): "SQL_COGROUPED_MAP_PANDAS_UDF",
    ("cogroup", "arrow"): "SQL_COGROUPED_MAP_ARROW_UDF",
}

# What PySpark says when a grouped or cogrouped function takes the wrong number of arguments.
_ARITY = {
    ("group", "pandas", False): "pandas_udfs with function type GROUPED_MAP or the function in "
                                "groupby.applyInPandas must take either one argument (data) or two arguments "
                                "(key, data).",
    ("group", "pandas", True): "the function in groupby.applyInPandas with iterator API must take either one "
                               "argument (batches: Iterator[pandas.DataFrame]) or two arguments (key, batches: "
                               "Iterator[pandas.DataFrame]).",
    ("group", "arrow", False): "the function in groupby.applyInArrow must take either one argument (data) or two "
                               "arguments (key, data).",
    ("cogroup", "pandas", False): "the function in cogroup.applyInPandas must take either two arguments (left, "
                                  "right) or three arguments (key, left, right).",
    ("cogroup", "arrow", False): "the function in cogroup.applyInArrow must take either two arguments (left, "
                                 "right) or three arguments (key, left, right).",
}


def struct_schema(schema: T.DataType | str, shape: str, kind: str) -> T.StructType:
    """The declared output schema, which must be a struct (``shape`` is map, group or cogroup)."""
    if isinstance(schema, str):
        schema = T.parse_datatype_string(schema)
    if isinstance(schema, T.StructType):
        return schema
    if not isinstance(schema, T.DataType):
        raise EmberTypeError("NOT_DATATYPE_OR_STR", f"Argument `schema` should be a DataType or str, got "
                             f"{type(schema).__name__}.")
    eval_types = _EVAL_TYPES["map" if shape == "map" else (shape, kind)]
    if kind == "arrow" and shape != "map":
        raise PySparkTypeError("INVALID_RETURN_TYPE_FOR_ARROW_UDF", f"Grouped and Cogrouped map Arrow UDF should "
                               f"return StructType for {eval_types}, got {schema}.")
    raise PySparkTypeError("INVALID_RETURN_TYPE_FOR_PANDAS_UDF", f"Pandas UDF should return StructType for "
                           f"{eval_types}, got {schema}.")


def check_arity(func: Callable[..., Any], shape: str, kind: str, iterator: bool) -> None:
    """Refuse a grouped (cogrouped) function that takes neither the data nor the key and the data."""
    counts = (1, 2) if shape == "group" else (2, 3)
    if len(inspect.getfullargspec(func).args) not in counts:
        detail = _ARITY.get((shape, kind, iterator), _ARITY[(shape, kind, False)])
        raise PySparkValueError("INVALID_PANDAS_UDF", f"Invalid function: {detail}")


def takes_iterator(func: Callable[..., Any], element: type) -> bool:
    """Whether ``func``'s type hints declare the iterator form: ``Iterator[element]`` as its (last)
    data parameter and as its result. A function with some hints but not all is read as the
    plain form, with PySpark's warning."""
    if not inspect.getfullargspec(func).annotations:
        return False
    try:
        hints = typing.get_type_hints(func)
    except NameError:
        hints = {}
    signature = inspect.signature(func)
    params = list(signature.parameters)
    missing = ("all parameters" if any(p not in hints for p in params)
               else "the return type" if "return" not in hints else None)
    if missing:
        warnings.warn(f"Cannot infer the eval type from type hints: [TYPE_HINT_SHOULD_BE_SPECIFIED] Type hints "
                      f"for {missing} should be specified; however, got {signature}.", UserWarning, stacklevel=4)
        return False
    return (len(params) in (1, 2) and _iterator_of(hints[params[-1]], element)
            and _iterator_of(hints["return"], element))


def _iterator_of(hint: Any, element: type) -> bool:
    return typing.get_origin(hint) is collections.abc.Iterator and typing.get_args(hint) == (element,)


def _callable(func: Any) -> Callable[..., Any]:
    if not callable(func):
        raise EmberTypeError("NOT_CALLABLE", f"Argument `func` should be a callable, got {type(func).__name__}.")
    return func


def map_in(df: DataFrame, func: Any, schema: T.StructType | str, kind: str, barrier: bool) -> DataFrame:
    """``mapInPandas`` (``kind="pandas"``) or ``mapInArrow`` (``"arrow"``)."""
    if barrier:
        raise EmberTypeError("UNSUPPORTED_FEATURE", "mapInPandas/mapInArrow with barrier=True (barrier execution "
                             "mode) is not supported by Ember.")
    node = PP.MapInBatches(_callable(func), kind, PP.attributes_of(struct_schema(schema, "map", kind)), plan_of(df))
    return derive(df, node)


def _resolved_keys(grouped: GroupedData) -> tuple:
    plan = plan_of(grouped_dataframe(grouped))
    with analysed_by(grouped_dataframe(grouped).sparkSession):
        return tuple(resolve_expression(g, plan.output, plan) for g in grouping_of(grouped))


def apply_in(grouped: GroupedData, func: Any, schema: T.StructType | str, kind: str) -> DataFrame:
    """Each group of ``grouped`` through ``func``: as one pandas DataFrame (``kind="pandas"``) or
    Arrow table (``"arrow"``), or as an iterator of them when the type hints say so."""
    if not is_plain_grouping(grouped):
        raise EmberTypeError("UNSUPPORTED_FEATURE", f"applyIn{kind.capitalize()} after rollup, cube, groupingSets "
                             "or pivot is not supported.")
    import pandas as pd
    import pyarrow as pa

    iterator = takes_iterator(_callable(func), pd.DataFrame if kind == "pandas" else pa.RecordBatch)
    check_arity(func, "group", kind, iterator)
    attrs = PP.attributes_of(struct_schema(schema, "group", kind))
    df = grouped_dataframe(grouped)
    node = PP.FlatMapGroupsInPandas(_resolved_keys(grouped), func, kind, iterator, attrs, plan_of(df))
    return derive(df, node)


class PandasCogroupedOps:
    """``df1.groupBy(k).cogroup(df2.groupBy(k))``: apply a function to each key's two groups."""

    def __init__(self, left: GroupedData, right: GroupedData):
        self._left, self._right = left, right

    def applyInPandas(self, func: Any, schema: T.StructType | str) -> DataFrame:
        """``func(left_pdf, right_pdf)`` (or ``func(key, left_pdf, right_pdf)``) per key, one DataFrame out."""
        return self._apply(func, schema, "pandas")

    def applyInArrow(self, func: Any, schema: T.StructType | str) -> DataFrame:
        """``func(left, right)`` (or ``func(key, left, right)``) per key over ``pyarrow.Table``s, one table
        out; ``key`` is a tuple of ``pyarrow.Scalar``s."""
        return self._apply(func, schema, "arrow")

    def _apply(self, func: Any, schema: T.StructType | str, kind: str) -> DataFrame:
        check_arity(_callable(func), "cogroup", kind, False)
        attrs = PP.attributes_of(struct_schema(schema, "cogroup", kind))
        left, right = _resolved_keys(self._left), _resolved_keys(self._right)
        if len(left) != len(right):
            raise IllegalArgumentException(f"requirement failed: Cogroup keys must have same size: "
                                           f"{len(left)} != {len(right)}")
        node = PP.FlatMapCoGroupsInPandas(left, right, func, kind, attrs, plan_of(grouped_dataframe(self._left)),
                                          plan_of(grouped_dataframe(self._right)))
        return derive(grouped_dataframe(self._left), node)
