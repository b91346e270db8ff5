"""``sample``, ``randomSplit`` and ``sampleBy``: rows kept by a seeded random draw per row.

As in Spark, sampling without replacement keeps a row when its uniform draw in [0, 1) falls in
``[lower, upper)`` (Bernoulli sampling; ``randomSplit`` gives each split its own interval of
one draw, so the splits are disjoint and cover every row), and sampling with replacement
repeats a row by a Poisson count. The draws are numpy's, seeded by the seed and the
partition: a seed gives the same sample on every run over the same partitioning, but not the
rows Spark's XORShift generator would pick; fractions and statistics are Spark's.
"""

from __future__ import annotations

import random
import sys
from typing import TYPE_CHECKING, Any

from ember.sql import expressions as E
from ember.sql import types as T
from ember.sql.column import Column
from ember.sql.errors import EmberTypeError, EmberValueError
from ember.sql.expressions.sampling import PoissonDraw

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["sample_arguments", "sample", "random_split", "sample_by"]

_DRAW = "__ember_sample_draw"


def _random_seed() -> int:
    return random.randint(0, sys.maxsize)


def sample_arguments(withReplacement: Any, fraction: Any, seed: Any) -> tuple[bool, float, int]:
    """PySpark's reading of ``sample``'s flexible arguments: ``(0.5)``, ``(0.5, seed)``,
    ``(False, 0.5[, seed])``, ``(fraction=0.5)``."""
    if isinstance(withReplacement, bool) and isinstance(fraction, float):
        return withReplacement, fraction, int(seed) if seed is not None else _random_seed()
    if withReplacement is None and isinstance(fraction, float):
        return False, fraction, int(seed) if seed is not None else _random_seed()
    if isinstance(withReplacement, float):
        return False, withReplacement, int(fraction) if fraction is not None else _random_seed()
    types = ", ".join(type(a).__name__ for a in (withReplacement, fraction, seed))
    raise EmberTypeError("NOT_EXPECTED_TYPE", "Argument `withReplacement (optional), fraction (required) and seed "
                         f"(optional)` should be bool, float or int, got {types}.")


def _columns(df: DataFrame) -> list[Column]:
    from ember.sql.dataframe import plan_of

    return [Column(a) for a in plan_of(df).output]


def _keep(df: DataFrame, draw: E.Expression, keep) -> DataFrame:
    """The rows of ``df`` for which ``keep(draw)`` holds; the draw is a column of its own
    projection, so no later filter is pushed below it and changes the rows it sees."""
    from ember.sql.dataframe import plan_of

    drawn = df.select(*_columns(df), Column(draw).alias(_DRAW))
    value = Column(plan_of(drawn).output[-1])
    return drawn.filter(keep(value)).select(*_columns(df))


def sample(df: DataFrame, with_replacement: bool, fraction: float, seed: int) -> DataFrame:
    from ember.sql.dataframe import plan_of

    if with_replacement:
        if fraction < 0:
            raise EmberValueError(f"requirement failed: Sampling fraction ({fraction}) must be nonnegative with "
                                  "replacement")
    elif not 0 <= fraction <= 1:
        raise EmberValueError(f"requirement failed: Sampling fraction ({fraction}) must be on interval [0, 1] "
                              "without replacement")
    if not with_replacement:
        return _keep(df, E.Rand(seed), lambda r: r < fraction)
    from ember.sql import functions as F

    drawn = df.select(*_columns(df), Column(PoissonDraw(seed, fraction)).alias(_DRAW))
    count = Column(plan_of(drawn).output[-1])
    repeated = drawn.filter(count > 0).select(
        *_columns(df), F.explode(F.array_repeat(F.lit(0), count)).alias(_DRAW))
    return repeated.select(*_columns(df))


def _orderable(dt: T.DataType) -> bool:
    if isinstance(dt, T.MapType):
        return False
    if isinstance(dt, T.ArrayType):
        return _orderable(dt.elementType)
    if isinstance(dt, T.StructType):
        return all(_orderable(f.dataType) for f in dt.fields)
    return True


def random_split(df: DataFrame, weights: list[float], seed: int | None) -> list[DataFrame]:
    """One DataFrame per weight, each the rows whose draw falls in its share of [0, 1).

    Each partition is first sorted by its orderable columns, as Spark does, so every split
    sees the rows in the same order and the splits stay disjoint even over a shuffle."""
    from ember.sql.dataframe import plan_of

    for w in weights:
        if w < 0.0:
            raise EmberValueError("VALUE_NOT_POSITIVE", f"Value for `weights` must be positive, got '{w}'.")
    total = sum(weights)
    if total <= 0:
        raise EmberValueError(f"requirement failed: Sum of weights must be positive, but got {weights}")
    seed = int(seed) if seed is not None else _random_seed()
    keys = [Column(a) for a in plan_of(df).output if _orderable(a.data_type)]
    ordered = df.sortWithinPartitions(*keys) if keys else df
    bounds = [0.0]
    for w in weights:
        bounds.append(bounds[-1] + w / total)
    return [_keep(ordered, E.Rand(seed), lambda r, lo=lo, hi=hi: (r >= lo) & (r < hi))
            for lo, hi in zip(bounds, bounds[1:])]


def sample_by(df: DataFrame, col: Any, fractions: dict, seed: int | None) -> DataFrame:
    """A stratified sample: a row of stratum ``col == k`` is kept with probability ``fractions[k]``
    (0 for strata not listed)."""
    from ember.sql import functions as F

    if isinstance(col, str):
        col = F.col(col)
    elif not isinstance(col, Column):
        raise EmberTypeError("NOT_EXPECTED_TYPE", f"Argument `col` should be Column or str, got {type(col).__name__}.")
    if not isinstance(fractions, dict):
        raise EmberTypeError("NOT_EXPECTED_TYPE",
                             f"Argument `fractions` should be dict, got {type(fractions).__name__}.")
    for k in fractions:
        if not isinstance(k, (float, int, str)):
            raise EmberTypeError("DISALLOWED_TYPE_FOR_CONTAINER", "Argument `fractions`(type: dict) should only "
                                 f"contain a type in [float, int, str], got {type(k).__name__}")
    fractions = {k: float(v) for k, v in fractions.items()}
    if any(not 0 <= v <= 1 for v in fractions.values()):
        shown = ", ".join(f"{k} -> {v}" for k, v in fractions.items())
        raise EmberValueError(f"requirement failed: Fractions must be in [0, 1], but got Map({shown}).")
    seed = int(seed) if seed is not None else _random_seed()
    threshold = F.lit(0.0)
    for k, v in fractions.items():
        threshold = F.when(col == k, F.lit(v)).otherwise(threshold)
    return _keep(df, E.Rand(seed), lambda r: r < threshold)
