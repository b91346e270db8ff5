"""pandas UDFs, mapInPandas/mapInArrow, applyInPandas and cogroup: results captured from PySpark 4.3."""

from __future__ import annotations

from typing import Iterator

import pandas as pd
import pyarrow.compute as pc
import pytest

from ember.sql import functions as F
from ember.sql.functions import pandas_udf


@pandas_udf("long")
def pplus(s: pd.Series) -> pd.Series:
    return s + 1


@pandas_udf("double")
def padd(a: pd.Series, b: pd.Series) -> pd.Series:
    return a + b


@pandas_udf("a long, b string")
def pstruct(a: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"a": a, "b": a.astype(str)})


@pandas_udf("long")
def piter(it: Iterator[pd.Series]) -> Iterator[pd.Series]:
    for s in it:
        yield s * 10


@pandas_udf("double")
def pmean(v: pd.Series) -> float:
    return v.mean()


@pytest.fixture(scope="module")
def values(spark):
    return spark.createDataFrame([(1, 1.0), (1, 2.0), (2, 3.0), (2, 5.0), (2, 10.0)], ("id", "v"))


def test_pandas_udf_kinds_come_from_type_hints():
    assert (pplus.evalType, piter.evalType, pmean.evalType, pstruct.evalType) == (200, 204, 202, 200)
    assert pandas_udf(lambda s: s, "long").evalType == 200  # no hints: scalar


def test_scalar_iterator_and_struct_pandas_udfs(values):
    df = values.select(pplus("id"), padd("id", "v"), pstruct("id"), piter("id"))
    assert df.columns == ["pplus(id)", "padd(id, v)", "pstruct(id)", "piter(id)"]
    rows = [(r[0], r[1], tuple(r[2]), r[3]) for r in df.collect()]
    assert rows == [(2, 2.0, (1, "1"), 10), (2, 3.0, (1, "1"), 10), (3, 5.0, (2, "2"), 20),
                    (3, 7.0, (2, "2"), 20), (3, 12.0, (2, "2"), 20)]


def test_grouped_aggregate_pandas_udf_in_agg(values):
    df = values.groupby("id").agg(pmean("v"), F.max("v")).orderBy("id")
    assert df.columns == ["id", "pmean(v)", "max(v)"]
    assert [tuple(r) for r in df.collect()] == [(1, 1.5, 2.0), (2, 6.0, 10.0)]
    assert values.agg(pmean("v")).collect()[0][0] == 4.2


def test_grouped_aggregate_pandas_udf_over_windows(spark):
    from ember.sql.window import Window

    df = spark.createDataFrame([(1, 1.0), (1, 2.0), (2, 3.0), (2, 5.0)], ("id", "v"))
    whole = df.withColumn("m", pmean("v").over(Window.partitionBy("id"))).orderBy("id", "v").collect()
    assert [r.m for r in whole] == [1.5, 1.5, 4.0, 4.0]
    running = Window.partitionBy("id").orderBy("v").rowsBetween(Window.unboundedPreceding, 0)
    rows = df.withColumn("m", pmean("v").over(running)).orderBy("id", "v").collect()
    assert [r.m for r in rows] == [1.0, 1.5, 3.0, 4.0]


def test_udf_with_pandas_type_hints_is_a_pandas_udf():
    from ember.sql.functions import udf

    @udf("long")
    def hinted(s: pd.Series) -> pd.Series:
        return s + 1

    assert hinted.evalType == 200


def test_grouped_aggregate_pandas_udf_of_two_columns(values):
    @pandas_udf("double")
    def weighted(v: pd.Series, w: pd.Series) -> float:
        return float((v * w).sum())

    rows = values.groupby("id").agg(weighted("v", "id")).orderBy("id").collect()
    assert [tuple(r) for r in rows] == [(1, 3.0), (2, 36.0)]


def test_pandas_udf_result_of_the_wrong_length_fails_the_query(values):
    @pandas_udf("long")
    def one(s: pd.Series) -> pd.Series:
        return pd.Series([1])

    with pytest.raises(ValueError, match="RESULT_ROWS_MISMATCH"):
        values.select(one("id")).collect()


def test_map_in_pandas_and_arrow(values):
    def only_ones(it):
        for pdf in it:
            yield pdf[pdf.id == 1]

    assert [tuple(r) for r in values.mapInPandas(only_ones, values.schema).collect()] == [(1, 1.0), (1, 2.0)]
    doubled = values.mapInPandas(lambda it: (p.assign(w=p.v * 2)[["id", "w"]] for p in it), "id long, w double")
    assert [tuple(r) for r in doubled.collect()] == [(1, 2.0), (1, 4.0), (2, 6.0), (2, 10.0), (2, 20.0)]

    def big(it):
        for b in it:
            yield b.filter(pc.greater(b.column("v"), 2.0))

    assert [tuple(r) for r in values.mapInArrow(big, values.schema).collect()] == [(2, 3.0), (2, 5.0), (2, 10.0)]


def test_map_in_pandas_refuses_barrier_mode(values):
    with pytest.raises(TypeError, match="barrier"):
        values.mapInPandas(lambda it: it, values.schema, barrier=True)


def test_map_in_pandas_names_missing_columns(values):
    with pytest.raises(RuntimeError, match="RESULT_COLUMN_NAMES_MISMATCH.*Missing: v"):
        values.mapInPandas(lambda it: (p[["id"]] for p in it), "id long, v double").collect()


def test_apply_in_pandas_per_group_with_and_without_key(values):
    def centre(pdf):
        return pdf.assign(v=pdf.v - pdf.v.mean())

    rows = values.groupby("id").applyInPandas(centre, schema="id long, v double").orderBy("id", "v").collect()
    assert [tuple(r) for r in rows] == [(1, -0.5), (1, 0.5), (2, -3.0), (2, -1.0), (2, 4.0)]

    def sizes(key, pdf):
        return pd.DataFrame({"id": [key[0]], "n": [len(pdf)]})

    rows = values.groupby("id").applyInPandas(sizes, "id long, n long").orderBy("id").collect()
    assert [tuple(r) for r in rows] == [(1, 2), (2, 3)]


def test_cogroup_apply_in_pandas_meets_both_sides_per_key(spark, values):
    other = spark.createDataFrame([(1, "x"), (3, "y"), (1, "z")], ("id", "t"))

    def counts(left, right):
        key = left.id.iloc[0] if len(left) else right.id.iloc[0]
        return pd.DataFrame({"id": [key], "nl": [len(left)], "nr": [len(right)]})

    rows = values.groupby("id").cogroup(other.groupby("id")).applyInPandas(
        counts, "id long, nl long, nr long").orderBy("id").collect()
    assert [tuple(r) for r in rows] == [(1, 2, 2), (2, 3, 0), (3, 0, 1)]

    def keyed(key, left, right):
        return pd.DataFrame({"k": [key[0]], "nl": [len(left)], "nr": [len(right)]})

    rows = values.groupby("id").cogroup(other.groupby("id")).applyInPandas(
        keyed, "k long, nl long, nr long").orderBy("k").collect()
    assert [tuple(r) for r in rows] == [(1, 2, 2), (2, 3, 0), (3, 0, 1)]


def test_error_in_apply_in_pandas_keeps_its_type(values):
    def broken(pdf):
        raise KeyError("no such thing")

    with pytest.raises(KeyError) as info:
        values.groupby("id").applyInPandas(broken, "id long").collect()
    assert "applyInPandas:broken" in "\n".join(info.value.__notes__)
