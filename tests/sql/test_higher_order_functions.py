"""Higher-order functions (``transform``, ``filter``, ``aggregate`` …) from SQL and from Python lambdas.

Every expected value and column name was produced by PySpark 4.3 on the same table and written
in by hand. A name of ``None`` marks a call whose spelling sqlglot's parse does not keep
(``reduce`` becomes ``aggregate``): its value is still checked.
"""

from __future__ import annotations

import pytest

from ember.errors import AnalysisException, SparkRuntimeException
from ember.sql import functions as F

from tests.sql.test_functions_more import same

ROWS = [([1, 2, 3], [10, 20], {"x": 1, "y": 5}, 2), (None, None, None, None),
        ([], [7], {}, 0), ([4, None, 6], [1, 2, 3], {"z": None}, 1)]
SCHEMA = "a array<int>, b array<int>, m map<string,int>, n int"

# (SQL call, the column name PySpark gives it, its value on each row)
SQL = [
    ('transform(a, x -> x + 1)', 'transform(a, lambdafunction((namedlambdavariable() + 1), namedlambdavariable()))', [[2, 3, 4], None, [], [5, None, 7]]),
    ('transform(a, (x, i) -> x * i)', 'transform(a, lambdafunction((namedlambdavariable() * namedlambdavariable()), namedlambdavariable(), namedlambdavariable()))', [[0, 2, 6], None, [], [0, None, 12]]),
    ('transform(a, x -> x + n)', 'transform(a, lambdafunction((namedlambdavariable() + n), namedlambdavariable()))', [[3, 4, 5], None, [], [5, None, 7]]),
    ('filter(a, x -> x > 1)', 'filter(a, lambdafunction((namedlambdavariable() > 1), namedlambdavariable()))', [[2, 3], None, [], [4, 6]]),
    ('filter(a, (x, i) -> i > 0)', 'filter(a, lambdafunction((namedlambdavariable() > 0), namedlambdavariable(), namedlambdavariable()))', [[2, 3], None, [], [None, 6]]),
    ('filter(a, x -> x > n)', 'filter(a, lambdafunction((namedlambdavariable() > n), namedlambdavariable()))', [[3], None, [], [4, 6]]),
    ('aggregate(a, 0, (acc, x) -> acc + x)', 'aggregate(a, 0, lambdafunction((namedlambdavariable() + namedlambdavariable()), namedlambdavariable(), namedlambdavariable()), lambdafunction(namedlambdavariable(), namedlambdavariable()))', [6, None, 0, None]),
    ('aggregate(a, 0, (acc, x) -> acc + x, acc -> acc * 10)', 'aggregate(a, 0, lambdafunction((namedlambdavariable() + namedlambdavariable()), namedlambdavariable(), namedlambdavariable()), lambdafunction((namedlambdavariable() * 10), namedlambdavariable()))', [60, None, 0, None]),
    ('aggregate(a, cast(0 as bigint), (acc, x) -> acc + coalesce(x, 0))', 'aggregate(a, CAST(0 AS BIGINT), lambdafunction((namedlambdavariable() + coalesce(namedlambdavariable(), 0)), namedlambdavariable(), namedlambdavariable()), lambdafunction(namedlambdavariable(), namedlambdavariable()))', [6, None, 0, 10]),
    ('reduce(a, 0, (acc, x) -> acc + x)', None, [6, None, 0, None]),
    ('aggregate(a, 1.5D, (acc, x) -> acc + x)', 'aggregate(a, 1.5, lambdafunction((namedlambdavariable() + namedlambdavariable()), namedlambdavariable(), namedlambdavariable()), lambdafunction(namedlambdavariable(), namedlambdavariable()))', [7.5, None, 1.5, None]),
    ('exists(a, x -> x > 5)', 'exists(a, lambdafunction((namedlambdavariable() > 5), namedlambdavariable()))', [False, None, False, True]),
    ('exists(a, x -> x % 2 = 0)', 'exists(a, lambdafunction(((namedlambdavariable() % 2) = 0), namedlambdavariable()))', [True, None, False, True]),
    ('forall(a, x -> x > 0)', 'forall(a, lambdafunction((namedlambdavariable() > 0), namedlambdavariable()))', [True, None, True, None]),
    ('forall(a, x -> x < 5)', 'forall(a, lambdafunction((namedlambdavariable() < 5), namedlambdavariable()))', [True, None, True, False]),
    ('zip_with(a, b, (x, y) -> x + y)', 'zip_with(a, b, lambdafunction((namedlambdavariable() + namedlambdavariable()), namedlambdavariable(), namedlambdavariable()))', [[11, 22, None], None, [None], [5, None, 9]]),
    ("zip_with(a, b, (x, y) -> concat_ws('-', x, y))", 'zip_with(a, b, lambdafunction(concat_ws(-, namedlambdavariable(), namedlambdavariable()), namedlambdavariable(), namedlambdavariable()))', [['1-10', '2-20', '3'], None, ['7'], ['4-1', '2', '6-3']]),
    ('array_sort(a, (l, r) -> case when l is null then -1 when r is null then 1 when l < r then 1 when l > r then -1 else 0 end)', 'array_sort(a, lambdafunction(CASE WHEN (namedlambdavariable() IS NULL) THEN -1 WHEN (namedlambdavariable() IS NULL) THEN 1 WHEN (namedlambdavariable() < namedlambdavariable()) THEN 1 WHEN (namedlambdavariable() > namedlambdavariable()) THEN -1 ELSE 0 END, namedlambdavariable(), namedlambdavariable()))', [[3, 2, 1], None, [], [None, 6, 4]]),
    ('map_filter(m, (k, v) -> v > 1)', 'map_filter(m, lambdafunction((namedlambdavariable() > 1), namedlambdavariable(), namedlambdavariable()))', [{'y': 5}, None, {}, {}]),
    ('transform_keys(m, (k, v) -> upper(k))', 'transform_keys(m, lambdafunction(upper(namedlambdavariable()), namedlambdavariable(), namedlambdavariable()))', [{'X': 1, 'Y': 5}, None, {}, {'Z': None}]),
    ('transform_values(m, (k, v) -> v * 2)', 'transform_values(m, lambdafunction((namedlambdavariable() * 2), namedlambdavariable(), namedlambdavariable()))', [{'x': 2, 'y': 10}, None, {}, {'z': None}]),
    ('transform_values(m, (k, v) -> concat(k, v))', 'transform_values(m, lambdafunction(concat(namedlambdavariable(), namedlambdavariable()), namedlambdavariable(), namedlambdavariable()))', [{'x': 'x1', 'y': 'y5'}, None, {}, {'z': None}]),
    ("map_zip_with(m, map('x', 100), (k, v1, v2) -> coalesce(v1, 0) + coalesce(v2, 0))", 'map_zip_with(m, map(x, 100), lambdafunction((coalesce(namedlambdavariable(), 0) + coalesce(namedlambdavariable(), 0)), namedlambdavariable(), namedlambdavariable(), namedlambdavariable()))', [{'x': 101, 'y': 5}, None, {'x': 100}, {'x': 100, 'z': 0}]),
    ('transform(a, x -> transform(b, y -> x + y))', 'transform(a, lambdafunction(transform(b, lambdafunction((namedlambdavariable() + namedlambdavariable()), namedlambdavariable())), namedlambdavariable()))', [[[11, 21], [12, 22], [13, 23]], None, [], [[5, 6, 7], [None, None, None], [7, 8, 9]]]),
    ('exists(a, x -> x is null)', 'exists(a, lambdafunction((namedlambdavariable() IS NULL), namedlambdavariable()))', [False, None, False, True]),
    ('transform(a, x -> x)', 'transform(a, lambdafunction(namedlambdavariable(), namedlambdavariable()))', [[1, 2, 3], None, [], [4, None, 6]]),
    ('filter(a, x -> true)', 'filter(a, lambdafunction(true, namedlambdavariable()))', [[1, 2, 3], None, [], [4, None, 6]]),
]

