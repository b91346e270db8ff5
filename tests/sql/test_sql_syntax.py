"""SQL syntax beyond plain SELECT: LIMIT/OFFSET, VALUES, grouping sets, PIVOT/UNPIVOT, LATERAL
VIEW, parameter markers, table-valued ``range``, SORT/DISTRIBUTE/CLUSTER BY and Spark's null
ordering, with their DataFrame counterparts.

Expected values come from plain Python over the same rows, or were checked on PySpark 4 and
are written here (noted where so).
"""

from __future__ import annotations

import decimal

import pytest

from ember.sql import functions as F
from ember.sql.errors import AnalysisException, ParseException


def rows(df) -> list[tuple]:
    return [tuple(r) for r in df.collect()]


def sorted_rows(df) -> list[tuple]:
    return sorted(rows(df), key=lambda r: tuple((v is None, v if v is not None else 0) for v in r))


@pytest.fixture(scope="module")
def nums(spark):
    spark.range(0, 20, 1, 4).createOrReplaceTempView("nums")
    return list(range(20))


# ---------------------------------------------------------------------------- LIMIT / OFFSET
def test_limit_offset_over_order_by_keeps_the_order(spark, nums):
    got = rows(spark.sql("SELECT id FROM nums ORDER BY id DESC LIMIT 3 OFFSET 2"))
    assert got == [(v,) for v in sorted(nums, reverse=True)[2:5]]


def test_offset_without_limit_over_order_by(spark, nums):
    got = rows(spark.sql("SELECT id * 2 AS d FROM nums ORDER BY id DESC OFFSET 16"))
    assert got == [(2 * v,) for v in sorted(nums, reverse=True)[16:]]


def test_limit_offset_without_order_counts_rows(spark, nums):
    assert spark.sql("SELECT id FROM nums LIMIT 5 OFFSET 17").count() == 3
    assert spark.sql("SELECT id FROM nums OFFSET 25").count() == 0


def test_limit_all_is_no_limit(spark, nums):
    assert spark.sql("SELECT id FROM nums LIMIT ALL").count() == 20
    assert rows(spark.sql("SELECT id FROM nums ORDER BY id LIMIT ALL OFFSET 18")) == [(18,), (19,)]


def test_limit_offset_on_a_set_operation(spark, nums):
    got = rows(spark.sql("SELECT id FROM nums UNION ALL SELECT id FROM nums ORDER BY id LIMIT 3 OFFSET 1"))
    assert got == [(v,) for v in sorted(nums + nums)[1:4]]


def test_dataframe_offset(spark, nums):
    df = spark.table("nums")
    assert rows(df.orderBy("id").offset(17)) == [(17,), (18,), (19,)]
    assert rows(df.orderBy(F.desc("id")).offset(3).limit(2)) == [(16,), (15,)]


@pytest.mark.parametrize("query", ["SELECT id FROM nums LIMIT 3 OFFSET -1", "SELECT id FROM nums LIMIT -1"])
def test_negative_limit_or_offset_is_rejected(spark, nums, query):
    with pytest.raises(AnalysisException) as info:
        spark.sql(query)
    assert info.value.getCondition() == "INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE"


def test_negative_dataframe_offset_is_rejected(spark, nums):
    with pytest.raises(AnalysisException, match="offset expression must be equal to or greater than 0"):
        spark.table("nums").offset(-1)


def test_non_integer_limit_is_rejected(spark, nums):
    with pytest.raises(AnalysisException) as info:
        spark.sql("SELECT id FROM nums LIMIT 'a'")
    assert info.value.getCondition() == "INVALID_LIMIT_LIKE_EXPRESSION.DATA_TYPE"


# ---------------------------------------------------------------------------- VALUES
def test_values_with_alias_names_and_qualifies_columns(spark):
    df = spark.sql("SELECT t.id, name FROM VALUES (1, 'a'), (2, 'b') AS t(id, name)")
    assert df.columns == ["id", "name"]
    assert df.schema.simpleString() == "struct<id:int,name:string>"
    assert rows(df) == [(1, "a"), (2, "b")]


def test_parenthesised_values_in_from(spark):
    assert sorted_rows(spark.sql("SELECT a + b AS s FROM (VALUES (1, 2), (3, 4)) t(a, b)")) == [(3,), (7,)]


def test_bare_values_statement_gets_default_names(spark):
    df = spark.sql("VALUES (1, 'x'), (2, NULL)")
    assert df.columns == ["col1", "col2"]
    assert [f.nullable for f in df.schema.fields] == [False, True]  # PySpark 4: nullable only with a NULL
    assert rows(df) == [(1, "x"), (2, None)]


