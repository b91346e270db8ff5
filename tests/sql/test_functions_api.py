"""The Python API's functions (``ember.sql.functions``), checked against PySpark 4.3.

Each test runs the same ``select`` PySpark ran on the same rows; the expected column names and
rows below are PySpark's output, written in by hand. Also: PySpark's own docstring examples for
``contains``, ``endswith``, ``substr`` and ``concat`` (per-row patterns and positions, arrays,
binary), aggregates per group, and Spark's error classes for wrong argument types.
"""

from __future__ import annotations

import decimal
import math

import pytest

from ember.errors import AnalysisException, SparkRuntimeException
from ember.sql import functions as F

NAN = float("nan")

STRINGS_NAMES = ['lpad(s, 3, ab)', 'rpad(s, 4, -)', 'repeat(s, 3)', 'reverse(s)', 'initcap(ab cD)', 'translate(s, xy, Z)',
 'replace(s, y, q)', 'left(s, 1)', 'right(s, 1)', 'ascii(s)', 'base64(s)', 'btrim(  a  )', 'char(66)',
 'levenshtein(s, xy)', 'substring_index(a.b.c, ., -2)', 'soundex(Tymczak)', 'format_number(d, 3)',
 'format_string(%d:%s, k, s)', 'printf(%5.1f|, d)', 'regexp_extract_all(a1b22, (\\d+), 1)', 'hex(k)',
 'unhex(7A)', 'instr(s, y)', 'locate(y, s, 1)', 'TRIM(BOTH x FROM xxhixx)', 'TRIM(LEADING x FROM xxhi)',
 'TRIM(TRAILING x FROM hixx)']
STRINGS_ROWS = [('abx', 'x---', 'xxx', 'x', 'Ab Cd', 'Z', 'x', 'x', 'x', 120, 'eA==', 'a', 'B', 1, 'b.c', 'T522', '2.500',
  '1:x', '  2.5|', ['1', '22'], '1', b'z', 0, 0, 'hi', 'hi', 'hi'),
 (None, None, None, None, 'Ab Cd', None, None, None, None, None, None, 'a', 'B', None, 'b.c', 'T522', None,
  '2:null', '    n|', ['1', '22'], '2', b'z', None, None, 'hi', 'hi', 'hi'),
 ('ayy', 'yy--', 'yyyyyy', 'yy', 'Ab Cd', '', 'qq', 'y', 'y', 121, 'eXk=', 'a', 'B', 1, 'b.c', 'T522',
  '-1.500', '2:yy', ' -1.5|', ['1', '22'], '2', b'z', 1, 1, 'hi', 'hi', 'hi')]

MATH_NAMES = ['SIN(d)', 'COS(d)', 'TAN(d)', 'ASIN(2)', 'ATAN2(d, 1.0)', 'DEGREES(d)', 'RADIANS(d)', 'LOG10(d)', 'LOG2(d)',
 'LOG1P(d)', 'EXPM1(d)', 'CBRT(n)', 'HYPOT(d, n)', 'factorial(k)', 'pmod(n, 3)', 'greatest(k, n)',
 'least(k, n, 1)', 'bround(d, 0)', 'bround(2.25, 1)', 'round(2.25, 1)', 'conv(ff, 16, 2)', 'bin(n)',
 'shiftleft(k, 31)', 'shiftright(n, 1)', 'shiftrightunsigned(n, 1)', '~n', 'SIGNUM(d)', 'E()', 'PI()',
 'nanvl(NaN, d)']
MATH_ROWS = [(0.5984721441039564, -0.8011436155469337, -0.7470222972386603, NAN, 1.1902899496825317, 143.2394487827058,
  0.04363323129985824, 0.3979400086720376, 1.3219280948873624, 1.252762968495368, 11.182493960703473,
  -1.5874010519681996, 4.716990566028302, 1, 2, 1, -4, 2.0, 2.2, 2.3, '11111111',
  '1111111111111111111111111111111111111111111111111111111111111100', -2147483648, -2, 9223372036854775806, 3,
  1.0, 2.718281828459045, 3.141592653589793, 2.5),
 (None, None, None, NAN, None, None, None, None, None, None, None, 1.9129311827723892, None, 2, 1, 7, 1, None,
  2.2, 2.3, '11111111', '111', 0, 3, 3, -8, None, 2.718281828459045, 3.141592653589793, None),
 (-0.9974949866040544, 0.0707372016677029, -14.101419947171719, NAN, -0.982793723247329, -85.94366926962348,
  -0.026179938779914945, None, None, None, -0.7768698398515702, 0.0, 1.5, 2, 0, 2, 0, -2.0, 2.2, 2.3,
  '11111111', '0', 0, 0, 0, -1, -1.0, 2.718281828459045, 3.141592653589793, -1.5)]