# (label, the Python call, the column name PySpark gives it, its value on each row)
API = [
    ('transform1', lambda: F.transform("a", lambda x: x + 1),
     'transform(a, lambdafunction((namedlambdavariable() + 1), namedlambdavariable()))',
     [[2, 3, 4], None, [], [5, None, 7]]),
    ('transform2', lambda: F.transform("a", lambda x, i: x * i),
     'transform(a, lambdafunction((namedlambdavariable() * namedlambdavariable()), namedlambdavariable(), namedlambdavariable()))',
     [[0, 2, 6], None, [], [0, None, 12]]),
    ('filter', lambda: F.filter("a", lambda x: x > 1),
     'filter(a, lambdafunction((namedlambdavariable() > 1), namedlambdavariable()))',
     [[2, 3], None, [], [4, 6]]),
    ('aggregate', lambda: F.aggregate("a", F.lit(0), lambda acc, x: acc + x),
     'aggregate(a, 0, lambdafunction((namedlambdavariable() + namedlambdavariable()), namedlambdavariable(), namedlambdavariable()), lambdafunction(namedlambdavariable(), namedlambdavariable()))',
     [6, None, 0, None]),
    ('aggregate_finish', lambda: F.aggregate("a", F.lit(0), lambda acc, x: acc + x, lambda acc: acc * 10),
     'aggregate(a, 0, lambdafunction((namedlambdavariable() + namedlambdavariable()), namedlambdavariable(), namedlambdavariable()), lambdafunction((namedlambdavariable() * 10), namedlambdavariable()))',
     [60, None, 0, None]),
    ('reduce', lambda: F.reduce("a", F.lit(0), lambda acc, x: acc + x),
     'reduce(a, 0, lambdafunction((namedlambdavariable() + namedlambdavariable()), namedlambdavariable(), namedlambdavariable()), lambdafunction(namedlambdavariable(), namedlambdavariable()))',
     [6, None, 0, None]),
    ('exists', lambda: F.exists("a", lambda x: x > 5),
     'exists(a, lambdafunction((namedlambdavariable() > 5), namedlambdavariable()))',
     [False, None, False, True]),
    ('forall', lambda: F.forall("a", lambda x: x > 0),
     'forall(a, lambdafunction((namedlambdavariable() > 0), namedlambdavariable()))',
     [True, None, True, None]),
    ('zip_with', lambda: F.zip_with("a", "b", lambda x, y: x + y),
     'zip_with(a, b, lambdafunction((namedlambdavariable() + namedlambdavariable()), namedlambdavariable(), namedlambdavariable()))',
     [[11, 22, None], None, [None], [5, None, 9]]),
    ('array_sort', lambda: F.array_sort("a", lambda l, r: F.when(l.isNull(), 1).when(r.isNull(), -1).otherwise(r - l)),
     'array_sort(a, lambdafunction(CASE WHEN (namedlambdavariable() IS NULL) THEN 1 WHEN (namedlambdavariable() IS NULL) THEN -1 ELSE (namedlambdavariable() - namedlambdavariable()) END, namedlambdavariable(), namedlambdavariable()))',
     [[3, 2, 1], None, [], [6, 4, None]]),
    ('map_filter', lambda: F.map_filter("m", lambda k, v: v > 1),
     'map_filter(m, lambdafunction((namedlambdavariable() > 1), namedlambdavariable(), namedlambdavariable()))',
     [{'y': 5}, None, {}, {}]),
    ('transform_keys', lambda: F.transform_keys("m", lambda k, v: F.upper(k)),
     'transform_keys(m, lambdafunction(upper(namedlambdavariable()), namedlambdavariable(), namedlambdavariable()))',
     [{'X': 1, 'Y': 5}, None, {}, {'Z': None}]),
    ('transform_values', lambda: F.transform_values("m", lambda k, v: v * 2),
     'transform_values(m, lambdafunction((namedlambdavariable() * 2), namedlambdavariable(), namedlambdavariable()))',
     [{'x': 2, 'y': 10}, None, {}, {'z': None}]),
    ('map_zip_with', lambda: F.map_zip_with("m", "m", lambda k, v1, v2: v1 + v2),
     'map_zip_with(m, m, lambdafunction((namedlambdavariable() + namedlambdavariable()), namedlambdavariable(), namedlambdavariable(), namedlambdavariable()))',
     [{'x': 2, 'y': 10}, None, {}, {'z': None}]),
]