def test_values_widens_each_column_across_rows(spark):
    # PySpark 4: (CAST(1 AS TINYINT)), (300) -> int; (1L), (2.5D) -> double; all NULL -> void.
    assert spark.sql("SELECT * FROM VALUES (CAST(1 AS TINYINT)), (300)").schema.simpleString() == "struct<col1:int>"
    df = spark.sql("SELECT * FROM VALUES (1L), (2.5D)")
    assert df.schema.simpleString() == "struct<col1:double>" and rows(df) == [(1.0,), (2.5,)]
    assert spark.sql("VALUES (NULL), (NULL)").schema.simpleString() == "struct<col1:void>"


def test_values_widens_an_integer_and_a_decimal_as_spark(spark):
    # PySpark 4: VALUES (1, 'a'), (2.5, NULL) -> decimal(11,1); here the decimal is written as a cast.
    df = spark.sql("SELECT * FROM VALUES (1, 'a'), (CAST(2.5 AS DECIMAL(2,1)), NULL)")
    assert df.schema.simpleString() == "struct<col1:decimal(11,1),col2:string>"
    assert rows(df) == [(decimal.Decimal("1.0"), "a"), (decimal.Decimal("2.5"), None)]


def test_values_cells_may_be_constant_expressions(spark):
    assert rows(spark.sql("VALUES (-1 + 2, upper('x'), array(1, 2))")) == [(1, "X", [1, 2])]
    assert rows(spark.sql("SELECT * FROM VALUES 1, 2, 3")) == [(1,), (2,), (3,)]


@pytest.mark.parametrize("query, condition", [
    ("VALUES (1, 2), (3)", "INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH"),
    ("SELECT * FROM VALUES (1, 2) AS t(a)", "INVALID_INLINE_TABLE.NUM_COLUMNS_MISMATCH"),
    ("SELECT * FROM VALUES (1), ('a')", "INVALID_INLINE_TABLE.INCOMPATIBLE_TYPES_IN_INLINE_TABLE"),
    ("VALUES (id)", "UNRESOLVED_COLUMN.WITHOUT_SUGGESTION"),
])
def test_bad_values_are_rejected(spark, query, condition):
    with pytest.raises(AnalysisException) as info:
        spark.sql(query)
    assert info.value.getCondition() == condition


# ---------------------------------------------------------------------------- range(...), predicates
def test_range_table_function(spark):
    assert rows(spark.sql("SELECT * FROM range(3)")) == [(0,), (1,), (2,)]
    assert rows(spark.sql("SELECT r.id FROM range(1, 7, 2) r")) == [(1,), (3,), (5,)]
    df = spark.sql("SELECT x FROM range(10, 0, -3, 2) AS r(x)")
    assert df.schema.simpleString() == "struct<x:bigint>" and rows(df) == [(v,) for v in range(10, 0, -3)]


@pytest.mark.parametrize("query, condition", [
    ("SELECT * FROM range(1, 2, 0)", "FAILED_FUNCTION_CALL"),
    ("SELECT * FROM range(1, 2, 3, 4, 5)", "WRONG_NUM_ARGS.WITHOUT_SUGGESTION"),
    ("SELECT * FROM no_such_function(1)", "UNRESOLVABLE_TABLE_VALUED_FUNCTION"),
    ("SELECT * FROM range(3) AS r(x, y)", "NUM_TABLE_VALUE_ALIASES_MISMATCH"),
])
def test_bad_table_functions_are_rejected(spark, query, condition):
    with pytest.raises(AnalysisException) as info:
        spark.sql(query)
    assert info.value.getCondition() == condition


def test_is_distinct_from_and_regexp(spark):
    got = rows(spark.sql("SELECT 1 IS DISTINCT FROM NULL, NULL IS NOT DISTINCT FROM NULL, 2 IS DISTINCT FROM 2, "
                         "NULL <=> NULL, 'abc' RLIKE 'b', 'abc' REGEXP '^b'"))
    assert got == [(True, True, False, True, True, False)]


def test_is_distinct_from_over_columns(spark):
    df = spark.sql("SELECT a FROM VALUES (1, 1), (1, NULL), (NULL, NULL), (2, 3) t(a, b) WHERE a IS DISTINCT FROM b")
    assert sorted_rows(df) == [(1,), (2,)]


# ---------------------------------------------------------------------------- grouping sets
KCV = [("a", "x", 1), ("a", "y", 2), ("b", "x", 3), ("b", None, 4), ("b", "x", None)]