COND_NAMES = ['nullif(k, 2)', 'nvl(d, 0.0)', 'ifnull(s, -)', 'nvl2(s, 1, 0)', 'typeof(a)', 'typeof(b)']
COND_ROWS = [(1, 2.5, 'x', 1, 'array<int>', 'boolean'), (None, 0.0, '-', 0, 'array<int>', 'boolean'),
 (None, -1.5, 'yy', 1, 'array<int>', 'boolean')]

COLL_NAMES = ['array_contains(a, 2)', 'array_distinct(array(1, 1))', 'array_join(a, ,)', 'array_max(a)', 'array_min(a)',
 'array_position(a, 2)', 'array_remove(a, 1)', 'array_repeat(k, 2)', 'array_union(a, array(9))',
 'array_intersect(a, array(2))', 'array_except(a, array(2))', 'arrays_zip(a, array(5))',
 'element_at(array(1, 2), -1)', 'flatten(array(a, a))', 'sequence(1, k)', 'slice(a, 1, 2)',
 'sort_array(a, false)',
 'array_sort(a, lambdafunction((IF(((namedlambdavariable() IS NULL) AND (namedlambdavariable() IS NULL)), 0, '
 '(IF((namedlambdavariable() IS NULL), 1, (IF((namedlambdavariable() IS NULL), -1, '
 '(IF((namedlambdavariable() < namedlambdavariable()), -1, (IF((namedlambdavariable() > '
 'namedlambdavariable()), 1, 0)))))))))), namedlambdavariable(), namedlambdavariable()))',
 'map_keys(map(x, k))', 'map_values(map(k, s))', 'map_from_arrays(array(p), array(k))', 'named_struct(u, k)']
COLL_ROWS = [(True, [1], '1,2', 2, 1, 2, [2, None], [1, 1], [1, 2, None, 9], [2], [1, None],
  [{'1': 5, 'a': 1}, {'1': None, 'a': 2}, {'1': None, 'a': None}], 2, [1, 2, None, 1, 2, None], [1], [1, 2],
  [2, 1, None], [1, 2, None], ['x'], ['x'], {'p': 1}, {'u': 1}),
 (None, [1], None, None, None, None, None, [2, 2], None, None, None, None, 2, None, [1, 2], None, None, None,
  ['x'], [None], {'p': 2}, {'u': 2}),
 (False, [1], '', None, None, 0, [], [2, 2], [9], [], [], [{'1': 5, 'a': None}], 2, [], [1, 2], [], [], [],
  ['x'], ['yy'], {'p': 2}, {'u': 2})]

AGG_NAMES = ['any_value(s)', 'bool_and(b)', 'every(b)', 'bool_or(b)', 'some(b)', 'count_if(b)', 'median(d)', 'mode(k)',
 'percentile(n, 0.5, 1)', 'percentile_approx(n, 0.5, 10000)', 'approx_percentile(n, 0.9, 10000)',
 'max_by(s, n)', 'min_by(s, n)', 'product(k)', 'approx_count_distinct(k)', 'first(s)', 'last(s)',
 'sum(DISTINCT k)', 'corr(k, n)', 'covar_pop(k, n)', 'covar_samp(k, n)', 'kurtosis(n)', 'skewness(n)']
AGG_ROWS = [('x', False, False, True, True, 1, 0.5, 2, 0.0, 0, 7, None, 'x', 4.0, 2, 'x', 'yy', 3, 0.777713771047819,
  1.6666666666666667, 2.5, -1.5, 0.31931226657875317)]

GROUP_AGG_NAMES = ['k', 'median(d)', 'max_by(s, n)', 'count_if(b)', 'bool_or(b)', 'product(n)']
GROUP_AGG_ROWS = [(1, 2.5, 'x', 1, True, -4.0), (2, -1.5, None, 0, False, 0.0)]


@pytest.fixture(scope="module")
def t(spark):
    return spark.createDataFrame(
        [(1, 2.5, "x", [1, 2, None], True, -4), (2, None, None, None, False, 7), (2, -1.5, "yy", [], None, 0)],
        "k int, d double, s string, a array<int>, b boolean, n bigint")


