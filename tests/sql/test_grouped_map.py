"""Grouped and cogrouped maps: ``GroupedData.apply`` with GROUPED_MAP pandas UDFs, ``applyInArrow``,
``cogroup().applyInArrow`` and the iterator forms of ``applyInPandas``/``applyInArrow``.

Every expected value, warning and error text here was captured from PySpark 4.3 on the same
input (``spark.sql.shuffle.partitions=3``, ``local[1]``).
"""

from __future__ import annotations

import warnings
from typing import Any, Iterator, Tuple

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from ember.errors import IllegalArgumentException, PySparkRuntimeError, PySparkTypeError, PySparkValueError
from ember.sql import functions as F
from ember.sql.functions import PandasUDFType, pandas_udf

NORMALIZED = [(1, -0.7071067811865475), (1, 0.7071067811865475), (2, -0.8320502943378437),
              (2, -0.2773500981126146), (2, 1.1094003924504583)]


@pytest.fixture(scope="module")
def values(spark):
    return spark.createDataFrame([(1, 1.0), (1, 2.0), (2, 3.0), (2, 5.0), (2, 10.0)], ("id", "v"))


@pytest.fixture(scope="module")
def people(spark):
    """Two key columns, NULLs among them, groups of one and two rows."""
    return spark.createDataFrame([("a", 1, "x", 1.5), ("a", 1, "y", 2.5), ("b", None, "z", None),
                                  (None, None, "w", 4.0), (None, None, "q", 1.0), ("b", 2, "r", 3.0)],
                                 "g string, h int, s string, d double")


@pytest.fixture(scope="module")
def sizes(spark):
    """Groups of 1, 2, 5 and 9 rows."""
    return spark.createDataFrame([(k, i) for k, n in (("one", 1), ("two", 2), ("five", 5), ("nine", 9))
                                  for i in range(n)], "k string, i int")


@pytest.fixture(scope="module")
def sides(spark):
    left = spark.createDataFrame([(1, 1.0), (2, 2.0), (1, 3.0), (2, 4.0), (3, 7.0), (None, 9.0)], ("id", "v1"))
    right = spark.createDataFrame([(1, "x"), (2, "y"), (4, "z"), (None, "n")], ("id", "v2"))
    return left.groupby("id").cogroup(right.groupby("id"))


def _rows(df, *order):
    return [tuple(r) for r in df.sort(*order).collect()]


def _normalize_table(table):
    v = table.column("v")
    return table.set_column(1, "v", pc.divide(pc.subtract(v, pc.mean(v)), pc.stddev(v, ddof=1)))


# ------------------------------------------------------------------ GroupedData.apply


def test_apply_runs_a_grouped_map_pandas_udf_with_its_return_type_as_schema(values):
    @pandas_udf("id long, v double", PandasUDFType.GROUPED_MAP)
    def normalize(pdf):
        return pdf.assign(v=(pdf.v - pdf.v.mean()) / pdf.v.std())

    assert (normalize.evalType, normalize.returnType.simpleString()) == (201, "struct<id:bigint,v:double>")
    with pytest.warns(UserWarning) as caught:
        out = values.groupby("id").apply(normalize)
    assert [str(w.message) for w in caught] == [
        "It is preferred to use 'applyInPandas' over this API. This API will be deprecated in the future "
        "releases. See SPARK-28264 for more details."]
    assert out.schema.simpleString() == "struct<id:bigint,v:double>"
    assert _rows(out, "id", "v") == NORMALIZED


def test_apply_passes_the_key_as_numpy_values_with_nan_for_null(people):
    @pandas_udf("k string", PandasUDFType.GROUPED_MAP)
    def keyed(key, pdf):
        return pd.DataFrame({"k": [repr(key)]})

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        rows = _rows(people.groupby("g", "h").apply(keyed), "k")
    assert rows == [("('a', np.int32(1))",), ("('b', np.float64(nan))",), ("('b', np.int32(2))",),
                    ("(nan, np.float64(nan))",)]


@pytest.mark.parametrize("udf", [pandas_udf(lambda s: s, "long"), lambda pdf: pdf, F.col("id")],
                         ids=["scalar pandas udf", "plain function", "column"])