@pytest.fixture(scope="module")
def kcv(spark):
    df = spark.createDataFrame(KCV, "k string, c string, v int")
    df.createOrReplaceTempView("kcv")
    return df


def expected_sets(sets: list[tuple[str, ...]]) -> list[tuple]:
    """(k, c, sum(v), grouping_id) per group of each grouping set, computed in plain Python."""
    out = []
    for members in sets:
        groups: dict[tuple, list] = {}
        for k, c, v in KCV:
            key = (k if "k" in members else None, c if "c" in members else None)
            groups.setdefault(key, []).append(v)
        gid = (0 if "k" in members else 2) + (0 if "c" in members else 1)
        for (k, c), vs in groups.items():
            known = [v for v in vs if v is not None]
            out.append((k, c, sum(known) if known else None, gid))
    return sorted(out, key=lambda r: tuple((v is None, v if v is not None else 0) for v in r))


@pytest.mark.parametrize("group_by, sets", [
    ("GROUPING SETS ((k, c), (k), ())", [("k", "c"), ("k",), ()]),
    ("ROLLUP(k, c)", [("k", "c"), ("k",), ()]),
    ("k, c WITH ROLLUP", [("k", "c"), ("k",), ()]),
    ("CUBE(k, c)", [("k", "c"), ("k",), ("c",), ()]),
    ("k, c WITH CUBE", [("k", "c"), ("k",), ("c",), ()]),
    ("GROUPING SETS (k, c)", [("k",), ("c",)]),
    ("k, ROLLUP(c)", [("k", "c"), ("k",)]),
    ("k, c GROUPING SETS ((k, c), (k))", [("k", "c"), ("k",)]),
    ("ROLLUP(1, 2)", [("k", "c"), ("k",), ()]),
])
def test_grouping_sets_in_sql(spark, kcv, group_by, sets):
    df = spark.sql(f"SELECT k, c, sum(v), grouping_id() FROM kcv GROUP BY {group_by}")
    assert sorted_rows(df) == expected_sets(sets)


def test_group_by_all_groups_by_the_non_aggregate_items(spark, kcv):
    df = spark.sql("SELECT k, upper(c) AS u, sum(v) FROM kcv GROUP BY ALL")
    assert sorted_rows(df) == [("a", "X", 1), ("a", "Y", 2), ("b", "X", 3), ("b", None, 4)]  # sums of KCV by hand
    with pytest.raises(AnalysisException) as info:
        spark.sql("SELECT * FROM kcv GROUP BY ALL")
    assert info.value.getCondition() == "UNRESOLVED_ALL_IN_GROUP_BY"


def test_grouping_and_grouping_id_types_and_names(spark, kcv):
    # Names, types and nullability as PySpark 4 gives them.
    df = spark.sql("SELECT k, c, sum(v), grouping(k), grouping_id(k, c) FROM kcv GROUP BY ROLLUP(k, c)")
    assert df.schema.simpleString() == ("struct<k:string,c:string,sum(v):bigint,grouping(k):tinyint,"
                                        "grouping_id(k, c):bigint>")
    assert [f.nullable for f in df.schema.fields] == [True, True, True, False, False]
    assert sorted_rows(df.select("k", "grouping(k)").distinct()) == [("a", 0), ("b", 0), (None, 1)]


def test_grouping_in_having_and_order_by(spark, kcv):
    df = spark.sql("SELECT k, sum(v) AS s FROM kcv GROUP BY CUBE(k) HAVING grouping(k) = 1")
    assert rows(df) == [(None, 10)]
    df = spark.sql("SELECT k, sum(v) AS s FROM kcv GROUP BY CUBE(k) ORDER BY grouping(k), k")
    assert rows(df) == [("a", 3), ("b", 7), (None, 10)]


def test_a_repeated_grouping_set_repeats_its_groups(spark, kcv):
    # As PySpark 4: each listing of a set gives its groups once.
    df = spark.sql("SELECT k, count(*), grouping_id() FROM kcv GROUP BY GROUPING SETS ((k), (k), ())")
    assert sorted_rows(df) == [("a", 2, 0), ("a", 2, 0), ("b", 3, 0), ("b", 3, 0), (None, 5, 1)]
    assert sorted_rows(spark.sql("SELECT k, sum(v) FROM kcv GROUP BY k, ROLLUP(k)")) == [
        ("a", 3), ("a", 3), ("b", 7), ("b", 7)]


