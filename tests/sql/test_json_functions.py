"""JSON functions, checked against PySpark 4.3 on the same six strings.

Every expected value and column name was produced by PySpark (``spark.sql(f"SELECT {call} FROM
t")`` or the Python call) on the same table and written in by hand.
"""

from __future__ import annotations

import pytest

from ember.errors import AnalysisException, SparkRuntimeException
from ember.sql import functions as F
from ember.sql.types import ArrayType, IntegerType, MapType, StringType, StructField, StructType

from tests.sql.test_functions_more import same

ROWS = [('{"a": 1, "b": [1, 2], "c": {"d": "x"}}',), (None,), ('not json',), ('[1, 2, {"a": 3}]',),
        ('{"a": "str", "b": null}',), ('{"a": 2.5, "b": [], "e": true}',)]

# (SQL call, the column name PySpark gives it, its value on each row)
SQL = [
    ("from_json(s, 'a int, b array<int>')", 'from_json(s)', [{'a': 1, 'b': [1, 2]}, None, {'a': None, 'b': None}, {'a': None, 'b': None}, {'a': None, 'b': None}, {'a': None, 'b': []}]),
    ("from_json(s, 'a string')", 'from_json(s)', [{'a': '1'}, None, {'a': None}, {'a': None}, {'a': 'str'}, {'a': '2.5'}]),
    ("from_json(s, 'a int, c struct<d: string>')", 'from_json(s)', [{'a': 1, 'c': {'d': 'x'}}, None, {'a': None, 'c': None}, {'a': None, 'c': None}, {'a': None, 'c': None}, {'a': None, 'c': None}]),
    ("from_json(s, 'array<int>')", 'from_json(s)', [None, None, None, None, None, None]),
    ("from_json(s, 'map<string,string>')", 'entries', [{'a': '1', 'b': '[1,2]', 'c': '{"d":"x"}'}, None, None, None, {'a': 'str', 'b': None}, {'a': '2.5', 'e': 'true', 'b': '[]'}]),
    ("from_json(s, 'a double, e boolean')", 'from_json(s)', [{'a': 1.0, 'e': None}, None, {'a': None, 'e': None}, {'a': None, 'e': None}, {'a': None, 'e': None}, {'a': 2.5, 'e': True}]),
    ("to_json(named_struct('a', 1, 'b', array(1, 2), 'c', cast(null as int)))", 'to_json(named_struct(a, 1, b, array(1, 2), c, CAST(NULL AS INT)))', ['{"a":1,"b":[1,2]}', '{"a":1,"b":[1,2]}', '{"a":1,"b":[1,2]}', '{"a":1,"b":[1,2]}', '{"a":1,"b":[1,2]}', '{"a":1,"b":[1,2]}']),
    ("to_json(from_json(s, 'a int, b array<int>'))", 'to_json(from_json(s))', ['{"a":1,"b":[1,2]}', None, '{}', '{}', '{}', '{"b":[]}']),
    ('to_json(array(1, 2))', 'to_json(array(1, 2))', ['[1,2]', '[1,2]', '[1,2]', '[1,2]', '[1,2]', '[1,2]']),
    ("to_json(map('k', 1.5))", 'to_json(map(k, 1.5))', ['{"k":1.5}', '{"k":1.5}', '{"k":1.5}', '{"k":1.5}', '{"k":1.5}', '{"k":1.5}']),
    ('to_json(array(named_struct(\'x\', \'q"\')))', 'to_json(array(named_struct(x, q")))', ['[{"x":"q\\""}]', '[{"x":"q\\""}]', '[{"x":"q\\""}]', '[{"x":"q\\""}]', '[{"x":"q\\""}]', '[{"x":"q\\""}]']),
    ("get_json_object(s, '$.a')", 'get_json_object(s, $.a)', ['1', None, None, None, 'str', '2.5']),
    ("get_json_object(s, '$.b')", 'get_json_object(s, $.b)', ['[1,2]', None, None, None, None, '[]']),
    ("get_json_object(s, '$.b[1]')", 'get_json_object(s, $.b[1])', ['2', None, None, None, None, None]),
    ("get_json_object(s, '$.c.d')", 'get_json_object(s, $.c.d)', ['x', None, None, None, None, None]),
    ("get_json_object(s, '$.c')", 'get_json_object(s, $.c)', ['{"d":"x"}', None, None, None, None, None]),
    ("get_json_object(s, '$')", 'get_json_object(s, $)', ['{"a":1,"b":[1,2],"c":{"d":"x"}}', None, None, '[1,2,{"a":3}]', '{"a":"str","b":null}', '{"a":2.5,"b":[],"e":true}']),
    ("get_json_object(s, '$[2].a')", 'get_json_object(s, $[2].a)', [None, None, None, '3', None, None]),
    ("get_json_object(s, '$.e')", 'get_json_object(s, $.e)', [None, None, None, None, None, 'true']),
    ("get_json_object(s, '$[*]')", 'get_json_object(s, $[*])', [None, None, None, '[1,2,{"a":3}]', None, None]),
    ("get_json_object(s, '$.b[*]')", 'get_json_object(s, $.b[*])', ['[1,2]', None, None, None, None, None]),
    ('schema_of_json(\'{"a": 1, "b": [1.5], "c": {"d": "x"}, "e": null}\')', 'schema_of_json({"a": 1, "b": [1.5], "c": {"d": "x"}, "e": null})', ['STRUCT<a: BIGINT, b: ARRAY<DOUBLE>, c: STRUCT<d: STRING>, e: STRING>', 'STRUCT<a: BIGINT, b: ARRAY<DOUBLE>, c: STRUCT<d: STRING>, e: STRING>', 'STRUCT<a: BIGINT, b: ARRAY<DOUBLE>, c: STRUCT<d: STRING>, e: STRING>', 'STRUCT<a: BIGINT, b: ARRAY<DOUBLE>, c: STRUCT<d: STRING>, e: STRING>', 'STRUCT<a: BIGINT, b: ARRAY<DOUBLE>, c: STRUCT<d: STRING>, e: STRING>', 'STRUCT<a: BIGINT, b: ARRAY<DOUBLE>, c: STRUCT<d: STRING>, e: STRING>']),
    ("schema_of_json('[1, 2]')", 'schema_of_json([1, 2])', ['ARRAY<BIGINT>', 'ARRAY<BIGINT>', 'ARRAY<BIGINT>', 'ARRAY<BIGINT>', 'ARRAY<BIGINT>', 'ARRAY<BIGINT>']),
    ('json_array_length(s)', 'json_array_length(s)', [None, None, None, 3, None, None]),
    ('json_object_keys(s)', 'json_object_keys(s)', [['a', 'b', 'c'], None, None, None, ['a', 'b'], ['a', 'b', 'e']]),
]