def same(actual, expected) -> bool:
    """Equal, floats to 1e-12 relative (Java's and C's libm differ in the last bit), Rows as dicts."""
    if hasattr(actual, "asDict"):
        actual = actual.asDict()
    if isinstance(expected, float) and isinstance(actual, float):
        return math.isnan(expected) and math.isnan(actual) or actual == pytest.approx(expected, rel=1e-12)
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        return len(actual) == len(expected) and all(same(a, e) for a, e in zip(actual, expected))
    if isinstance(expected, dict) and isinstance(actual, dict):
        return actual.keys() == expected.keys() and all(same(actual[k], expected[k]) for k in expected)
    return type(actual) is type(expected) and actual == expected


def check(df, names, rows) -> None:
    assert df.columns == names
    assert same([tuple(r) for r in df.collect()], rows)


def test_string_functions(t):
    check(t.select(
        F.lpad("s", 3, "ab"), F.rpad("s", 4, "-"), F.repeat("s", 3), F.reverse("s"), F.initcap(F.lit("ab cD")),
        F.translate("s", "xy", "Z"), F.replace("s", F.lit("y"), F.lit("q")), F.left("s", F.lit(1)),
        F.right("s", F.lit(1)), F.ascii("s"), F.base64("s"), F.btrim(F.lit("  a  ")), F.char(F.lit(66)),
        F.levenshtein("s", F.lit("xy")), F.substring_index(F.lit("a.b.c"), ".", -2), F.soundex(F.lit("Tymczak")),
        F.format_number("d", 3), F.format_string("%d:%s", "k", "s"), F.printf(F.lit("%5.1f|"), "d"),
        F.regexp_extract_all(F.lit("a1b22"), F.lit(r"(\d+)")), F.hex("k"), F.unhex(F.lit("7A")), F.instr("s", "y"),
        F.locate("y", "s"), F.trim(F.lit("xxhixx"), F.lit("x")), F.ltrim(F.lit("xxhi"), F.lit("x")),
        F.rtrim(F.lit("hixx"), F.lit("x"))), STRINGS_NAMES, STRINGS_ROWS)


def test_math_functions(t):
    check(t.select(
        F.sin("d"), F.cos("d"), F.tan("d"), F.asin(F.lit(2)), F.atan2("d", F.lit(1.0)), F.degrees("d"),
        F.radians("d"), F.log10("d"), F.log2("d"), F.log1p("d"), F.expm1("d"), F.cbrt("n"), F.hypot("d", "n"),
        F.factorial("k"), F.pmod("n", F.lit(3)), F.greatest("k", "n"), F.least("k", "n", F.lit(1)), F.bround("d"),
        F.bround(F.lit(2.25), 1), F.round(F.lit(2.25), 1), F.conv(F.lit("ff"), 16, 2), F.bin("n"),
        F.shiftleft("k", 31), F.shiftright("n", 1), F.shiftrightunsigned("n", 1), F.bitwise_not("n"), F.signum("d"),
        F.e(), F.pi(), F.nanvl(F.lit(NAN), "d")), MATH_NAMES, MATH_ROWS)


def test_null_functions(t):
    check(t.select(F.nullif("k", F.lit(2)), F.nvl("d", F.lit(0.0)), F.ifnull("s", F.lit("-")),
                   F.nvl2("s", F.lit(1), F.lit(0)), F.typeof("a"), F.typeof("b")), COND_NAMES, COND_ROWS)


def test_collection_functions(t):
    check(t.select(
        F.array_contains("a", 2), F.array_distinct(F.array(F.lit(1), F.lit(1))), F.array_join("a", ","),
        F.array_max("a"), F.array_min("a"), F.array_position("a", 2), F.array_remove("a", 1), F.array_repeat("k", 2),
        F.array_union("a", F.array(F.lit(9))), F.array_intersect("a", F.array(F.lit(2))),
        F.array_except("a", F.array(F.lit(2))), F.arrays_zip("a", F.array(F.lit(5))),
        F.element_at(F.array(F.lit(1), F.lit(2)), -1), F.flatten(F.array("a", "a")), F.sequence(F.lit(1), "k"),
        F.slice("a", 1, 2), F.sort_array("a", asc=False), F.array_sort("a"),
        F.map_keys(F.create_map(F.lit("x"), "k")), F.map_values(F.create_map("k", "s")),
        F.map_from_arrays(F.array(F.lit("p")), F.array("k")), F.named_struct(F.lit("u"), "k")), COLL_NAMES, COLL_ROWS)


