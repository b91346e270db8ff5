"""``df.stat`` and sampling: corr, cov, crosstab, freqItems, approxQuantile, sample, randomSplit and
sampleBy. Values and errors were captured from PySpark 4.3 (local[1]) on the same rows; the
sampled rows themselves differ from Spark's (another random generator), so samples are checked
for determinism, disjointness and their statistics instead."""

from __future__ import annotations

import math

import pytest

from ember.sql import AnalysisException, Row
from ember.sql import functions as F
from ember.sql.errors import EmberTypeError, EmberValueError

ROWS = [(1, "a", 1.0), (2, "b", 3.0), (3, "a", 2.0), (4, "b", 8.0), (5, "a", 7.0)]
WITH_GAPS = [(1, "a", 1.0), (2, "b", 2.0), (3, "a", float("nan")), (4, None, 4.0)]


@pytest.fixture
def df(spark):
    return spark.createDataFrame(ROWS, ["id", "s", "x"])


@pytest.fixture
def gaps(spark):
    return spark.createDataFrame(WITH_GAPS, ["id", "s", "x"])


# ---------------------------------------------------------------- corr and cov
def test_corr_and_cov_match_pyspark(df):
    assert df.corr("id", "x") == pytest.approx(0.8630442403635763, rel=1e-12)
    assert df.stat.corr("id", "x", "pearson") == pytest.approx(0.8630442403635763, rel=1e-12)
    assert df.cov("id", "x") == pytest.approx(4.25, rel=1e-12)
    assert df.stat.cov("id", "x") == pytest.approx(4.25, rel=1e-12)


def test_corr_of_one_row_is_nan_and_cov_is_zero(df):
    one = df.filter("id = 1")
    assert math.isnan(one.corr("id", "x"))
    assert one.cov("id", "x") == 0.0


def test_corr_and_cov_check_their_arguments(df):
    with pytest.raises(EmberValueError) as e:
        df.corr("id", "x", "spearman")
    assert str(e.value) == ("[VALUE_NOT_ALLOWED] Value for `method` has to be amongst the following values: "
                            "['pearson'].")
    with pytest.raises(EmberTypeError, match=r"Argument `col2` should be str, got int"):
        df.corr("id", 1)
    with pytest.raises(EmberValueError, match=r"requirement failed: Currently correlation calculation for columns "
                                              r"with dataType string not supported."):
        df.corr("id", "s")
    with pytest.raises(EmberValueError, match=r"Currently covariance calculation for columns with dataType string"):
        df.cov("s", "x")
    with pytest.raises(AnalysisException, match="UNRESOLVED_COLUMN.WITH_SUGGESTION"):
        df.corr("id", "nope")


# ---------------------------------------------------------------- crosstab
def test_crosstab_counts_pairs_with_sorted_string_columns(df):
    table = df.crosstab("s", "id")
    assert table.columns == ["s_id", "1", "2", "3", "4", "5"]
    assert sorted(tuple(r) for r in table.collect()) == [("a", 1, 0, 1, 0, 1), ("b", 0, 1, 0, 1, 0)]


def test_crosstab_spells_null_as_null(gaps):
    table = gaps.crosstab("s", "id")
    assert table.schema.simpleString() == "struct<s_id:string,1:bigint,2:bigint,3:bigint,4:bigint>"
    assert sorted(tuple(r) for r in table.collect()) == [
        ("a", 1, 0, 1, 0), ("b", 0, 1, 0, 0), ("null", 0, 0, 0, 1)]


def test_crosstab_of_doubles_and_booleans_uses_their_spark_strings(spark):
    nums = spark.createDataFrame([(1, 10.0), (1, 2.5), (2, 10.0)], ["a", "b"]).crosstab("a", "b")
    assert nums.columns == ["a_b", "10.0", "2.5"]
    assert sorted(tuple(r) for r in nums.collect()) == [("1", 1, 1), ("2", 1, 0)]
    bools = spark.createDataFrame([(True, 1), (False, 2)], ["a", "b"]).crosstab("b", "a")
    assert bools.columns == ["b_a", "false", "true"]
    assert sorted(tuple(r) for r in bools.collect()) == [("1", 0, 1), ("2", 1, 0)]