def test_cube_over_a_repeated_column_repeats_groups(spark, kcv):
    # Each of the 2**4 sets gives its groups (as PySpark 4): 15 sets name k, one names nothing.
    df = spark.sql("SELECT k, count(*) FROM kcv GROUP BY CUBE(k, k, k, k)")
    assert sorted_rows(df) == sorted_rows(spark.createDataFrame([("a", 2)] * 15 + [("b", 3)] * 15 + [(None, 5)],
                                                                "k string, n long"))


def test_more_than_64_grouping_columns_are_rejected(spark):
    columns = ", ".join(f"id + {i} AS c{i}" for i in range(65))
    spark.sql(f"SELECT {columns} FROM range(1)").createOrReplaceTempView("wide65")
    with pytest.raises(AnalysisException) as info:
        spark.sql(f"SELECT count(*) FROM wide65 GROUP BY ROLLUP({', '.join(f'c{i}' for i in range(65))})")
    assert info.value.getCondition() == "GROUPING_SIZE_LIMIT_EXCEEDED"


def test_aggregates_read_the_original_columns_under_rollup(spark, kcv):
    # count(k) in the grand-total row counts every non-null k, not the NULLed key.
    df = spark.sql("SELECT upper(k) AS u, count(k) AS n FROM kcv GROUP BY ROLLUP(upper(k))")
    assert sorted_rows(df) == [("A", 2), ("B", 3), (None, 5)]


@pytest.mark.parametrize("query, condition", [
    ("SELECT k, grouping(c) FROM kcv GROUP BY k", "UNSUPPORTED_GROUPING_EXPRESSION"),
    ("SELECT grouping_id() FROM kcv", "UNSUPPORTED_GROUPING_EXPRESSION"),
    ("SELECT k, grouping(c) FROM kcv GROUP BY ROLLUP(k)", "GROUPING_COLUMN_MISMATCH"),
    ("SELECT k, grouping_id(c) FROM kcv GROUP BY k, c GROUPING SETS ((k, c), (k))", "GROUPING_ID_COLUMN_MISMATCH"),
    ("SELECT k, sum(v) FROM kcv GROUP BY 5", "GROUP_BY_POS_OUT_OF_RANGE"),
    ("SELECT k, sum(v) FROM kcv GROUP BY 2", "GROUP_BY_POS_AGGREGATE"),
    ("SELECT k, sum(v) FROM kcv GROUP BY ROLLUP(0)", "GROUP_BY_POS_OUT_OF_RANGE"),
])
def test_bad_grouping_is_rejected(spark, kcv, query, condition):
    with pytest.raises(AnalysisException) as info:
        spark.sql(query)
    assert info.value.getCondition() == condition


def test_dataframe_rollup_cube_and_grouping_sets(spark, kcv):
    df = kcv.rollup("k", "c").agg(F.sum("v"), F.grouping_id())
    assert df.columns == ["k", "c", "sum(v)", "grouping_id()"]
    assert sorted_rows(df) == expected_sets([("k", "c"), ("k",), ()])
    df = kcv.cube(["k", "c"]).agg(F.sum("v"), F.grouping_id())
    assert sorted_rows(df) == expected_sets([("k", "c"), ("k",), ("c",), ()])
    df = kcv.groupingSets([["k", "c"], ["c"]], "k", "c").agg(F.sum("v"), F.grouping_id())
    assert sorted_rows(df) == expected_sets([("k", "c"), ("c",)])
    assert kcv.cube("k").count().columns == ["k", "count"]


def test_expand_appears_in_the_plan(spark, kcv):
    from ember.sql.plan import logical as L

    plan = spark.sql("SELECT k, sum(v) FROM kcv GROUP BY ROLLUP(k)")._plan
    expands = [n for n in plan.walk() if isinstance(n, L.Expand)]
    assert len(expands) == 1 and len(expands[0].projections) == 2
    assert expands[0].output[-1].name == "spark_grouping_id"


# ---------------------------------------------------------------------------- PIVOT / UNPIVOT
def test_dataframe_pivot_names_and_values(spark, kcv):
    # Column names as PySpark 4 gives them; a value with no rows in a group is NULL, even for count.
    grouped = kcv.groupBy("k").pivot("c", ["x", "y"])
    assert rows(grouped.sum("v").orderBy("k")) == [("a", 1, 2), ("b", 3, None)]
    df = grouped.agg(F.sum("v"), F.max("v"))
    assert df.columns == ["k", "x_sum(v)", "x_max(v)", "y_sum(v)", "y_max(v)"]
    assert rows(grouped.agg(F.sum("v").alias("s"), F.count("v").alias("n")).orderBy("k")) == [
        ("a", 1, 1, 2, 1), ("b", 3, 1, None, None)]
    assert rows(grouped.count().orderBy("k")) == [("a", 1, 1), ("b", 2, None)]