def test_struct_takes_field_names_from_aliases(t):
    assert [r[0].asDict() for r in t.select(F.struct(F.col("k").alias("kk"), "s")).collect()] == [
        {"kk": 1, "s": "x"}, {"kk": 2, "s": None}, {"kk": 2, "s": "yy"}]


def test_aggregate_functions(t):
    check(t.select(
        F.any_value("s", True), F.bool_and("b"), F.every("b"), F.bool_or("b"), F.some("b"), F.count_if("b"),
        F.median("d"), F.mode("k"), F.percentile("n", 0.5), F.percentile_approx("n", 0.5),
        F.approx_percentile("n", 0.9), F.max_by("s", "n"), F.min_by("s", "n"), F.product("k"),
        F.approx_count_distinct("k"), F.first("s", True), F.last("s", True), F.sum_distinct("k"), F.corr("k", "n"),
        F.covar_pop("k", "n"), F.covar_samp("k", "n"), F.kurtosis("n"), F.skewness("n")), AGG_NAMES, AGG_ROWS)


def test_aggregate_functions_per_group(t):
    check(t.groupBy("k").agg(F.median("d"), F.max_by("s", "n"), F.count_if("b"), F.bool_or("b"),
                             F.product("n")).orderBy("k"), GROUP_AGG_NAMES, GROUP_AGG_ROWS)


