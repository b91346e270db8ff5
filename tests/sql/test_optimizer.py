"""Optimizer rules, before and after, on analysed plans."""

from __future__ import annotations

from ember.sql import functions as F
from ember.sql.optimizer import optimize
from ember.sql.optimizer.combine_filters import combine_filters
from ember.sql.optimizer.push_down_predicates import push_down_predicates
from ember.sql.plan import logical as L


def test_filters_are_pushed_into_join_sides_and_combined(spark):
    left = spark.createDataFrame([(1, "a")], "k INT, s STRING")
    right = spark.createDataFrame([(1, 2.0)], "k INT, v DOUBLE")
    df = left.join(right, "k").where(F.col("s") == "a").where(F.col("v") > 1.0)
    plan = optimize(df._plan)
    filters = [n for n in plan.walk() if isinstance(n, L.Filter)]
    assert all(isinstance(n.child, (L.LocalRelation, L.Project)) for n in filters)
    assert len(filters) == 2
    assert sorted(df.collect()) == [(1, "a", 2.0)]


def test_rules_switch_off_by_flag(spark):
    df = spark.range(5).where(F.col("id") > 1).where(F.col("id") < 4)
    assert isinstance(optimize(df._plan, flags={"combine_filters": False}).child, L.Filter)
    assert not isinstance(combine_filters(df._plan).child, L.Filter)
    assert push_down_predicates(df._plan) == df._plan


def test_explain_shows_folded_constants(spark, capsys):
    spark.range(3).select((F.col("id") * 2.5 + 1).alias("x")).explain(True)
    out = capsys.readouterr().out
    assert "== Optimized Logical Plan ==" in out and "cast(1 as double)" not in out.split("Optimized")[1]


def test_scans_get_pushed_filters_and_only_the_columns_read(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ember.sql.optimizer.push_down_into_scans import push_down_into_scans

    pq.write_table(pa.table({"a": [1, 2], "b": ["x", "y"], "c": [1.0, 2.0]}), tmp_path / "t.parquet")
    df = spark.read.parquet(str(tmp_path)).where((F.col("b") == "y") & (F.col("a") + 1 > 0)).select("a")
    before = df._plan
    after = optimize(before)
    scan = next(n for n in after.walk() if isinstance(n, L.FileScan))
    assert [a.name for a in scan.attributes] == ["a", "b"]
    assert [str(f.sql()) for f in scan.pushed_filters] == ["(b = y)"]
    assert push_down_into_scans(after) == after
    assert df.collect() == [(2,)]
    counted = optimize(spark.read.parquet(str(tmp_path)).groupBy().count()._plan)
    assert [a.name for a in next(n for n in counted.walk() if isinstance(n, L.FileScan)).attributes] == ["a"]


def test_a_limit_over_a_union_of_reordered_inputs_converges(spark):
    # unionByName reorders the second input under a projection; show() puts a limit on top.
    df1 = spark.createDataFrame([[1, 2, 3]], ["col0", "col1", "col2"])
    df2 = spark.createDataFrame([[4, 5, 6]], ["col1", "col2", "col0"])
    union = df1.unionByName(df2)
    optimize(L.Limit(21, union._plan))
    # PySpark 4.3: [Row(col0=1, col1=2, col2=3), Row(col0=6, col1=4, col2=5)]
    assert union.limit(21).collect() == [(1, 2, 3), (6, 4, 5)]
    assert df1.union(df2).limit(5).collect() == [(1, 2, 3), (4, 5, 6)]