@pytest.fixture(scope="module")
def df(spark):
    frame = spark.createDataFrame(ROWS, SCHEMA)
    frame.createOrReplaceTempView("hof_t")
    return frame


@pytest.mark.parametrize("call,name,expected", SQL, ids=[c for c, _, _ in SQL])
def test_sql_lambda_gives_pysparks_value_and_name(spark, df, call, name, expected):
    out = spark.sql(f"SELECT {call} FROM hof_t")
    if name is not None:
        assert out.columns == [name]
    assert same([r[0] for r in out.collect()], expected)


@pytest.mark.parametrize("label,build,name,expected", API, ids=[a[0] for a in API])
def test_python_lambda_gives_pysparks_value_and_name(df, label, build, name, expected):
    out = df.select(build())
    assert out.columns == [name]
    assert same([r[0] for r in out.collect()], expected)


def test_lambda_reads_outer_columns_and_nests_from_python(df):
    out = df.select(F.transform("a", lambda x: F.transform("b", lambda y: x + y + F.col("n"))).alias("t"))
    assert [r.t for r in out.collect()] == [
        [[13, 23], [14, 24], [15, 25]], None, [], [[6, 7, 8], [None, None, None], [8, 9, 10]]]


def test_filter_of_a_lambda_that_is_not_boolean_is_a_type_error(spark, df):
    with pytest.raises(AnalysisException, match="DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"):
        spark.sql("SELECT filter(a, x -> x + 1) FROM hof_t").collect()


