"""Collection, string, URL, session and aggregate functions, checked against PySpark 4.3.

Every expected value and column name was produced by PySpark on the same rows and written in
by hand. ``current_user()`` is the operating-system user, as in PySpark.
"""

from __future__ import annotations

import getpass

import pytest

from ember.errors import SparkRuntimeException
from ember.sql import functions as F

from tests.sql.test_functions_more import same

ROWS = [(1, 2.5, "a b. c d", None), (None, None, None, 3), (4, -1.0, "Hi there", 5)]
SCHEMA = "n int, d double, s string, k int"

# (SQL call, the column name PySpark gives it, its value on each row; one row for aggregates)
SQL = [
    ('array_insert(array(1, 2, 3), 2, 9)', 'array_insert(array(1, 2, 3), 2, 9)', [[1, 9, 2, 3], [1, 9, 2, 3], [1, 9, 2, 3]]),
    ('array_insert(array(1, 2, 3), -1, 9)', 'array_insert(array(1, 2, 3), -1, 9)', [[1, 2, 3, 9], [1, 2, 3, 9], [1, 2, 3, 9]]),
    ('array_insert(array(1, 2), 5, 9)', 'array_insert(array(1, 2), 5, 9)', [[1, 2, None, None, 9], [1, 2, None, None, 9], [1, 2, None, None, 9]]),
    ('array_insert(array(1, 2), -5, 9)', 'array_insert(array(1, 2), -5, 9)', [[9, None, None, 1, 2], [9, None, None, 1, 2], [9, None, None, 1, 2]]),
    ('mask(s)', 'mask(s, X, x, n, NULL)', ['x x. x x', None, 'Xx xxxxx']),
    ("mask('AbC-123', 'X', 'x', 'n', '*')", 'mask(AbC-123, X, x, n, *)', ['XxX*nnn', 'XxX*nnn', 'XxX*nnn']),
    ('current_user()', 'current_user()', ['root', 'root', 'root']),
    ('current_database()', 'current_schema()', ['default', 'default', 'default']),
    ('current_catalog()', 'current_catalog()', ['spark_catalog', 'spark_catalog', 'spark_catalog']),
    ('current_schema()', 'current_schema()', ['default', 'default', 'default']),
    ('any_value(n)', 'any_value(n)', [1]),
    ('first(k, true)', 'first(k)', [3]),
    ('last(n, true)', 'last(n)', [4]),
    ('collect_set(k)', 'collect_set(k)', [[3, 5]]),
    ("parse_url('http://u@h.com:80/p/a?q=1&r=2#f', 'QUERY')", 'parse_url(http://u@h.com:80/p/a?q=1&r=2#f, QUERY)', ['q=1&r=2', 'q=1&r=2', 'q=1&r=2']),
    ("parse_url('http://h.com/p?q=1&r=2', 'QUERY', 'r')", 'parse_url(http://h.com/p?q=1&r=2, QUERY, r)', ['2', '2', '2']),
    ("parse_url('http://h.com:8080/p', 'HOST')", 'parse_url(http://h.com:8080/p, HOST)', ['h.com', 'h.com', 'h.com']),
    ("parse_url('http://h.com/p/a?x', 'PATH')", 'parse_url(http://h.com/p/a?x, PATH)', ['/p/a', '/p/a', '/p/a']),
    ("parse_url('http://h.com/p', 'PROTOCOL')", 'parse_url(http://h.com/p, PROTOCOL)', ['http', 'http', 'http']),
    ("str_to_map('a:1,b:2')", 'str_to_map(a:1,b:2, ,, :)', [{'a': '1', 'b': '2'}, {'a': '1', 'b': '2'}, {'a': '1', 'b': '2'}]),
    ('bool_or(n > 2)', 'bool_or((n > 2))', [True]),
    ('median(n)', 'median(n)', [2.5]),
    ('mode(k)', 'mode(k)', [3]),
    ('percentile(n, 0.5)', 'percentile(n, 0.5, 1)', [2.5]),
    ('percentile_approx(n, 0.5)', 'percentile_approx(n, 0.5, 10000)', [1]),
    ('count_if(n > 0)', 'count_if((n > 0))', [2]),
    ('max_by(s, n)', 'max_by(s, n)', ['Hi there']),
    ('min_by(s, n)', 'min_by(s, n)', ['a b. c d']),
    ('every(n > 0)', 'every((n > 0))', [True]),
    ('some(n > 3)', 'some((n > 3))', [True]),
]