def test_dataframe_pivot_finds_the_values(spark, kcv):
    df = kcv.groupBy("k").pivot("c").agg(F.sum("v"))
    assert df.columns == ["k", "null", "x", "y"]  # sorted, NULL first, as PySpark 4
    assert rows(df.orderBy("k")) == [("a", None, 1, 2), ("b", 4, 3, None)]


def test_sql_pivot_groups_by_the_unused_columns(spark, kcv):
    df = spark.sql("SELECT * FROM kcv PIVOT (sum(v) AS s, max(v) FOR c IN ('x' AS xx, 'y')) ORDER BY k")
    assert df.columns == ["k", "xx_s", "xx_max(v)", "y_s", "y_max(v)"]
    assert rows(df) == [("a", 1, 1, 2, 2), ("b", 3, 3, None, None)]
    df = spark.sql("SELECT * FROM kcv PIVOT (count(*) FOR c IN ('x', 'y')) ORDER BY k, v")
    assert df.columns == ["k", "v", "x", "y"]
    assert rows(df) == [("a", 1, 1, None), ("a", 2, None, 1), ("b", None, 1, None), ("b", 3, 1, None),
                        ("b", 4, None, None)]


def test_multi_column_pivot_is_rejected(spark, kcv):
    with pytest.raises(ParseException, match="PIVOT over several columns"):
        spark.sql("SELECT * FROM kcv PIVOT (sum(v) FOR (c, k) IN (('x', 'a') AS xa))")


@pytest.fixture(scope="module")
def wide(spark):
    df = spark.createDataFrame([(1, 11, None), (2, 12, 1.5)], "id int, a int, b double")
    df.createOrReplaceTempView("wide")
    return df


def test_dataframe_unpivot_keeps_nulls(spark, wide):
    df = wide.unpivot("id", ["a", "b"], "var", "val")
    assert df.schema.simpleString() == "struct<id:int,var:string,val:double>"
    assert [f.nullable for f in df.schema.fields] == [True, False, True]
    assert rows(df) == [(1, "a", 11.0), (1, "b", None), (2, "a", 12.0), (2, "b", 1.5)]
    assert rows(wide.melt(["id"], None, "var", "val")) == rows(df)


def test_sql_unpivot_excludes_nulls_by_default(spark, wide):
    assert rows(spark.sql("SELECT * FROM wide UNPIVOT (val FOR var IN (a, b))")) == [
        (1, "a", 11.0), (2, "a", 12.0), (2, "b", 1.5)]
    assert rows(spark.sql("SELECT * FROM wide UNPIVOT INCLUDE NULLS (val FOR var IN (a AS aa, b))")) == [
        (1, "aa", 11.0), (1, "b", None), (2, "aa", 12.0), (2, "b", 1.5)]
    df = spark.sql("SELECT * FROM wide UNPIVOT ((x, y) FOR var IN ((a, b) AS ab, (b, a) AS ba))")
    assert df.columns == ["id", "var", "x", "y"]
    assert rows(df) == [(1, "ab", 11.0, None), (1, "ba", None, 11.0), (2, "ab", 12.0, 1.5), (2, "ba", 1.5, 12.0)]


def test_bad_unpivots_are_rejected(spark, wide):
    with pytest.raises(AnalysisException) as info:
        spark.createDataFrame([(1, 2, "s")], "id int, a int, b string").unpivot("id", ["a", "b"], "var", "val")
    assert info.value.getCondition() == "UNPIVOT_VALUE_DATA_TYPE_MISMATCH"
    with pytest.raises(AnalysisException) as info:
        wide.unpivot(["id", "a", "b"], [], "var", "val")
    assert info.value.getCondition() == "UNPIVOT_REQUIRES_VALUE_COLUMNS"


# ---------------------------------------------------------------------------- LATERAL VIEW
@pytest.fixture(scope="module")
def arrays(spark):
    df = spark.createDataFrame([(1, [1, 2]), (2, []), (3, None)], "id int, arr array<int>")
    df.createOrReplaceTempView("arrays")
    return df


def test_lateral_view_explode(spark, arrays):
    df = spark.sql("SELECT id, c FROM arrays LATERAL VIEW explode(arr) t AS c")
    assert rows(df) == [(1, 1), (1, 2)]
    df = spark.sql("SELECT * FROM arrays LATERAL VIEW explode(arr) t")
    assert df.columns == ["id", "arr", "col"]


