"""``describe()`` and ``summary()``: statistics of columns as a small DataFrame of strings.

Counts, means, standard deviations, minima and maxima come from one aggregate job.
Percentiles (``summary``'s ``25%`` etc.) take the nearest-rank value (the smallest value with
at least ``p`` of the non-NULL values at or below it), which is what Spark's
``approx_percentile`` returns at its default accuracy for the data sizes where it is exact;
they are computed on the driver from the numeric columns alone. Every statistic is rendered
as Spark casts it to a string (``2.0``, ``NULL`` for a mean of strings).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ember.sql import functions as F
from ember.sql import types as T
from ember.sql.display import format_value
from ember.sql.errors import EmberValueError
from ember.sql.column import expression_of

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["describe", "summary", "DEFAULT_STATISTICS"]

DEFAULT_STATISTICS = ("count", "mean", "stddev", "min", "25%", "50%", "75%", "max")
_AGGREGATES = {"count": F.count, "mean": F.avg, "stddev": F.stddev, "min": F.min, "max": F.max}


def _percent(stat: str) -> float | None:
    if not stat.endswith("%"):
        return None
    try:
        value = float(stat[:-1]) / 100
    except ValueError:
        return None
    return value if 0 <= value <= 1 else None


def _columns(df: DataFrame, cols: tuple[str, ...]) -> list[T.StructField]:
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = tuple(cols[0])
    if cols:
        return [df.schema[expression_of(df[c]).name] for c in cols]
    return [f for f in df.schema.fields if isinstance(f.dataType, (T.NumericType, T.StringType))]


def _percentiles(df: DataFrame, fields: list[T.StructField], ps: list[float]) -> dict[tuple[str, float], Any]:
    numeric = [f.name for f in fields if isinstance(f.dataType, T.NumericType)]
    if not numeric or not ps:
        return {}
    table = df.select(*numeric).toArrow()
    out: dict[tuple[str, float], Any] = {}
    for name in numeric:
        values = table.column(name).drop_null().to_numpy(zero_copy_only=False)
        ordered = np.sort(values)
        for p in ps:
            if len(ordered):
                out[(name, p)] = ordered[max(0, math.ceil(p * len(ordered)) - 1)].item()
    return out


def summary(df: DataFrame, statistics: tuple[str, ...], cols: tuple[str, ...] = ()) -> DataFrame:
    statistics = tuple(statistics) or DEFAULT_STATISTICS
    for stat in statistics:
        if stat not in _AGGREGATES and _percent(stat) is None:
            raise EmberValueError("SUMMARY_STATISTIC_NOT_RECOGNIZED", f"{stat} is not a recognised statistic.")
    fields = _columns(df, cols)
    aggs, keys = [], []
    for stat in statistics:
        if stat in _AGGREGATES:
            for f in fields:
                numeric = isinstance(f.dataType, T.NumericType)
                if stat in ("mean", "stddev") and not numeric:
                    continue
                aggs.append(_AGGREGATES[stat](f.name))
                keys.append((stat, f.name))
    values = dict(zip(keys, df.agg(*aggs).first())) if aggs else {}
    percentiles = _percentiles(df, fields, [p for s in statistics if (p := _percent(s)) is not None])
    rows = []
    for stat in statistics:
        row = [stat]
        for f in fields:
            p = _percent(stat)
            if p is not None:
                value, dt = percentiles.get((f.name, p)), f.dataType
            else:
                value = values.get((stat, f.name))
                dt = f.dataType if stat in ("min", "max") else (T.LongType() if stat == "count" else T.DoubleType())
            row.append(None if value is None else format_value(value, dt))
        rows.append(tuple(row))
    schema = T.StructType([T.StructField("summary", T.StringType())] +
                          [T.StructField(f.name, T.StringType()) for f in fields])
    return df.sparkSession.createDataFrame(rows, schema)


def describe(df: DataFrame, cols: tuple[str, ...]) -> DataFrame:
    return summary(df, ("count", "mean", "stddev", "min", "max"), cols)