def test_transform_of_a_non_array_names_the_argument(spark, df):
    with pytest.raises(AnalysisException, match=r"requires the \"ARRAY\" type"):
        spark.sql("SELECT transform(n, x -> x) FROM hof_t").collect()


def test_aggregate_whose_merge_type_differs_from_zero_is_refused_as_spark_does(spark, df):
    # PySpark: DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE, "The third parameter requires the "ARRAY<VOID>" type"
    with pytest.raises(AnalysisException, match="The third parameter requires"):
        spark.sql("SELECT aggregate(a, array(), (acc, x) -> array_append(acc, x)) FROM hof_t").collect()


def test_lambda_with_the_wrong_number_of_parameters_is_refused(spark, df):
    with pytest.raises(AnalysisException, match="INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH"):
        spark.sql("SELECT map_filter(m, k -> true) FROM hof_t").collect()


def test_comparator_returning_null_is_an_error_not_a_guess(spark, df):
    with pytest.raises(SparkRuntimeException, match="COMPARATOR_RETURNS_NULL"):
        spark.sql("SELECT array_sort(a, (l, r) -> r - l) FROM hof_t").collect()


def test_transform_keys_to_a_repeated_key_is_an_error(spark, df):
    with pytest.raises(SparkRuntimeException, match="DUPLICATED_MAP_KEY"):
        spark.sql("SELECT transform_keys(m, (k, v) -> 'same') FROM hof_t").collect()


def test_lambda_parameter_shadows_a_column_of_the_same_name(spark, df):
    out = spark.sql("SELECT transform(a, n -> n * 10) AS t FROM hof_t")
    assert [r.t for r in out.collect()] == [[10, 20, 30], None, [], [40, None, 60]]
