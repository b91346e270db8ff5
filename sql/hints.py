"""``DataFrame.hint``: Spark's hint names, checked as PySpark checks them, applied where Ember can.

- ``BROADCAST`` / ``BROADCASTJOIN`` / ``MAPJOIN`` mark the DataFrame so that a join that has it
  as a side broadcasts it (the planner's existing broadcast-join choice).
- ``MERGE`` / ``SHUFFLE_MERGE`` / ``MERGEJOIN``, ``SHUFFLE_HASH`` and ``SHUFFLE_REPLICATE_NL`` ask
  for join strategies Ember does not choose between (it hash-joins): accepted, no effect.
- ``COALESCE(n)`` and ``REPARTITION([n,] cols...)`` become ``coalesce``/``repartition``;
  ``REBALANCE`` only evens out partition sizes, so it has no effect on the rows.
- Any other name is ignored, as Spark ignores (and logs) a hint it does not recognise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ember.sql.column import Column
from ember.sql.errors import AnalysisException, EmberTypeError
from ember.sql.dataframe import broadcast_marked

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["apply_hint"]

_BROADCAST = {"broadcast", "broadcastjoin", "mapjoin"}
_OTHER_JOIN_STRATEGIES = {"merge", "shuffle_merge", "mergejoin", "shuffle_hash", "shuffle_replicate_nl"}
_ALLOWED = "str, float, int, Column, list[str], list[float], list[int]"


def _check_parameters(parameters: tuple) -> list[Any]:
    if len(parameters) == 1 and isinstance(parameters[0], list):
        parameters = tuple(parameters[0])
    for p in parameters:
        if not isinstance(p, (str, float, int, Column, list)) or (
                isinstance(p, list) and not all(isinstance(e, (str, float, int)) for e in p)):
            item = type(p).__name__ + (f"[{type(p[0]).__name__}]" if isinstance(p, list) and p else "")
            raise EmberTypeError("DISALLOWED_TYPE_FOR_CONTAINER", "Argument `parameters`(type: tuple) should only "
                                 f"contain a type in [{_ALLOWED}], got {item}")
    return list(parameters)


def _relation_names(parameters: list[Any]) -> None:
    for p in parameters:
        if not isinstance(p, str):
            shown = f'"{p}"'
            raise AnalysisException("_LEGACY_ERROR_TEMP_1046", "Join strategy hint parameter should be an identifier "
                                    f"or string but was {shown} (class "
                                    "org.apache.spark.sql.catalyst.expressions.Literal).")


def apply_hint(df: DataFrame, name: str, parameters: tuple) -> DataFrame:
    if not isinstance(name, str):
        raise EmberTypeError("NOT_EXPECTED_TYPE", f"Argument `name` should be str, got {type(name).__name__}.")
    params = _check_parameters(parameters)
    key = name.lower()
    if key in _BROADCAST or key in _OTHER_JOIN_STRATEGIES:
        _relation_names(params)
        if key not in _BROADCAST:
            return df
        return broadcast_marked(df)
    if key == "coalesce" and len(params) == 1 and isinstance(params[0], int):
        return df.coalesce(params[0])
    if key == "repartition" and params:
        return df.repartition(*params)
    return df
