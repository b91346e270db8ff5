"""``df.stat`` and the DataFrame methods behind it: corr, cov, crosstab, freqItems, approxQuantile, sampleBy.

Each one checks its arguments as PySpark does (same error classes and messages), then runs as
an ordinary query: correlation and covariance as one aggregate, ``crosstab`` as a count per
pair of values pivoted on the driver, ``freqItems`` with Spark's one-pass frequent-items counter
per partition merged on the driver, and ``approxQuantile`` exactly: the nearest-rank value
(the smallest with at least ``p`` of the non-NULL, non-NaN values at or below it), which is
Spark's answer at ``relativeError=0`` and within any larger relative error asked for.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ember.sql import types as T
from ember.sql.display import format_value
from ember.sql.errors import EmberTypeError, EmberValueError
from ember.sql.type_json import scala_string

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["DataFrameStatFunctions", "corr", "cov", "crosstab", "freq_items", "approx_quantile"]


def _expect(value: Any, types: type | tuple[type, ...], arg: str, expected: str) -> None:
    if not isinstance(value, types):
        raise EmberTypeError("NOT_EXPECTED_TYPE",
                             f"Argument `{arg}` should be {expected}, got {type(value).__name__}.")


def _field_type(df: DataFrame, name: str) -> T.DataType:
    return df.select(name).schema.fields[0].dataType


def _paired(df: DataFrame, col1: Any, col2: Any, what: str, fn: str, if_null: float) -> float:
    """Spark's ``corr``/``covar_samp`` over the columns as doubles, NULLs counted as 0.0, and
    ``if_null`` when the aggregate is NULL (fewer than two rows)."""
    from ember.sql import functions as F

    _expect(col1, str, "col1", "str")
    _expect(col2, str, "col2", "str")
    cols = []
    for name in (col1, col2):
        dt = _field_type(df, name)
        if not isinstance(dt, T.NumericType):
            raise EmberValueError(f"requirement failed: Currently {what} calculation for columns with dataType "
                                  f"{dt.simpleString()} not supported.")
        cols.append(F.when(F.col(name).isNull(), F.lit(0.0)).otherwise(F.col(name).cast("double")))
    value = df.agg(getattr(F, fn)(*cols)).first()[0]
    return if_null if value is None else value


def corr(df: DataFrame, col1: Any, col2: Any, method: str | None = None) -> float:
    """Pearson's correlation coefficient of two numeric columns."""
    _expect(col1, str, "col1", "str")
    _expect(col2, str, "col2", "str")
    if (method or "pearson") != "pearson":
        raise EmberValueError("VALUE_NOT_ALLOWED",
                              "Value for `method` has to be amongst the following values: ['pearson'].")
    return _paired(df, col1, col2, "correlation", "corr", math.nan)


def cov(df: DataFrame, col1: Any, col2: Any) -> float:
    """The sample covariance of two numeric columns."""
    return _paired(df, col1, col2, "covariance", "covar_samp", 0.0)


def crosstab(df: DataFrame, col1: Any, col2: Any) -> DataFrame:
    """Pair counts: one row per value of ``col1`` (as a string, ``null`` for NULL), one column per
    value of ``col2`` (their strings, sorted as strings), named ``{col1}_{col2}`` first."""
    from ember.sql import functions as F

    _expect(col1, str, "col1", "str")
    _expect(col2, str, "col2", "str")
    counts = df.groupBy(F.col(col1).cast("string"), F.col(col2).cast("string")).count().collect()
    label = {None: "null"}
    columns = sorted({label.get(r[1], r[1]) for r in counts})
    position = {c: i for i, c in enumerate(columns)}
    table: dict[str, list[int]] = {}
    for first, second, n in counts:
        row = table.setdefault(label.get(first, first), [0] * len(columns))
        row[position[label.get(second, second)]] = n
    schema = T.StructType([T.StructField(f"{col1}_{col2}".replace("`", ""), T.StringType())] +
                          [T.StructField(c.replace("`", ""), T.LongType()) for c in columns])
    rows = [(k, *v) for k, v in sorted(table.items())]
    return df.sparkSession.createDataFrame(rows, schema)


class _FrequentItems:
    """Spark's one-pass frequent-items counter (Karp, Schenker and Papadimitriou): at most
    ``size`` candidates; a new item when full lowers every count by the smallest one."""

    def __init__(self, size: int):
        self.size = size
        self.counts: dict[Any, int] = {}

    def add(self, key: Any, count: int = 1) -> None:
        counts = self.counts
        if key in counts:
            counts[key] += count
        elif len(counts) < self.size:
            counts[key] = count
        else:
            smallest = min(counts.values(), default=0)
            if count - smallest >= 0:
                counts[key] = count
                self.counts = {k: v - smallest for k, v in counts.items() if v > smallest}
            else:
                self.counts = {k: v - count for k, v in counts.items()}

    def merge(self, other: _FrequentItems) -> _FrequentItems:
        for key, count in other.counts.items():
            self.add(key, count)
        return self


