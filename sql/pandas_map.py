"""The builders behind ``DataFrame.mapInPandas``/``mapInArrow``, ``GroupedData.applyInPandas``
and ``GroupedData.cogroup(...).applyInPandas`` (``PandasCogroupedOps``).

Each checks its arguments on the driver and adds one node of ``plan/python_plans.py``; the
functions run in the workers (``physical/python_eval.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ember.sql import types as T
from ember.sql.analyzer.resolve_references import resolve_expression
from ember.sql.errors import EmberTypeError
from ember.sql.expressions.sql_conf import analysed_by
from ember.sql.plan import python_plans as PP

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame
    from ember.sql.group import GroupedData

__all__ = ["map_in", "apply_in_pandas", "PandasCogroupedOps"]


def _schema(schema: T.StructType | str) -> T.StructType:
    if isinstance(schema, str):
        schema = T._parse_datatype_string(schema)
    if not isinstance(schema, T.StructType):
        raise EmberTypeError("NOT_STRUCT", f"Argument `schema` should be a StructType or a DDL string of one, "
                             f"got {schema!r}.")
    return schema


def _callable(func: Any) -> Callable[..., Any]:
    if not callable(func):
        raise EmberTypeError("NOT_CALLABLE", f"Argument `func` should be a callable, got {type(func).__name__}.")
    return func


def map_in(df: DataFrame, func: Any, schema: T.StructType | str, kind: str, barrier: bool) -> DataFrame:
    """``mapInPandas`` (``kind="pandas"``) or ``mapInArrow`` (``"arrow"``)."""
    if barrier:
        raise EmberTypeError("UNSUPPORTED_FEATURE", "mapInPandas/mapInArrow with barrier=True (barrier execution "
                             "mode) is not supported by Ember.")
    node = PP.MapInBatches(_callable(func), kind, PP.attributes_of(_schema(schema)), df._plan)
    return df._with(node)


def _resolved_keys(grouped: GroupedData) -> tuple:
    plan = grouped._df._plan
    with analysed_by(grouped._df.sparkSession):
        return tuple(resolve_expression(g, plan.output, plan) for g in grouped._grouping)


def apply_in_pandas(grouped: GroupedData, func: Any, schema: T.StructType | str) -> DataFrame:
    """Each group of ``grouped`` as one pandas DataFrame through ``func``."""
    if grouped._sets is not None or grouped._pivot is not None:
        raise EmberTypeError("UNSUPPORTED_FEATURE", "applyInPandas after rollup, cube, groupingSets or pivot is "
                             "not supported.")
    node = PP.FlatMapGroupsInPandas(_resolved_keys(grouped), _callable(func), PP.attributes_of(_schema(schema)),
                                    grouped._df._plan)
    return grouped._df._with(node)


class PandasCogroupedOps:
    """``df1.groupBy(k).cogroup(df2.groupBy(k))``: apply a function to each key's two groups."""

    def __init__(self, left: GroupedData, right: GroupedData):
        if len(left._grouping) != len(right._grouping):
            raise EmberTypeError("UNSUPPORTED_FEATURE", f"cogroup needs as many grouping columns on both sides, "
                                 f"got {len(left._grouping)} and {len(right._grouping)}.")
        self._left, self._right = left, right

    def applyInPandas(self, func: Any, schema: T.StructType | str) -> DataFrame:
        """``func(left_pdf, right_pdf)`` (or ``func(key, left_pdf, right_pdf)``) per key, one DataFrame out."""
        node = PP.FlatMapCoGroupsInPandas(_resolved_keys(self._left), _resolved_keys(self._right), _callable(func),
                                          PP.attributes_of(_schema(schema)), self._left._df._plan,
                                          self._right._df._plan)
        return self._left._df._with(node)