# ---------------------------------------------------------------- freqItems
def test_freqItems_runs_sparks_counter(df):
    one_partition = df.coalesce(1)
    result = one_partition.freqItems(["s", "id"], 0.4)
    assert result.collect() == [Row(s_freqItems=["a", "b"], id_freqItems=[4, 5])]
    assert df.freqItems(["s", "id"]).schema.simpleString() == (
        "struct<s_freqItems:array<string>,id_freqItems:array<bigint>>")


def test_freqItems_keeps_null_and_one_nan(gaps):
    row = gaps.freqItems(("s", "x")).collect()[0]
    assert set(row.s_freqItems) == {None, "a", "b"}
    assert sorted(v for v in row.x_freqItems if not math.isnan(v)) == [1.0, 2.0, 4.0]
    assert sum(1 for v in row.x_freqItems if math.isnan(v)) == 1


def test_freqItems_checks_its_arguments(df):
    with pytest.raises(EmberTypeError, match=r"Argument `cols` should be list or tuple, got str"):
        df.freqItems("s")
    with pytest.raises(EmberValueError, match=r"requirement failed: Support must be in \[1e-4, 1\], but got 2.0."):
        df.freqItems(["s"], 2.0)
    with pytest.raises(EmberValueError, match=r"but got 1.0E-5."):
        df.freqItems(["s"], 1e-5)


# ---------------------------------------------------------------- approxQuantile
def test_approxQuantile_exact_values(spark, df):
    assert df.approxQuantile("x", [0.0, 0.25, 0.5, 0.75, 1.0], 0.0) == [1.0, 2.0, 3.0, 7.0, 8.0]
    assert df.approxQuantile(["id", "x"], [0.5], 0.1) == [[3.0], [3.0]]
    assert spark.range(1, 11).approxQuantile("id", [0.1, 0.25, 0.5, 0.9], 0.0) == [1.0, 3.0, 5.0, 9.0]


def test_approxQuantile_leaves_out_nan_and_empty_columns_give_empty_lists(df, gaps):
    assert gaps.approxQuantile("x", [0.5, 1.0], 0.0) == [2.0, 4.0]
    assert df.filter("id > 10").approxQuantile("x", [0.5], 0.0) == []
    assert df.filter("id > 9").approxQuantile(["id", "x"], [0.5], 0.0) == [[], []]


def test_approxQuantile_checks_its_arguments(df):
    with pytest.raises(EmberTypeError, match=r"Argument `probabilities` should be list\[float, int\], got float"):
        df.approxQuantile("x", [1.5], 0.0)
    with pytest.raises(EmberValueError) as e:
        df.approxQuantile("x", [0.5], -1.0)
    assert str(e.value) == ("[NEGATIVE_VALUE] Value for `relativeError` must be greater than or equal to 0, got "
                            "'-1.0'.")
    with pytest.raises(EmberValueError, match=r"requirement failed: Quantile calculation for column s with data type "
                                              r"StringType is not supported."):
        df.approxQuantile("s", [0.5], 0.0)
    with pytest.raises(AnalysisException, match="UNRESOLVED_COLUMN.WITH_SUGGESTION"):
        df.approxQuantile("nope", [0.5], 0.0)


# ---------------------------------------------------------------- sample
def test_sample_with_a_seed_is_deterministic_and_near_the_fraction(spark):
    data = spark.range(0, 4000, numPartitions=4)
    first = [r.id for r in data.sample(0.3, 11).collect()]
    assert first == [r.id for r in data.sample(fraction=0.3, seed=11).collect()]
    assert first == [r.id for r in data.sample(False, 0.3, 11).collect()]
    assert len(set(first)) == len(first)
    assert abs(len(first) - 1200) < 5 * math.sqrt(4000 * 0.3 * 0.7)
    assert first != [r.id for r in data.sample(0.3, 12).collect()]
    assert data.sample(0.0, 1).count() == 0 and data.sample(1.0, 1).count() == 4000