# (label, the Python call, the column names PySpark gives, the rows)
API = [
    ('first_ign', lambda: F.first("k", ignorenulls=True),
     ['first(k)'],
     [(3,)]),
    ('last_ign', lambda: F.last("n", ignorenulls=True),
     ['last(n)'],
     [(4,)]),
    ('any_value', lambda: F.any_value("n"),
     ['any_value(n)'],
     [(1,)]),
    ('collect_set', lambda: F.collect_set("k"),
     ['collect_set(k)'],
     [([3, 5],)]),
    ('array_insert', lambda: F.array_insert(F.array(F.lit(1), F.lit(2)), 1, F.lit(0)),
     ['array_insert(array(1, 2), 1, 0)'],
     [([0, 1, 2],), ([0, 1, 2],), ([0, 1, 2],)]),
    ('mask', lambda: F.mask("s"),
     ['mask(s, X, x, n, NULL)'],
     [('x x. x x',), (None,), ('Xx xxxxx',)]),
    ('current_user', lambda: F.current_user(),
     ['current_user()'],
     [('root',), ('root',), ('root',)]),
    ('inline', lambda: F.inline(F.array(F.struct(F.lit(1).alias("p"), F.lit("a").alias("q")))),
     ['p', 'q'],
     [(1, 'a'), (1, 'a'), (1, 'a')]),
]


@pytest.fixture(scope="module")
def df(spark):
    frame = spark.createDataFrame(ROWS, SCHEMA)
    frame.createOrReplaceTempView("misc_t")
    return frame


def _expected(call, values):
    user = getpass.getuser()
    return [user] * len(values) if call == "current_user()" else values


@pytest.mark.parametrize("call,name,expected", SQL, ids=[c for c, _, _ in SQL])
def test_sql_function_gives_pysparks_value_and_name(spark, df, call, name, expected):
    out = spark.sql(f"SELECT {call} FROM misc_t")
    assert out.columns == [name]
    assert same([r[0] for r in out.collect()], _expected(call, expected))


@pytest.mark.parametrize("label,build,names,expected", API, ids=[a[0] for a in API])
def test_python_function_gives_pysparks_value_and_names(df, label, build, names, expected):
    out = df.select(build())
    assert out.columns == names
    if label == "current_user":
        expected = [(getpass.getuser(),)] * len(expected)
    assert same([tuple(r) for r in out.collect()], [tuple(e) for e in expected])


def test_broadcast_join_gives_the_join_and_plans_a_broadcast(spark, df, capsys):
    spark.conf.set("spark.sql.autoBroadcastJoinThreshold", "-1")  # only the hint can make it a broadcast
    try:
        joined = df.join(F.broadcast(df.select("n")), "n")
        assert joined.columns == ['n', 'd', 's', 'k']
        assert sorted((tuple(r) for r in joined.collect()), key=str) == [(1, 2.5, 'a b. c d', None), (4, -1.0, 'Hi there', 5)]
        joined.explain()
        assert "BroadcastHashJoin" in capsys.readouterr().out
    finally:
        spark.conf.unset("spark.sql.autoBroadcastJoinThreshold")


def test_monotonically_increasing_id_puts_the_partition_in_bit_33_up(spark):
    out = spark.range(0, 6, 1, 3).select(F.monotonically_increasing_id().alias("m"), F.spark_partition_id().alias("p"))
    assert out.columns == ['m', 'p']
    assert [tuple(r) for r in out.collect()] == [(0, 0), (1, 0), (8589934592, 1), (8589934593, 1), (17179869184, 2), (17179869185, 2)]


def test_array_insert_at_zero_raises_sparks_error(spark):
    with pytest.raises(SparkRuntimeException, match="INVALID_INDEX_OF_ZERO"):
        spark.sql("SELECT array_insert(array(1), 0, 2)").collect()


def test_stack_and_inline_generate_rows_and_named_columns(spark):
    out = spark.sql("SELECT stack(2, 1, 'a', 2, 'b')")
    assert out.columns == ["col0", "col1"]
    assert [tuple(r) for r in out.collect()] == [(1, "a"), (2, "b")]
    out = spark.sql("SELECT inline(array(struct(1, 'a'), struct(2, 'b')))")
    assert out.columns == ["col1", "col2"]
    assert [tuple(r) for r in out.collect()] == [(1, "a"), (2, "b")]