def test_lateral_view_outer_keeps_empty_and_null_arrays(spark, arrays):
    df = spark.sql("SELECT id, c FROM arrays LATERAL VIEW OUTER explode(arr) t AS c")
    assert rows(df) == [(1, 1), (1, 2), (2, None), (3, None)]


def test_lateral_view_posexplode_is_qualified_by_the_view_name(spark, arrays):
    df = spark.sql("SELECT id, t.p, t.c FROM arrays LATERAL VIEW posexplode(arr) t AS p, c")
    assert [f.nullable for f in df.schema.fields] == [True, False, True]  # as PySpark 4
    assert rows(df) == [(1, 0, 1), (1, 1, 2)]


def test_chained_lateral_views_with_where_and_group_by(spark, arrays):
    df = spark.sql("SELECT c, d FROM arrays LATERAL VIEW explode(arr) t AS c LATERAL VIEW explode(arr) u AS d "
                   "WHERE c = 1")
    assert rows(df) == [(1, 1), (1, 2)]
    df = spark.sql("SELECT c, count(*) FROM arrays LATERAL VIEW explode(arr) t AS c GROUP BY c ORDER BY c")
    assert rows(df) == [(1, 1), (2, 1)]


@pytest.mark.parametrize("query, condition", [
    ("SELECT * FROM arrays LATERAL VIEW explode(arr) t AS c, d", "UDTF_ALIAS_NUMBER_MISMATCH"),
    ("SELECT * FROM arrays LATERAL VIEW upper('x') t AS c", "UNSUPPORTED_GENERATOR.NOT_GENERATOR"),
])
def test_bad_lateral_views_are_rejected(spark, arrays, query, condition):
    with pytest.raises(AnalysisException) as info:
        spark.sql(query)
    assert info.value.getCondition() == condition


# ---------------------------------------------------------------------------- parameter markers
def test_named_parameters_are_typed_literals(spark, nums):
    # Names and types as PySpark 4 gives them.
    df = spark.sql("SELECT :x + 1 AS y, :s AS s, :f, :n", args={"x": 1, "s": "it's", "f": 1.5, "n": None})
    assert df.schema.simpleString() == "struct<y:int,s:string,1.5:double,NULL:void>"
    assert rows(df) == [(2, "it's", 1.5, None)]


def test_a_string_parameter_is_never_pasted_into_the_sql(spark, nums):
    text = "x' OR '1' = '1"
    assert spark.sql("SELECT id FROM nums WHERE CAST(id AS STRING) = :v", args={"v": text}).count() == 0
    assert rows(spark.sql("SELECT :v AS v", args={"v": text})) == [(text,)]


def test_positional_parameters_bind_in_text_order(spark, nums):
    df = spark.sql("SELECT id FROM nums WHERE id > ? ORDER BY id LIMIT ?", args=[15, 2])
    assert rows(df) == [(16,), (17,)]
    assert rows(spark.sql("SELECT '?' AS q, ? + ? AS v", args=[1, 2])) == [("?", 3)]


def test_literal_columns_and_lists_as_parameters(spark):
    assert rows(spark.sql("SELECT :x, :a", args={"x": F.lit(3), "a": [1, 2]})) == [(3, [1, 2])]


@pytest.mark.parametrize("query, args, condition", [
    ("SELECT :x + ?", {"x": 1}, "INVALID_QUERY_MIXED_QUERY_PARAMETERS"),
    ("SELECT :y", {"x": 1}, "UNBOUND_SQL_PARAMETER"),
    ("SELECT ?, ?", [1], "UNBOUND_SQL_PARAMETER"),
    ("SELECT :x", None, "UNBOUND_SQL_PARAMETER"),
    ("SELECT ?", {"x": 1}, "UNBOUND_SQL_PARAMETER"),
    ("SELECT :x", {"x": F.col("a")}, "INVALID_SQL_ARG"),
])
def test_bad_parameters_are_rejected(spark, query, args, condition):
    with pytest.raises(AnalysisException) as info:
        spark.sql(query, args=args)
    assert info.value.getCondition() == condition


def test_unbound_positional_parameter_is_named_by_its_offset(spark):
    with pytest.raises(AnalysisException, match="unbound parameter: _10"):  # as PySpark 4 names it
        spark.sql("SELECT ?, ?", args=[1])


# ---------------------------------------------------------------------------- null ordering
NULLY = [(i, None if i % 4 == 0 else (float("nan") if i % 7 == 0 else float(i % 5)),
          None if i % 3 == 0 else f"s{i % 4}") for i in range(40)]