class _NaNKey:
    """One key for every NaN, as Spark's boxed doubles compare NaN equal to NaN (and it survives
    pickling from the workers, which ``float('nan')`` identity would not)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _NaNKey)

    def __hash__(self) -> int:
        return 0x7FF8


_NAN = _NaNKey()


def _key(value: Any) -> Any:
    return _NAN if isinstance(value, float) and math.isnan(value) else value


def _partition_counters(size: int, n: int):
    def count(rows):
        counters = [_FrequentItems(size) for _ in range(n)]
        for row in rows:
            for counter, value in zip(counters, row):
                counter.add(_key(value))
        yield counters

    return count


def _merge(a: list[_FrequentItems], b: list[_FrequentItems]) -> list[_FrequentItems]:
    return [x.merge(y) for x, y in zip(a, b)]


def _ordered(keys: list[Any]) -> list[Any]:
    """Spark leaves the order open; NULL first, then sorted values, then NaN, for a stable answer."""
    plain = [k for k in keys if k is not None and k != _NAN]
    try:
        plain.sort()
    except TypeError:
        pass
    return ([None] if None in keys else []) + plain + ([math.nan] if _NAN in keys else [])


def freq_items(df: DataFrame, cols: Any, support: float | None = None) -> DataFrame:
    """Per column, the values that may occur in more than ``support`` of the rows (the list has
    no false negatives, and may have false positives), as a one-row DataFrame of arrays."""
    if isinstance(cols, tuple):
        cols = list(cols)
    _expect(cols, list, "cols", "list or tuple")
    support = support or 0.01
    if not 1e-4 <= support <= 1.0:
        shown = format_value(float(support), T.DoubleType())
        raise EmberValueError(f"requirement failed: Support must be in [1e-4, 1], but got {shown}.")
    selected = df.select(*cols)
    size = int(1 / support)
    counters = [_FrequentItems(size) for _ in cols]
    for partition in selected.rdd.mapPartitions(_partition_counters(size, len(cols))).collect():
        counters = _merge(counters, partition)
    schema = T.StructType([T.StructField(f"{f.name}_freqItems", T.ArrayType(f.dataType))
                           for f in selected.schema.fields])
    row = tuple(_ordered(list(c.counts)) for c in counters)
    return df.sparkSession.createDataFrame([row], schema)


def approx_quantile(df: DataFrame, col: Any, probabilities: Any, relativeError: Any) -> list:
    """Quantiles of numeric columns, NULLs and NaNs left out: a list per column (or one list
    for a single column name); empty lists for columns without values."""
    _expect(col, (str, list, tuple), "col", "list, str or tuple")
    single = isinstance(col, str)
    cols = [col] if single else list(col)
    for c in cols:
        if not isinstance(c, str):
            raise EmberTypeError("DISALLOWED_TYPE_FOR_CONTAINER", f"Argument `col`(type: {type(col).__name__}) "
                                 f"should only contain a type in [str], got {type(c).__name__}")
    _expect(probabilities, (list, tuple), "probabilities", "list or tuple")
    for p in probabilities:
        if not isinstance(p, (float, int)) or p < 0 or p > 1:
            raise EmberTypeError("NOT_EXPECTED_TYPE", "Argument `probabilities` should be list[float, int], got "
                                 f"{type(p).__name__}.")
    _expect(relativeError, (float, int), "relativeError", "float or int")
    if relativeError < 0:
        raise EmberValueError("NEGATIVE_VALUE", "Value for `relativeError` must be greater than or equal to 0, "
                              f"got '{relativeError}'.")
    for c in cols:
        dt = _field_type(df, c)
        if not isinstance(dt, T.NumericType):
            raise EmberValueError(f"requirement failed: Quantile calculation for column {c} with data type "
                                  f"{scala_string(dt)} is not supported.")
    from ember.sql import functions as F

    table = df.select(*[F.col(c).cast("double") for c in cols]).toArrow()
    out = []
    for i in range(len(cols)):
        values = table.column(i).drop_null().to_numpy(zero_copy_only=False)
        ordered = np.sort(values[~np.isnan(values)])
        if not len(ordered):
            out.append([])
            continue
        out.append([float(ordered[max(0, math.ceil(p * len(ordered)) - 1)]) for p in probabilities])
    return out[0] if single else out


class DataFrameStatFunctions:
    """``df.stat``: the statistics methods of a DataFrame, under PySpark's names.

    >>> df = spark.createDataFrame([(1, 2.0, "a"), (2, 4.0, "b"), (3, 6.5, "a"), (4, 8.0, "b"), (5, 9.0, "a")],
    ...                            ["x", "y", "k"])
    >>> round(df.stat.corr("x", "y"), 6), round(df.stat.cov("x", "y"), 6)
    (0.987878, 4.5)
    >>> df.stat.approxQuantile("x", [0.0, 0.5, 1.0], 0.0)
    [1.0, 3.0, 5.0]
    >>> df.stat.crosstab("k", "x").orderBy("k_x").show()
    +---+---+---+---+---+---+
    |k_x|  1|  2|  3|  4|  5|
    +---+---+---+---+---+---+
    |  a|  1|  0|  1|  0|  1|
    |  b|  0|  1|  0|  1|  0|
    +---+---+---+---+---+---+
    <BLANKLINE>
    >>> df.stat.freqItems(["k"], 0.5).collect()  # may include false positives, as in Spark
    [Row(k_freqItems=['a', 'b'])]
    """

    def __init__(self, df: DataFrame):
        self.df = df

    def approxQuantile(self, col: Any, probabilities: Any, relativeError: Any) -> list:
        return self.df.approxQuantile(col, probabilities, relativeError)

    def corr(self, col1: str, col2: str, method: str | None = None) -> float:
        return self.df.corr(col1, col2, method)

    def cov(self, col1: str, col2: str) -> float:
        return self.df.cov(col1, col2)

    def crosstab(self, col1: str, col2: str) -> DataFrame:
        return self.df.crosstab(col1, col2)

    def freqItems(self, cols: list[str], support: float | None = None) -> DataFrame:
        return self.df.freqItems(cols, support)

    def sampleBy(self, col: Any, fractions: dict, seed: int | None = None) -> DataFrame:
        return self.df.sampleBy(col, fractions, seed)
