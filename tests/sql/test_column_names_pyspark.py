"""Column names derived from expressions, as PySpark 4.3 derives them (captured from PySpark on the same frame)."""

from __future__ import annotations

import datetime

import pytest

from ember.sql import Window
from ember.sql import functions as F

NAMES = [
    ('df.age + 1', '(age + 1)'),
    ('df.age * 2.5', '(age * 2.5)'),
    ('F.count("*")', 'count(1)'),
    ('F.count(F.lit(1))', 'count(1)'),
    ('F.avg("age")', 'avg(age)'),
    ('F.when(df.age > 1, "a").otherwise("b")', 'CASE WHEN (age > 1) THEN a ELSE b END'),
    ('F.when(df.age > 1, 1)', 'CASE WHEN (age > 1) THEN 1 END'),
    ('df.age.cast("string")', 'age'),
    ('F.col("age").between(1, 3)', '((age >= 1) AND (age <= 3))'),
    ('~(df.age > 1)', '(NOT (age > 1))'),
    ('df.name.isNull()', '(name IS NULL)'),
    ('F.lit(None)', 'NULL'),
    ('F.lit("s")', 's'),
    ('F.lit(1.5)', '1.5'),
    ('F.lit(True)', 'true'),
    ('df.age.isin(1,2)', '(age IN (1, 2))'),
    ('F.sum(df.d)', 'sum(d)'),
    ('F.max("name")', 'max(name)'),
    ('F.coalesce(df.age, F.lit(0))', 'coalesce(age, 0)'),
    ('F.concat(df.name, F.lit("!"))', 'concat(name, !)'),
    ('F.substring("name", 1, 2)', 'substring(name, 1, 2)'),
    ('df.name.substr(1, 2)', 'substr(name, 1, 2)'),
    ('df.arr[0]', 'arr[0]'),
    ('df.m["k"]', 'm[k]'),
    ('F.upper("name")', 'upper(name)'),
    ('-df.age', 'negative(age)'),
    ('df.age % 2', '(age % 2)'),
    ('df.age / 2', '(age / 2)'),
    ('df.age == None', '(age = NULL)'),
    ('df.name.like("x%")', 'name LIKE x%'),
    ('df.name.rlike("x")', 'RLIKE(name, x)'),
    ('df.name.startswith("x")', 'startswith(name, x)'),
    ('F.countDistinct("age")', 'count(DISTINCT age)'),
    ('F.round("d", 1)', 'round(d, 1)'),
    ('F.date_format("ts", "yyyy")', 'date_format(ts, yyyy)'),
    ('F.expr("age + 1")', '(age + 1)'),
    ('F.expr("CASE WHEN age > 1 THEN \'a\' END")', 'CASE WHEN (age > 1) THEN a END'),
    ('F.size("arr")', 'size(arr)'),
    ('F.explode("arr")', 'col'),
    ('F.struct("age", "name")', 'struct(age, name)'),
    ('F.array("age", "age")', 'array(age, age)'),
    ('F.create_map(F.lit("a"), "age")', 'map(a, age)'),
    ('df.age.alias("z")', 'z'),
    ('F.first("age")', 'first(age)'),
    ('F.first("age", True)', 'first(age)'),
    ('F.collect_list("age")', 'collect_list(age)'),
    ('F.stddev("d")', 'stddev(d)'),
    ('F.abs("age")', 'abs(age)'),
    ('F.sqrt("age")', 'SQRT(age)'),
    ('F.pow("age", 2)', 'POWER(age, 2)'),
    ('F.length("name")', 'length(name)'),
    ('F.trim("name")', 'trim(name)'),
    ('F.current_date()', 'current_date()'),
    ('F.year("ts")', 'year(ts)'),
    ('F.datediff("ts", "ts")', 'datediff(ts, ts)'),
    ('F.to_date("ts")', 'to_date(ts)'),
    ('F.nanvl("d", "d")', 'nanvl(d, d)'),
    ('df.age.eqNullSafe(1)', '(age <=> 1)'),
    ('F.greatest("age", "age")', 'greatest(age, age)'),
    ('F.percentile_approx("d", 0.5)', 'percentile_approx(d, 0.5, 10000)'),
    ('F.row_number().over(Window.orderBy("age"))', 'row_number() OVER (ORDER BY age ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)'),
    ('F.sum("age").over(Window.partitionBy("name"))', 'sum(age) OVER (PARTITION BY name ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)'),
    ('F.lag("age").over(Window.orderBy("age"))', 'lag(age, 1, NULL) OVER (ORDER BY age ASC NULLS FIRST ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING)'),
    ('df.name.contains("x")', 'contains(name, x)'),
    ('F.regexp_replace("name", "x", "y")', 'regexp_replace(name, x, y, 1)'),
    ('F.split("name", ",")', 'split(name, ,, -1)'),
    ('F.hash("age")', 'hash(age)'),
    ('F.md5("name")', 'md5(name)'),
    ('F.monotonically_increasing_id()', 'monotonically_increasing_id()'),
    ('F.rand(1)', 'rand(1)'),
    ('F.ceil("d")', 'CEIL(d)'),
    ('F.floor("d")', 'FLOOR(d)'),
    ('F.log("d")', 'ln(d)'),
    ('F.exp("d")', 'EXP(d)'),
    ('F.signum("d")', 'SIGNUM(d)'),
]


@pytest.fixture(scope="module")
def df(spark):
    return spark.createDataFrame(
        [(1, "x", 2.0, [1, 2], {"k": 1.5}, datetime.datetime(2020, 1, 1, 12, 0, 0), None)],
        "age int, name string, d double, arr array<int>, m map<string,double>, ts timestamp, s struct<a:int,b:array<string>>")


@pytest.mark.parametrize("code, name", NAMES, ids=[n for _, n in NAMES])
def test_column_is_named_as_pyspark_names_it(df, code, name):
    column = eval(code, {"F": F, "Window": Window, "df": df})
    is_aggregate = code.split("(")[0].split(".")[-1] in AGGREGATES and ".over(" not in code
    frame = df.agg(column) if is_aggregate else df.select(column)
    assert frame.columns == [name]


AGGREGATES = {"count", "avg", "sum", "max", "countDistinct", "first", "collect_list", "stddev", "percentile_approx"}