@pytest.fixture(scope="module")
def nully(spark):
    df = spark.createDataFrame(NULLY, "i int, d double, s string").repartition(4)
    df.createOrReplaceTempView("nully")
    return df


def duckdb_rows(query: str) -> list[tuple]:
    """``query`` over NULLY in DuckDB, whose NULL placement the query states explicitly."""
    import duckdb
    import pyarrow as pa

    # Arrow keeps NaN apart from NULL (pandas would turn NaN into NULL).
    nully = pa.table({name: [r[j] for r in NULLY] for j, name in enumerate("ids")})  # noqa: F841 - read by name
    return [tuple(r) for r in duckdb.sql(query).fetchall()]


def same(a: list[tuple], b: list[tuple]) -> bool:
    """Row lists equal, NaN equal to NaN."""
    norm = lambda rows: [tuple("NaN" if isinstance(v, float) and v != v else v for v in r) for r in rows]  # noqa: E731
    return norm(a) == norm(b)


@pytest.mark.parametrize("ember_order, duckdb_order", [
    ("d, i", "d ASC NULLS FIRST, i"),
    ("d DESC, i", "d DESC NULLS LAST, i"),
    ("d DESC NULLS FIRST, i", "d DESC NULLS FIRST, i"),
    ("s NULLS LAST, d DESC, i", "s ASC NULLS LAST, d DESC NULLS LAST, i"),
])
@pytest.mark.parametrize("limit", ["", " LIMIT 7", " LIMIT 5 OFFSET 3"])
def test_sql_order_by_places_nulls_as_spark(spark, nully, ember_order, duckdb_order, limit):
    got = rows(spark.sql(f"SELECT i, d, s FROM nully ORDER BY {ember_order}{limit}"))
    assert same(got, duckdb_rows(f"SELECT i, d, s FROM nully ORDER BY {duckdb_order}{limit}"))


def test_order_by_all_sorts_by_every_select_item(spark):
    # Results as PySpark 4 gives them.
    spark.sql("SELECT * FROM VALUES (2, 'b'), (1, 'z'), (2, 'a'), (NULL, 'q') t(x, y)").createOrReplaceTempView("xy")
    assert rows(spark.sql("SELECT x, y FROM xy ORDER BY ALL")) == [(None, "q"), (1, "z"), (2, "a"), (2, "b")]
    assert rows(spark.sql("SELECT y, x FROM xy ORDER BY ALL DESC")) == [("z", 1), ("q", None), ("b", 2), ("a", 2)]
    got = rows(spark.sql("SELECT x FROM xy UNION ALL SELECT 5 ORDER BY ALL DESC NULLS FIRST"))
    assert got == [(None,), (5,), (2,), (2,), (1,)]


@pytest.mark.parametrize("orders, duckdb_order", [
    (["d", "i"], "d ASC NULLS FIRST, i"),
    ([F.desc("d"), "i"], "d DESC NULLS LAST, i"),
    ([F.asc_nulls_last("s"), F.desc_nulls_first("d"), "i"], "s ASC NULLS LAST, d DESC NULLS FIRST, i"),
    ([F.col("d").desc_nulls_last(), F.col("i").asc()], "d DESC NULLS LAST, i"),
])
def test_dataframe_sort_places_nulls_as_spark(nully, orders, duckdb_order):
    assert same(rows(nully.orderBy(*orders)), duckdb_rows(f"SELECT * FROM nully ORDER BY {duckdb_order}"))
    assert same(rows(nully.sort(*orders).limit(6)), duckdb_rows(f"SELECT * FROM nully ORDER BY {duckdb_order} LIMIT 6"))


def test_orderby_ascending_flags(nully):
    got = rows(nully.orderBy(["d", "i"], ascending=[False, True]))
    assert same(got, duckdb_rows("SELECT * FROM nully ORDER BY d DESC NULLS LAST, i"))


def test_keyword_arguments_format_the_query_as_pyspark(spark):
    df = spark.range(5)
    got = spark.sql("SELECT {c} FROM {t} WHERE {c} > {n} AND {s} = {s}", t=df, c=F.col("id"), n=2, s="it's")
    assert rows(got) == [(3,), (4,)]
    assert not [t for t in spark.catalog.listTables() if t.name.startswith("_pyspark_")]  # views dropped
    assert rows(spark.sql("SELECT * FROM {t} WHERE id > :x", args={"x": 3}, t=df)) == [(4,)]