def test_sample_with_replacement_repeats_rows_by_a_poisson_count(spark):
    data = spark.range(0, 4000, numPartitions=4)
    drawn = [r.id for r in data.sample(True, 2.0, 5).collect()]
    assert drawn == [r.id for r in data.sample(True, 2.0, 5).collect()]
    assert abs(len(drawn) - 8000) < 5 * math.sqrt(4000 * 2.0)
    assert len(set(drawn)) < len(drawn)
    assert data.sample(True, 2.0, 5).columns == ["id"]


def test_sample_arguments_are_checked_as_pyspark_does(df):
    with pytest.raises(EmberValueError, match=r"Sampling fraction \(-0.1\) must be on interval \[0, 1\] without "
                                              r"replacement"):
        df.sample(fraction=-0.1)
    with pytest.raises(EmberValueError, match=r"Sampling fraction \(1.5\) must be on interval"):
        df.sample(False, 1.5)
    with pytest.raises(EmberValueError, match=r"Sampling fraction \(-1.0\) must be nonnegative with replacement"):
        df.sample(True, -1.0)
    with pytest.raises(EmberTypeError) as e:
        df.sample("x")
    assert str(e.value) == ("[NOT_EXPECTED_TYPE] Argument `withReplacement (optional), fraction (required) and seed "
                            "(optional)` should be bool, float or int, got str, NoneType, NoneType.")


# ---------------------------------------------------------------- randomSplit
def test_randomSplit_splits_are_disjoint_cover_every_row_and_follow_the_weights(spark):
    data = spark.range(0, 3000, numPartitions=3).repartition(3)
    parts = data.randomSplit([1.0, 2.0], 7)
    ids = [sorted(r.id for r in p.collect()) for p in parts]
    assert not set(ids[0]) & set(ids[1])
    assert sorted(ids[0] + ids[1]) == list(range(3000))
    assert abs(len(ids[0]) - 1000) < 5 * math.sqrt(3000 * (1 / 3) * (2 / 3))
    again = [sorted(r.id for r in p.collect()) for p in data.randomSplit([1.0, 2.0], 7)]
    assert again == ids


def test_randomSplit_splits_stay_disjoint_under_later_filters(spark):
    data = spark.range(0, 1000, numPartitions=2)
    a, b = data.randomSplit([0.5, 0.5], 3)
    left = {r.id for r in a.filter("id % 2 = 0").collect()}
    right = {r.id for r in b.filter("id % 2 = 0").collect()}
    assert not left & right and len(left | right) == 500


def test_randomSplit_checks_weights(df):
    with pytest.raises(EmberValueError) as e:
        df.randomSplit([1.0, -1.0])
    assert str(e.value) == "[VALUE_NOT_POSITIVE] Value for `weights` must be positive, got '-1.0'."
    with pytest.raises(EmberValueError, match=r"requirement failed: Sum of weights must be positive"):
        df.randomSplit([0.0, 0.0])


# ---------------------------------------------------------------- sampleBy
def test_sampleBy_keeps_each_stratum_with_its_fraction(spark, df):
    assert sorted(tuple(r) for r in df.sampleBy("s", {"a": 1.0, "b": 0.0}, 3).collect()) == [
        (1, "a", 1.0), (3, "a", 2.0), (5, "a", 7.0)]
    data = spark.range(0, 4000, numPartitions=2).withColumn("k", F.col("id") % 2)
    kept = data.stat.sampleBy("k", {0: 0.5}, 1).collect()
    assert all(r.k == 0 for r in kept)
    assert abs(len(kept) - 1000) < 5 * math.sqrt(2000 * 0.25)
    assert kept == data.sampleBy(F.col("k"), {0: 0.5}, 1).collect()


def test_sampleBy_checks_its_arguments(df):
    with pytest.raises(EmberValueError, match=r"requirement failed: Fractions must be in \[0, 1\], but got "
                                              r"Map\(a -> 2.0\)."):
        df.sampleBy("s", {"a": 2.0})
    with pytest.raises(EmberTypeError, match=r"Argument `col` should be Column or str, got int"):
        df.sampleBy(1, {"a": 0.5})
    with pytest.raises(EmberTypeError) as e:
        df.sampleBy("s", {(1,): 0.5})
    assert str(e.value) == ("[DISALLOWED_TYPE_FOR_CONTAINER] Argument `fractions`(type: dict) should only contain a "
                            "type in [float, int, str], got tuple")