def test_apply_refuses_anything_but_a_grouped_map_udf(values, udf):
    with pytest.raises(PySparkTypeError, match=r"^\[INVALID_UDF_EVAL_TYPE\] Eval type for UDF must be "
                                               r"SQL_GROUPED_MAP_PANDAS_UDF\.$"):
        values.groupby("id").apply(udf)


def test_grouped_map_udf_needs_a_struct_type_and_one_or_two_parameters():
    with pytest.raises(PySparkTypeError) as info:
        pandas_udf(lambda pdf: pdf, "long", PandasUDFType.GROUPED_MAP)
    assert str(info.value) == (
        "[INVALID_RETURN_TYPE_FOR_PANDAS_UDF] Pandas UDF should return StructType for SQL_GROUPED_MAP_PANDAS_UDF "
        "or SQL_GROUPED_MAP_PANDAS_ITER_UDF or SQL_GROUPED_MAP_PANDAS_UDF_WITH_STATE, got LongType().")
    with pytest.raises(PySparkValueError) as info:
        pandas_udf(lambda a, b, c: a, "id long", PandasUDFType.GROUPED_MAP)
    assert str(info.value) == (
        "[INVALID_PANDAS_UDF] Invalid function: pandas_udfs with function type GROUPED_MAP or the function in "
        "groupby.applyInPandas must take either one argument (data) or two arguments (key, data).")


def test_grouped_map_udf_called_on_columns_is_refused_by_name(values):
    @pandas_udf("id long", PandasUDFType.GROUPED_MAP)
    def whole(pdf):
        return pdf

    with pytest.raises(TypeError, match="GROUPED_MAP pandas UDF whole cannot be called on columns"):
        values.select(whole("id"))


# ------------------------------------------------------------------ applyInPandas, iterator form