def test_views_over_expand_can_be_read_twice(spark, kcv, wide):
    kcv.rollup("k").agg(F.sum("v").alias("s")).createOrReplaceTempView("rolled")
    df = spark.sql("SELECT a.k, a.s, b.s FROM rolled a JOIN rolled b ON a.s = b.s ORDER BY a.s")
    assert rows(df) == [("a", 3, 3), ("b", 7, 7), (None, 10, 10)]
    wide.unpivot("id", ["a", "b"], "var", "val").createOrReplaceTempView("unpivoted")
    assert rows(spark.sql("SELECT count(*) FROM unpivoted u JOIN unpivoted w ON u.var = w.var")) == [(8,)]


def test_pivot_only_after_a_plain_group_by(kcv):
    from ember.sql.errors import EmberTypeError

    with pytest.raises(EmberTypeError) as info:
        kcv.rollup("k").pivot("c", ["x"])
    assert info.value.getCondition() == "UNSUPPORTED_FEATURE.PIVOT_AFTER_GROUP_BY"  # as PySpark 4
    with pytest.raises(EmberTypeError, match="repeated pivots"):
        kcv.groupBy("k").pivot("c", ["x"]).pivot("v", [1])


def test_pivot_after_a_join_pivots_the_joined_rows(spark, kcv):
    spark.createDataFrame([("a", 10), ("b", 20)], "k string, w int").createOrReplaceTempView("weights")
    df = spark.sql("SELECT * FROM kcv JOIN weights ON kcv.k = weights.k PIVOT (sum(v * w) FOR c IN ('x', 'y'))")
    # Grouped by the columns neither the aggregate nor the pivot column uses: kcv.k and weights.k.
    assert df.columns == ["k", "k", "x", "y"]
    assert sorted_rows(df) == [("a", "a", 10, 20), ("b", "b", 60, None)]


# ---------------------------------------------------------------------------- SORT / DISTRIBUTE / CLUSTER BY
def partitions(df) -> list[list[tuple]]:
    """The rows of each partition of ``df``, in order."""
    import pyarrow as pa

    per_partition = df._qe.to_rdd().map(lambda b: [tuple(r.values()) for r in pa.Table.from_batches([b]).to_pylist()])
    return [sum(p, []) for p in per_partition.glom().collect()]


def test_sort_by_sorts_each_partition(spark, nums):
    parts = partitions(spark.sql("SELECT id FROM nums SORT BY id DESC"))
    assert sorted(v for p in parts for v in p) == [(v,) for v in nums]
    assert all(p == sorted(p, reverse=True) for p in parts) and sum(1 for p in parts if p) > 1


def test_distribute_by_puts_each_key_in_one_partition(spark, nums):
    parts = partitions(spark.sql("SELECT id % 5 AS m, id FROM nums DISTRIBUTE BY m"))
    assert sorted(r[1] for p in parts for r in p) == nums
    owners = {m: {i for i, p in enumerate(parts) if any(r[0] == m for r in p)} for m in range(5)}
    assert all(len(o) == 1 for o in owners.values())


def test_cluster_by_distributes_and_sorts(spark, nums):
    parts = partitions(spark.sql("SELECT id % 5 AS m, id FROM nums CLUSTER BY m"))
    assert all([r[0] for r in p] == sorted(r[0] for r in p) for p in parts)
    owners = {m: {i for i, p in enumerate(parts) if any(r[0] == m for r in p)} for m in range(5)}
    assert all(len(o) == 1 for o in owners.values())


def test_dataframe_repartition_by_columns(spark, nums):
    df = spark.table("nums").repartition(3, F.col("id") % 4)
    assert df.rdd.getNumPartitions() == 3
    parts = partitions(df)
    owners = {m: {i for i, p in enumerate(parts) if any(r[0] % 4 == m for r in p)} for m in range(4)}
    assert all(len(o) == 1 for o in owners.values())
    assert spark.table("nums").repartition("id").rdd.getNumPartitions() == 3  # spark.sql.shuffle.partitions


def test_tablesample_is_rejected_not_ignored(spark, nums):
    with pytest.raises(ParseException, match="TABLESAMPLE"):
        spark.sql("SELECT id FROM nums TABLESAMPLE (50 PERCENT)")


def test_doubled_quotes_inside_string_literals_are_one_quote_as_in_spark(spark):
    # Expected values from PySpark 4.3 on the same text.
    row = spark.sql("""SELECT 'It''s' a, "It""s" b, '''' c, 'a''' 'b' d, '' e, "it's" f, 'x\\'y' g,
                              'a""b' h, "a''b" i""").first()
    assert tuple(row) == ("It's", 'It"s', "'", "a'b", "", "it's", "x'y", 'a""b', "a''b")
