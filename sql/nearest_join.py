"""``left.nearestByJoin(right, ranking, k, mode, direction)``: for each left row, its ``k`` best
right rows by ``ranking`` (smallest first for ``distance``, largest for ``similarity``).

Built, as Spark's current implementation is, from the full cross product: each left row gets an
id, the pairs are ranked per id by a ``row_number`` window over the ranking (NULL rankings never
match), and the first ``k`` are kept. With ``leftouter`` a left row without any match keeps one
row whose right columns are NULL. ``approx`` and ``exact`` run the same search; ties are broken
arbitrarily, as Spark says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ember.sql import expressions as E
from ember.sql import functions as F
from ember.sql.column import Column, expression_of
from ember.sql.errors import AnalysisException
from ember.sql.expressions.windows import WindowExpression
from ember.sql.window import Window
from ember.sql.dataframe import plan_of

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["nearest_by_join"]

MAX_RESULTS = 100000
_JOIN_TYPES = {"inner": False, "leftouter": True, "left_outer": True, "left": True}


def _invalid(kind: str, text: str) -> AnalysisException:
    return AnalysisException(f"NEAREST_BY_JOIN.{kind}", f"Invalid nearest-by join. {text}", "42604")


def _check(ranking: Column, k: int, mode: str, direction: str, join_type: str) -> None:
    if join_type.lower() not in _JOIN_TYPES:
        raise _invalid("UNSUPPORTED_JOIN_TYPE", f"Unsupported nearest-by join type {join_type.lower()}. Supported "
                       "types: 'INNER', 'LEFT OUTER'.")
    if not 1 <= k <= MAX_RESULTS:
        raise _invalid("NUM_RESULTS_OUT_OF_RANGE", f"The number of results {k} must be between 1 and {MAX_RESULTS}. "
                       f"Update the literal in `APPROX NEAREST {k} BY ...` (or `EXACT NEAREST {k} BY ...`) to fall "
                       "within that range.")
    if mode.lower() not in ("approx", "exact"):
        raise _invalid("UNSUPPORTED_MODE", f"Unsupported nearest-by join mode '{mode}'. Supported modes include: "
                       "'approx', 'exact'.")
    if direction.lower() not in ("distance", "similarity"):
        raise _invalid("UNSUPPORTED_DIRECTION", f"Unsupported nearest-by join direction '{direction}'. Supported "
                       "nearest-by join directions include: 'distance', 'similarity'.")
    invalid = [e for e in expression_of(ranking).walk()
               if isinstance(e, (E.AggregateFunction, WindowExpression, E.Generator))]
    if invalid:
        raise AnalysisException(
            "UNSUPPORTED_EXPR_FOR_OPERATOR", "The query operator NearestByJoin contains one or more unsupported "
            "expressions.\nConsider to rewrite it to avoid window functions, aggregate functions, and generator "
            f"functions in the NearestByJoin operator.\nInvalid expressions: [\"{invalid[0].sql()}\"]", "42K0E")


def nearest_by_join(left: DataFrame, right: DataFrame, ranking: Column, num_results: Any, mode: str,
                    direction: str, join_type: str) -> DataFrame:
    """``left``'s columns, then ``right``'s, for each left row's best ``num_results`` right rows."""
    k = int(num_results)
    _check(ranking, k, mode, direction, join_type)
    outer = _JOIN_TYPES[join_type.lower()]
    n_left = len(left.columns)
    query_id, rank, position, matches = (f"__nearest_{what}" for what in ("qid", "rank", "pos", "matches"))
    ided = left.withColumn(query_id, F.monotonically_increasing_id())
    pairs = ided.join(right, F.lit(True), "left") if outer else ided.crossJoin(right)
    columns = [Column(a) for a in plan_of(pairs).output]
    left_columns, right_columns = columns[:n_left], columns[n_left + 1:]
    order = F.col(rank).desc_nulls_last() if direction.lower() == "similarity" else F.col(rank).asc_nulls_last()
    ranked = (pairs.withColumn(rank, ranking)
              .withColumn(position, F.row_number().over(Window.partitionBy(query_id).orderBy(order)))
              .withColumn(matches, F.count(rank).over(Window.partitionBy(query_id))))
    match = (F.col(position) <= k) & F.col(rank).isNotNull()
    if not outer:
        return ranked.filter(match).select(*left_columns, *right_columns)
    unmatched = F.col(matches) == 0
    kept = ranked.filter(match | (unmatched & (F.col(position) == 1)))
    nulled = [F.when(~unmatched, c).alias(a.name) for c, a in zip(right_columns, plan_of(pairs).output[n_left + 1:])]
    return kept.select(*left_columns, *nulled)