# (label, the Python call, the column name PySpark gives it, its value on each row)
API = [
    ('fj_struct', lambda: F.from_json("s", StructType([StructField("a", IntegerType())])),
     'from_json(s)',
     [{'a': 1}, None, {'a': None}, {'a': None}, {'a': None}, {'a': None}]),
    ('fj_array', lambda: F.from_json("s", ArrayType(IntegerType())),
     'from_json(s)',
     [None, None, None, None, None, None]),
    ('fj_map', lambda: F.from_json("s", MapType(StringType(), StringType())),
     'entries',
     [{'a': '1', 'b': '[1,2]', 'c': '{"d":"x"}'}, None, None, None, {'a': 'str', 'b': None}, {'a': '2.5', 'e': 'true', 'b': '[]'}]),
    ('fj_ddl', lambda: F.from_json("s", "a int"),
     'from_json(s)',
     [{'a': 1}, None, {'a': None}, {'a': None}, {'a': None}, {'a': None}]),
    ('tj', lambda: F.to_json(F.struct(F.lit(1).alias("x"))),
     'to_json(struct(1 AS x))',
     ['{"x":1}', '{"x":1}', '{"x":1}', '{"x":1}', '{"x":1}', '{"x":1}']),
    ('gjo', lambda: F.get_json_object("s", "$.a"),
     'get_json_object(s, $.a)',
     ['1', None, None, None, 'str', '2.5']),
    ('soj', lambda: F.schema_of_json(F.lit('{"a": 1}')),
     'schema_of_json({"a": 1})',
     ['STRUCT<a: BIGINT>', 'STRUCT<a: BIGINT>', 'STRUCT<a: BIGINT>', 'STRUCT<a: BIGINT>', 'STRUCT<a: BIGINT>', 'STRUCT<a: BIGINT>']),
    ('jal', lambda: F.json_array_length("s"),
     'json_array_length(s)',
     [None, None, None, 3, None, None]),
    ('jok', lambda: F.json_object_keys("s"),
     'json_object_keys(s)',
     [['a', 'b', 'c'], None, None, None, ['a', 'b'], ['a', 'b', 'e']]),
]


@pytest.fixture(scope="module")
def df(spark):
    frame = spark.createDataFrame(ROWS, "s string")
    frame.createOrReplaceTempView("json_t")
    return frame


@pytest.mark.parametrize("call,name,expected", SQL, ids=[c for c, _, _ in SQL])
def test_sql_json_function_gives_pysparks_value_and_name(spark, df, call, name, expected):
    out = spark.sql(f"SELECT {call} FROM json_t")
    assert out.columns == [name]
    assert same([r[0] for r in out.collect()], expected)


@pytest.mark.parametrize("label,build,name,expected", API, ids=[a[0] for a in API])
def test_python_json_function_gives_pysparks_value_and_name(df, label, build, name, expected):
    out = df.select(build())
    assert out.columns == [name]
    assert same([r[0] for r in out.collect()], expected)


def test_json_tuple_generates_string_columns_c0_c1_from_sql_and_python(spark, df):
    out = spark.sql("SELECT json_tuple(s, 'a', 'b', 'zz') FROM json_t")
    assert out.columns == ['c0', 'c1', 'c2']
    assert [list(r) for r in out.collect()] == [['1', '[1,2]', None], [None, None, None], [None, None, None], [None, None, None], ['str', None, None], ['2.5', '[]', None]]
    out = df.select(F.json_tuple("s", "a", "e"))
    assert out.columns == ['c0', 'c1']
    assert [list(r) for r in out.collect()] == [['1', None], [None, None], [None, None], [None, None], ['str', None], ['2.5', 'true']]


def test_from_json_failfast_raises_on_a_malformed_record(df):
    with pytest.raises(SparkRuntimeException, match="MALFORMED_RECORD_IN_PARSING"):
        df.select(F.from_json("s", "a int", {"mode": "FAILFAST"})).collect()


def test_from_json_refuses_options_it_does_not_implement(df):
    with pytest.raises(ValueError, match="allowComments"):
        df.select(F.from_json("s", "a int", {"allowComments": "true"}))


def test_to_json_of_a_scalar_is_a_type_error(df):
    with pytest.raises(AnalysisException, match="INVALID_JSON_SCHEMA"):
        df.select(F.to_json("s"))


def test_schema_of_json_needs_a_constant(df):
    with pytest.raises(AnalysisException, match="NON_FOLDABLE_INPUT"):
        df.select(F.schema_of_json(F.col("s")))
