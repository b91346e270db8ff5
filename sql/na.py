"""``df.na`` (``DataFrameNaFunctions``): fill, drop and replace missing values.

Each method builds one ``Project`` or ``Filter`` over the DataFrame's plan. As in Spark, a
fill value applies only to columns of a matching kind (a number to numeric columns, cast to
each column's type; a string to string columns; a bool to boolean columns), and NaN counts
as missing in floating-point columns for both ``fill`` and ``drop``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ember.sql import functions as F
from ember.sql import types as T
from ember.sql.column import Column
from ember.sql.errors import EmberTypeError, EmberValueError

if TYPE_CHECKING:
    from ember.sql.dataframe import DataFrame

__all__ = ["DataFrameNaFunctions"]


def _accepts(dt: T.DataType, value: Any) -> bool:
    if isinstance(value, bool):
        return isinstance(dt, T.BooleanType)
    if isinstance(value, (int, float)):
        return isinstance(dt, T.NumericType)
    if isinstance(value, str):
        return isinstance(dt, T.StringType)
    return False


def _missing(c: Column, dt: T.DataType) -> Column:
    if isinstance(dt, (T.FloatType, T.DoubleType)):
        return c.isNull() | F.isnan(c)
    return c.isNull()


class DataFrameNaFunctions:
    """``df.na``: replace or drop missing values (null, and NaN in floating-point columns).

    >>> df = spark.createDataFrame([(10, 80.5, "Alice"), (5, None, "Bob"), (None, None, "Tom"),
    ...                             (None, None, None)], ["age", "height", "name"])
    >>> df.na.fill(50).show()
    +---+------+-----+
    |age|height| name|
    +---+------+-----+
    | 10|  80.5|Alice|
    |  5|  50.0|  Bob|
    | 50|  50.0|  Tom|
    | 50|  50.0| NULL|
    +---+------+-----+
    <BLANKLINE>
    >>> df.na.drop(thresh=2).count()
    2
    >>> df.na.replace("Alice", "Ann").select("name").first()
    Row(name='Ann')
    """

    def __init__(self, df: DataFrame):
        self._df = df

    def _fields(self, subset: Any) -> list[T.StructField]:
        if subset is None:
            return list(self._df.schema.fields)
        names = [subset] if isinstance(subset, str) else list(subset)
        by_lower = {f.name.lower(): f for f in self._df.schema.fields}
        for n in names:
            if n.lower() not in by_lower:
                self._df[n]  # raises Spark's unresolved-column error with suggestions
        return [by_lower[n.lower()] for n in names]

    def fill(self, value: Any, subset: Any = None) -> DataFrame:
        """Replace nulls by ``value`` in the columns of a matching type (all, ``subset``, or a dict's keys).

        >>> df = spark.createDataFrame([(1, None), (None, "x")], "a INT, b STRING")
        >>> df.na.fill({"a": 0, "b": "?"}).collect()
        [Row(a=1, b='?'), Row(a=0, b='x')]
        """
        if isinstance(value, dict):
            values = {k.lower(): v for k, v in value.items()}
            targets = {f.name: values[f.name.lower()] for f in self._fields(list(value))}
        elif isinstance(value, (bool, int, float, str)):
            targets = {f.name: value for f in self._fields(subset) if _accepts(f.dataType, value)}
        else:
            raise EmberTypeError("NOT_BOOL_OR_DICT_OR_FLOAT_OR_INT_OR_STR",
                                 f"Argument `value` should be a bool, dict, float, int or str, got {type(value).__name__}.")
        replaced = {}
        for f in self._df.schema.fields:
            if f.name in targets:
                c = self._df[f.name]
                replaced[f.name] = F.when(_missing(c, f.dataType), F.lit(targets[f.name]).cast(f.dataType)).otherwise(c)
        return self._df.withColumns(replaced) if replaced else self._df

    def drop(self, how: str = "any", thresh: int | None = None, subset: Any = None) -> DataFrame:
        """Drop rows with a null (``how="any"``), only all-null rows (``"all"``), or fewer than ``thresh`` values.

        >>> df = spark.createDataFrame([(1, None), (None, None), (3, 4)], "a INT, b INT")
        >>> df.na.drop().collect(), df.na.drop(how="all").count()
        ([Row(a=3, b=4)], 2)
        """
        if how not in ("any", "all"):
            raise EmberValueError("VALUE_NOT_ANY_OR_ALL", f"Value for `how` must be 'any' or 'all', got '{how}'.")
        fields = self._fields(subset)
        if not fields:
            return self._df
        present = None
        for f in fields:
            one = F.when(_missing(self._df[f.name], f.dataType), 0).otherwise(1)
            present = one if present is None else present + one
        need = thresh if thresh is not None else (len(fields) if how == "any" else 1)
        return self._df.filter(present >= need)

    def replace(self, to_replace: Any, value: Any = None, subset: Any = None) -> DataFrame:
        """Replace values equal to ``to_replace`` (a value, list or dict) in columns of a matching type.

        >>> df = spark.createDataFrame([(1, "a"), (2, "b")], ["n", "s"])
        >>> df.na.replace({"a": "A", "b": "B"}).collect()
        [Row(n=1, s='A'), Row(n=2, s='B')]
        >>> df.na.replace(1, 10, subset=["n"]).collect()
        [Row(n=10, s='a'), Row(n=2, s='b')]
        """
        mapping = to_replace if isinstance(to_replace, dict) else (
            dict(zip(to_replace, value if isinstance(value, (list, tuple)) else [value] * len(to_replace)))
            if isinstance(to_replace, (list, tuple)) else {to_replace: value})
        replaced = {}
        for f in self._fields(subset):
            pairs = [(old, new) for old, new in mapping.items() if _accepts(f.dataType, old)]
            if not pairs:
                continue
            c = self._df[f.name]
            expr = None
            for old, new in pairs:
                target = F.lit(new).cast(f.dataType)
                expr = F.when(c == old, target) if expr is None else expr.when(c == old, target)
            replaced[f.name] = expr.otherwise(c)
        return self._df.withColumns(replaced) if replaced else self._df