def test_apply_in_pandas_iterator_form_from_type_hints(values):
    def keep_large(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            large = batch[batch["v"] > 2.0]
            if not large.empty:
                yield large[["v"]]

    def doubled(key: Tuple[Any, ...], batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            yield batch.assign(id=key[0], v_doubled=batch["v"] * 2)[["id", "v_doubled"]]

    assert _rows(values.groupby("id").applyInPandas(keep_large, "v double"), "v") == [(3.0,), (5.0,), (10.0,)]
    assert _rows(values.groupby("id").applyInPandas(doubled, "id long, v_doubled double"), "id", "v_doubled") == [
        (1, 2.0), (1, 4.0), (2, 6.0), (2, 10.0), (2, 20.0)]


def test_apply_in_pandas_with_some_hints_warns_and_takes_a_dataframe(values):
    def partial(key, pdf: pd.DataFrame) -> pd.DataFrame:
        return pdf

    with pytest.warns(UserWarning) as caught:
        out = values.groupby("id").applyInPandas(partial, "id long, v double")
    # PySpark prints the function's inspect.signature; this module's annotations are strings
    # (``from __future__ import annotations``), so it shows 'pd.DataFrame' where PySpark, on a module
    # without that import, printed pandas.DataFrame.
    assert [str(w.message) for w in caught] == [
        "Cannot infer the eval type from type hints: [TYPE_HINT_SHOULD_BE_SPECIFIED] Type hints for all "
        "parameters should be specified; however, got (key, pdf: 'pd.DataFrame') -> 'pd.DataFrame'."]
    assert _rows(out, "id", "v") == [(1, 1.0), (1, 2.0), (2, 3.0), (2, 5.0), (2, 10.0)]


# ------------------------------------------------------------------ applyInArrow


def test_apply_in_arrow_table_in_table_out(values):
    assert _rows(values.groupby("id").applyInArrow(_normalize_table, "id long, v double"), "id", "v") == NORMALIZED


def test_apply_in_arrow_key_is_a_tuple_of_arrow_scalars_with_null_keys(people):
    def described(key, table):
        return pa.table({"k": [str([type(k).__name__ for k in key])], "t": [str(table.schema)],
                         "n": [table.num_rows]})

    def per_key(key, table):
        return pa.table({"g": pa.array([key[0].as_py()], pa.string()), "h": pa.array([key[1].as_py()], pa.int32()),
                         "n": [table.num_rows], "s": [",".join(sorted(table.column("s").to_pylist()))]})

    rows = _rows(people.groupby("g", "h").applyInArrow(described, "k string, t string, n long"), "n")
    assert rows == [("['StringScalar', 'Int32Scalar']", "g: string\nh: int32\ns: string\nd: double", n)
                    for n in (1, 1, 2, 2)]
    assert _rows(people.groupby("g", "h").applyInArrow(per_key, "g string, h int, n long, s string"), "g", "h") == [
        (None, None, 2, "q,w"), ("a", 1, 2, "x,y"), ("b", None, 1, "z"), ("b", 2, 1, "r")]


def test_apply_in_arrow_groups_of_varying_size(sizes):
    def size_of(key: Tuple[pa.Scalar, ...], batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        yield pa.RecordBatch.from_pydict({"k": pa.array([key[0].as_py()], pa.string()),
                                          "n": pa.array([sum(b.num_rows for b in batches)], pa.int64())})

    def top(table):
        return pa.table({"k": table.column("k").slice(0, 1), "n": pa.array([table.num_rows]),
                         "top": pa.array([pc.max(table.column("i")).as_py()], pa.int32())})

    assert _rows(sizes.groupby("k").applyInArrow(size_of, "k string, n long"), "n") == [
        ("one", 1), ("two", 2), ("five", 5), ("nine", 9)]
    assert _rows(sizes.groupby("k").applyInArrow(top, "k string, n long, top int"), "n") == [
        ("one", 1, 0), ("two", 2, 1), ("five", 5, 4), ("nine", 9, 8)]


def test_apply_in_arrow_iterator_form_from_type_hints(values):
    def total(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        yield pa.RecordBatch.from_pydict({"v": [sum(pc.sum(b.column("v")).as_py() for b in batches)]})

    def doubled(key: Tuple[pa.Scalar, ...], batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for b in batches:
            yield pa.RecordBatch.from_pydict({"id": pa.array([key[0].as_py()] * b.num_rows, pa.int64()),
                                              "v2": pc.multiply(b.column("v"), 2)})

    assert _rows(values.groupby("id").applyInArrow(total, "v double"), "v") == [(3.0,), (18.0,)]
    assert _rows(values.groupby("id").applyInArrow(doubled, "id long, v2 double"), "id", "v2") == [
        (1, 2.0), (1, 4.0), (2, 6.0), (2, 10.0), (2, 20.0)]


def test_apply_in_arrow_matches_columns_by_name_and_takes_empty_results(values):
    reordered = values.groupby("id").applyInArrow(lambda t: t.select(["v", "id"]), "id long, v double")
    assert _rows(reordered, "id", "v") == [(1, 1.0), (1, 2.0), (2, 3.0), (2, 5.0), (2, 10.0)]
    schema = "id long, v double"
    assert values.groupby("id").applyInArrow(lambda t: pa.table({}), schema).collect() == []
    assert values.groupby("id").applyInArrow(lambda t: t.slice(0, 0), schema).collect() == []
    assert values.filter("id > 5").groupby("id").applyInArrow(lambda t: t, schema).collect() == []
    assert values.groupby().applyInArrow(lambda t: pa.table({"n": [t.num_rows]}), "n long").collect()[0].n == 5


@pytest.mark.parametrize("func, schema, error, text", [
    (lambda t: pa.table({"x": [1]}), "id long", PySparkRuntimeError,
     "[RESULT_COLUMN_NAMES_MISMATCH] Column names of the returned data do not match specified schema. "
     "Missing: id. Unexpected: x."),
    (lambda t: t.append_column("z", pa.array([1] * t.num_rows)), "id long, v double", PySparkRuntimeError,
     "[RESULT_COLUMN_NAMES_MISMATCH] Column names of the returned data do not match specified schema. "
     "Unexpected: z."),
    (lambda t: pa.table({"id": pa.array([1], pa.int32())}), "id long", PySparkRuntimeError,
     "[RESULT_COLUMN_TYPES_MISMATCH] Column types of the returned data do not match specified schema. "
     "Mismatch: column 'id' (expected int64, actual int32)."),
    (lambda t: pa.table({"s": pa.array(["a"], pa.large_string())}), "s string", PySparkRuntimeError,
     "[RESULT_COLUMN_TYPES_MISMATCH] Column types of the returned data do not match specified schema. "
     "Mismatch: column 's' (expected string, actual large_string)."),
    (lambda t: t.to_pandas(), "id long, v double", PySparkTypeError,
     "[UDF_RETURN_TYPE] Return type of the user-defined function should be pyarrow.Table, but is DataFrame."),
    (lambda t: t.to_batches()[0], "id long, v double", PySparkTypeError,
     "[UDF_RETURN_TYPE] Return type of the user-defined function should be pyarrow.Table, but is RecordBatch."),
], ids=["names", "extra name", "type", "large string", "pandas", "record batch"])
def test_apply_in_arrow_refuses_results_unlike_the_schema(values, func, schema, error, text):
    with pytest.raises(error) as info:
        values.groupby("id").applyInArrow(func, schema).collect()
    assert str(info.value) == text


def test_apply_in_arrow_iterator_results_must_be_iterators_of_batches(values):
    def a_list(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return [pa.RecordBatch.from_pydict({"v": [1.0]})]

    def tables(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        yield pa.table({"v": [1.0]})

    for func, actual in ((a_list, "list"), (tables, "iterator of Table")):
        with pytest.raises(PySparkTypeError) as info:
            values.groupby("id").applyInArrow(func, "v double").collect()
        assert str(info.value) == ("[UDF_RETURN_TYPE] Return type of the user-defined function should be iterator "
                                   f"of pyarrow.RecordBatch, but is {actual}.")


def test_apply_in_arrow_checks_schema_and_parameters_on_the_driver(values):
    with pytest.raises(PySparkTypeError) as info:
        values.groupby("id").applyInArrow(lambda t: t, "long")
    assert str(info.value) == (
        "[INVALID_RETURN_TYPE_FOR_ARROW_UDF] Grouped and Cogrouped map Arrow UDF should return StructType for "
        "SQL_GROUPED_MAP_ARROW_UDF or SQL_GROUPED_MAP_ARROW_ITER_UDF, got LongType().")
    with pytest.raises(PySparkValueError) as info:
        values.groupby("id").applyInArrow(lambda a, b, c: a, "id long")
    assert str(info.value) == (
        "[INVALID_PANDAS_UDF] Invalid function: the function in groupby.applyInArrow must take either one "
        "argument (data) or two arguments (key, data).")


def test_error_in_apply_in_arrow_keeps_its_type_and_names_the_function(values):
    def arrow_boom(table):
        return pa.table({"x": [1 / 0]})

    with pytest.raises(ZeroDivisionError, match="division by zero") as info:
        values.groupby("id").applyInArrow(arrow_boom, "x double").collect()
    assert "applyInArrow:arrow_boom" in "\n".join(info.value.__notes__)
    assert values.groupby("id").applyInArrow(lambda t: t, "id long, v double").count() == 5  # session still usable


def test_apply_in_arrow_plan_is_named_for_arrow(values):
    plan = values.groupby("id").applyInArrow(lambda t: t, "id long, v double")._qe.physical.tree_string()
    assert plan.splitlines()[0].startswith("FlatMapGroupsInArrow [id#")


# ------------------------------------------------------------------ cogroup().applyInArrow


def test_cogroup_apply_in_arrow_meets_both_sides_per_key_null_key_included(sides):
    def summarize(key, left, right):
        return pa.table({"key": pa.array([key[0].as_py()], pa.int64()), "left": [left.num_rows],
                         "right": [right.num_rows], "lt": [str(left.schema)], "rt": [str(right.schema)],
                         "kt": [type(key[0]).__name__]})

    rows = _rows(sides.applyInArrow(summarize, "key long, left long, right long, lt string, rt string, kt string"),
                 "key")
    lt, rt = "id: int64\nv1: double", "id: int64\nv2: string"
    assert rows == [(None, 1, 1, lt, rt, "Int64Scalar"), (1, 2, 1, lt, rt, "Int64Scalar"),
                    (2, 2, 1, lt, rt, "Int64Scalar"), (3, 1, 0, lt, rt, "Int64Scalar"),
                    (4, 0, 1, lt, rt, "Int64Scalar")]
    counts = sides.applyInArrow(lambda l, r: pa.table({"left": [l.num_rows], "right": [r.num_rows]}),
                                "left long, right long")
    assert _rows(counts, "left", "right") == [(0, 1), (1, 0), (1, 1), (2, 1), (2, 1)]


def test_cogroup_apply_in_arrow_rows_out_and_empty_results(sides):
    def with_right_count(left, right):
        return pa.table({"v1": left.column("v1"), "n": pa.array([right.num_rows] * left.num_rows, pa.int64())})

    assert _rows(sides.applyInArrow(with_right_count, "v1 double, n long"), "v1") == [
        (1.0, 1), (2.0, 1), (3.0, 1), (4.0, 1), (7.0, 0), (9.0, 1)]
    assert sides.applyInArrow(lambda l, r: pa.table({"left": pa.array([], pa.int64())}), "left long").collect() == []


def test_cogroup_apply_in_arrow_on_two_key_columns_of_different_names(spark):
    left = spark.createDataFrame([("a", 1, 1), ("a", 2, 2), ("b", 1, 3)], "x string, y int, v int")
    right = spark.createDataFrame([("a", 1, 10), ("b", 1, 30), ("b", 1, 31), ("c", 5, 50)], "p string, q int, w int")

    def sums(key, l, r):
        return pa.table({"x": pa.array([key[0].as_py()], pa.string()), "y": pa.array([key[1].as_py()], pa.int32()),
                         "lv": pa.array([pc.sum(l.column("v")).as_py()], pa.int64()),
                         "rw": pa.array([pc.sum(r.column("w")).as_py()], pa.int64())})

    cogrouped = left.groupby("x", "y").cogroup(right.groupby("p", "q"))
    out = cogrouped.applyInArrow(sums, "x string, y int, lv long, rw long")
    assert _rows(out, "x", "y") == [("a", 1, 1, 10), ("a", 2, 2, None), ("b", 1, 3, 61), ("c", 5, None, 50)]
    with pytest.raises(IllegalArgumentException, match=r"requirement failed: Cogroup keys must have same size: "
                                                       r"2 != 1"):
        left.groupby("x", "y").cogroup(right.groupby("p")).applyInArrow(sums, "x string")


@pytest.mark.parametrize("func, error, text", [
    (lambda l, r: pa.table({"x": [1]}), PySparkRuntimeError,
     "[RESULT_COLUMN_NAMES_MISMATCH] Column names of the returned data do not match specified schema. "
     "Missing: left. Unexpected: x."),
    (lambda l, r: pa.table({"left": pa.array([1], pa.int8())}), PySparkRuntimeError,
     "[RESULT_COLUMN_TYPES_MISMATCH] Column types of the returned data do not match specified schema. "
     "Mismatch: column 'left' (expected int64, actual int8)."),
    (lambda l, r: l.to_pandas(), PySparkTypeError,
     "[UDF_RETURN_TYPE] Return type of the user-defined function should be pyarrow.Table, but is DataFrame."),
    (lambda l, r: (b for b in l.to_batches()), PySparkTypeError,
     "[UDF_RETURN_TYPE] Return type of the user-defined function should be pyarrow.Table, but is generator."),
], ids=["names", "type", "pandas", "generator"])
def test_cogroup_apply_in_arrow_refuses_results_unlike_the_schema(sides, func, error, text):
    with pytest.raises(error) as info:
        sides.applyInArrow(func, "left long").collect()
    assert str(info.value) == text


def test_cogroup_apply_in_arrow_checks_schema_parameters_and_names_the_failing_function(sides):
    with pytest.raises(PySparkTypeError) as info:
        sides.applyInArrow(lambda l, r: l, "long")
    assert str(info.value) == ("[INVALID_RETURN_TYPE_FOR_ARROW_UDF] Grouped and Cogrouped map Arrow UDF should "
                               "return StructType for SQL_COGROUPED_MAP_ARROW_UDF, got LongType().")
    with pytest.raises(PySparkValueError) as info:
        sides.applyInArrow(lambda l: l, "left long")
    assert str(info.value) == ("[INVALID_PANDAS_UDF] Invalid function: the function in cogroup.applyInArrow must "
                               "take either two arguments (left, right) or three arguments (key, left, right).")

    def cbrk(left, right):
        raise KeyError("cog")

    with pytest.raises(KeyError, match="cog") as raised:
        sides.applyInArrow(cbrk, "left long").collect()
    assert "cogroup.applyInArrow:cbrk" in "\n".join(raised.value.__notes__)