def test_aggregates_over_many_groups_match_python(spark):
    rows = [(i % 7, float(i), i % 3 == 0) for i in range(200)]
    df = spark.createDataFrame(rows, "g int, v double, f boolean").repartition(4)
    got = {r[0]: tuple(r[1:]) for r in df.groupBy("g").agg(
        F.median("v"), F.count_if("f"), F.bool_and("f"), F.max_by("v", "v"), F.sum_distinct("g")).collect()}
    for g in range(7):
        values = sorted(v for k, v, _ in rows if k == g)
        flags = [f for k, _, f in rows if k == g]
        n = len(values)
        median = (values[(n - 1) // 2] + values[n // 2]) / 2
        assert got[g] == (median, sum(flags), all(flags), max(values), g)


# ---------------------------------------------------------------- PySpark's docstring examples
def test_contains_and_endswith_take_a_column_as_the_pattern(spark):
    df = spark.createDataFrame([("Spark SQL", "Spark")], ["a", "b"])
    assert df.select(F.contains(df.a, df.b).alias("r")).collect()[0].r is True
    assert df.select(F.endswith(df.a, df.b).alias("r")).collect()[0].r is False
    assert [tuple(r) for r in df.select(df.a.contains(df.b), df.a.startswith("Sp"), df.a.endswith("QL"),
                                        df.a.like("S%"), df.a.ilike("s%"), df.a.rlike("^S")).collect()] == [
        (True,) * 6]
    assert df.select(df.a.contains(df.b), df.a.ilike("s%")).columns == ["contains(a, b)", "ilike(a, s%)"]


def test_substr_takes_columns_for_position_and_length(spark):
    df = spark.createDataFrame([("Spark SQL", 5, 1)], ["a", "b", "c"])
    check(df.select("*", F.substr("a", "b", "c")), ["a", "b", "c", "substr(a, b, c)"], [("Spark SQL", 5, 1, "k")])
    check(df.select(F.substr(df.a, df.b)), ["substr(a, b, 2147483647)"], [("k SQL",)])
    check(df.select(df.a.substr(df.b, df.c), df.a.substr(1, 3)), ["substr(a, b, c)", "substr(a, 1, 3)"],
          [("k", "Spa")])


def test_substr_with_mixed_argument_types_is_refused(spark):
    df = spark.createDataFrame([("Spark SQL", 5)], ["a", "b"])
    with pytest.raises(TypeError, match="NOT_SAME_TYPE"):
        df.a.substr(df.b, 3)


def test_concat_of_arrays_numbers_and_binary(spark):
    arrays = spark.createDataFrame([([1, 2], [3, 4], [5]), ([1, 2], None, [3])], ["a", "b", "c"])
    check(arrays.select(F.concat(arrays.a, arrays.b, arrays.c)), ["concat(a, b, c)"], [([1, 2, 3, 4, 5],), (None,)])
    numbers = spark.createDataFrame([(1, 2, 3)], ["a", "b", "c"])
    check(numbers.select(F.concat(numbers.a, numbers.b, numbers.c)), ["concat(a, b, c)"], [("123",)])
    binary = spark.createDataFrame([(bytearray(b"abc"), bytearray(b"def"))], ["a", "b"])
    check(binary.select(F.concat(binary.a, binary.b)), ["concat(a, b)"], [(b"abcdef",)])


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("build,message", [
    (lambda: F.array_contains("s", 1), 'Cannot resolve "array_contains(s, 1)" due to data type mismatch: The first '
                                       'parameter requires the "ARRAY" type'),
    (lambda: F.sin("a"), 'Cannot resolve "SIN(a)" due to data type mismatch: The first parameter requires the '
                         '"DOUBLE" type'),
    (lambda: F.bool_and("k"), 'Cannot resolve "bool_and(k)" due to data type mismatch: The first parameter '
                              'requires the "BOOLEAN" type'),
    (lambda: F.lpad("a", 3, "x"), 'Cannot resolve "lpad(a, 3, x)" due to data type mismatch: The first parameter '
                                  'requires the "STRING" type'),
    (lambda: F.map_keys("a"), 'Cannot resolve "map_keys(a)" due to data type mismatch: The first parameter '
                              'requires the "MAP" type'),
])
def test_wrong_argument_type_raises_sparks_error_class(t, build, message):
    with pytest.raises(AnalysisException) as info:
        t.select(build())
    assert info.value.error_class == "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE"
    assert message in str(info.value)


def test_assert_true_and_raise_error_fail_the_query_with_the_users_message(t):
    with pytest.raises(SparkRuntimeException, match=r"\[USER_RAISED_EXCEPTION\] '\(k > 1\)' is not true!"):
        t.select(F.assert_true(F.col("k") > 1)).collect()
    check(t.select(F.assert_true(F.col("k") > 0, "bad")), ["assert_true((k > 0), bad)"], [(None,)] * 3)
    with pytest.raises(SparkRuntimeException, match=r"\[USER_RAISED_EXCEPTION\] boom"):
        t.select(F.raise_error(F.lit("boom"))).collect()


def test_element_at_out_of_bounds_raises_sparks_error_class(t):
    with pytest.raises(SparkRuntimeException, match="INVALID_ARRAY_INDEX_IN_ELEMENT_AT"):
        t.select(F.element_at("a", 3)).collect()


def test_percentile_out_of_range_is_refused(t):
    with pytest.raises(AnalysisException, match="VALUE_OUT_OF_RANGE"):
        t.select(F.percentile("n", 1.5))


def test_unsupported_arguments_name_what_is_unsupported(t):
    with pytest.raises(ValueError, match="max_by with k"):
        F.max_by("s", "n", 2)


def test_ceil_and_floor_with_a_scale_give_sparks_decimals(spark):
    df = spark.sql(
        "SELECT ceil(d, 1) AS a, floor(d, 1) AS b, ceil(d, -1) AS c, floor(i, -1) AS f, ceil(i, 1) AS g, "
        "ceil(dec, 1) AS h, floor(d) AS k, ceil(cast(-2.55 as float), 1) AS l FROM VALUES "
        "(2.25D, 15, CAST(2.25 AS DECIMAL(5,2))), (-2.25D, -15, CAST(-2.25 AS DECIMAL(5,2))) AS t(d, i, dec)")
    assert df.schema.simpleString() == ("struct<a:decimal(17,1),b:decimal(17,1),c:decimal(16,0),f:decimal(11,0),"
                                        "g:decimal(11,0),h:decimal(5,1),k:bigint,l:decimal(9,1)>")
    D = decimal.Decimal
    assert [tuple(r) for r in df.collect()] == [
        (D("2.3"), D("2.2"), D("10"), D("10"), D("15"), D("2.3"), 2, D("-2.5")),
        (D("-2.2"), D("-2.3"), D("0"), D("-20"), D("-15"), D("-2.2"), -3, D("-2.5"))]
    t = spark.createDataFrame([(2.25,)], "d double")
    check(t.select(F.ceil("d", 1), F.floor("d", -1)), ["ceil(d, 1)", "floor(d, -1)"], [(D("2.3"), D("0"))])


def test_rand_and_randn_are_deterministic_for_a_seed(spark):
    df = spark.range(40).repartition(3).select("id", F.rand(7).alias("r"), F.randn(7).alias("g"),
                                               F.rand(7).alias("again"), F.rand(8).alias("other"))
    first, second = sorted(map(tuple, df.collect())), sorted(map(tuple, df.collect()))
    assert first == second
    assert all(0.0 <= r < 1.0 and r == again and r != other for _, r, _, again, other in first)
    assert len({g for _, _, g, _, _ in first}) == 40 and any(g < 0 for _, _, g, _, _ in first)
    assert spark.sql("SELECT rand(1), randn(2) FROM range(3)").columns == ["rand(1)", "randn(2)"]


def test_kernel_paths_agree_with_per_row_semantics(spark):
    rows = [(i, None if i % 4 == 0 else {f"k{i}": i, "z": -i}, None if i % 5 == 0 else "ab" * (i % 3), i % 4)
            for i in range(30)]
    df = spark.createDataFrame(rows, "i int, m map<string,int>, s string, w int").repartition(3)
    got = {r.i: tuple(r)[1:] for r in df.select(
        "i", F.map_keys("m"), F.map_values("m"), F.lpad("s", 3, "-"), F.lpad("s", F.col("w"), "xy"), F.right("s", "w"),
        F.left("s", F.lit(1)), F.repeat("s", "w"), F.greatest("i", "w"), F.nullif("w", F.lit(0))).collect()}

    def lpad(s, n, p):
        return "" if n <= 0 else s[:n] if len(s) >= n else ((p * n)[: n - len(s)] + s)

    for i, m, s, w in rows:
        keys = None if m is None else sorted(m)
        values = None if m is None else sorted(m.values())
        expected = (keys, values, None if s is None else lpad(s, 3, "-"), None if s is None else lpad(s, w, "xy"),
                    None if s is None else (s[-w:] if w > 0 else ""), None if s is None else s[:1],
                    None if s is None else s * w, max(i, w), None if w == 0 else w)
        actual = got[i]
        assert (None if actual[0] is None else sorted(actual[0]), None if actual[1] is None else sorted(actual[1]),
                *actual[2:]) == expected


def test_struct_column_name_shows_aliases_as_spark(spark):
    df = spark.createDataFrame([(1, "a")], "k int, s string")
    out = df.select(F.struct((F.col("k") + 1).alias("x"), F.col("k"), F.col("k").alias("kk"), F.col("k") + 2, F.lit(3)))
    assert out.columns == ["struct((k + 1) AS x, k, k AS kk, (k + 2), 3)"]
    assert out.schema.simpleString() == ("struct<struct((k + 1) AS x, k, k AS kk, (k + 2), 3):"
                                         "struct<x:int,k:int,kk:int,col4:int,col5:int>>")
    sql = spark.sql("SELECT struct(k, k + 1), named_struct('f', k) FROM VALUES (1) AS t(k)")
    assert sql.columns == ["struct(k, (k + 1))", "named_struct(f, k)"]
    assert [r.asDict(recursive=True) for r in sql.collect()] == [
        {"struct(k, (k + 1))": {"k": 1, "col2": 2}, "named_struct(f, k)": {"f": 1}}]


def test_partition_id_and_monotonically_increasing_id_follow_sparks_layout(spark):
    df = spark.range(0, 6, 1, 3).select("id", F.spark_partition_id(), F.monotonically_increasing_id())
    check(df, ["id", "SPARK_PARTITION_ID()", "monotonically_increasing_id()"],
          [(0, 0, 0), (1, 0, 1), (2, 1, 8589934592), (3, 1, 8589934593), (4, 2, 17179869184), (5, 2, 17179869185)])
    big = spark.range(0, 300_000, 1, 2).select(F.spark_partition_id().alias("p"),
                                               F.monotonically_increasing_id().alias("m")).collect()
    for p in (0, 1):
        ids = [r.m for r in big if r.p == p]
        assert ids == list(range(p << 33, (p << 33) + len(ids)))


def test_overlay_and_width_bucket_in_the_python_api(spark):
    df = spark.createDataFrame([("SPARK_SQL", 5.3), ("ab", -1.0), (None, 12.0)], "s string, v double")
    check(df.select(F.overlay("s", F.lit("CORE"), 7), F.overlay("s", F.lit("_"), 6, 0),
                    F.width_bucket("v", F.lit(0.0), F.lit(10.0), 5)),
          ["overlay(s, CORE, 7, -1)", "overlay(s, _, 6, 0)", "width_bucket(v, 0.0, 10.0, 5)"],
          [("SPARK_CORE", "SPARK__SQL", 3), ("abCORE", "ab_", 0), (None, None, 6)])
