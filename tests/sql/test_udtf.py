"""Python UDTFs: ``udtf``, calls from the DataFrame API and from SQL, ``eval``/``terminate``, and
PySpark's errors. Every expected value and error text was captured from PySpark 4.3 on the same
input (where Ember differs on purpose, the test says so).
"""

from __future__ import annotations

import datetime

import pytest

from ember.errors import AnalysisException, PySparkAttributeError, PySparkRuntimeError, PySparkTypeError
from ember.sql import Row
from ember.sql import functions as F
from ember.sql.functions import lit, udtf
from ember.sql.types import IntegerType, StructField, StructType


@udtf(returnType="c1: int, c2: int")
class PlusMinus:
    def eval(self, x: int, y: int):
        yield x + y, x - y
        yield x, y


class Counter:
    def __init__(self):
        self.n = 0

    def eval(self, x):
        self.n += x
        yield (self.n,)

    def terminate(self):
        yield (self.n * 100,)


@pytest.fixture(scope="module", autouse=True)
def _registrations_restored(spark):
    """Registering UDTFs changes the shared session: forget this module's registrations after it."""
    before = dict(spark.udtf._functions)
    yield
    spark.udtf._functions.clear()
    spark.udtf._functions.update(before)


@pytest.fixture(scope="module")
def registered(spark):
    spark.udtf.register("plus_minus", PlusMinus)
    return spark


def test_udtf_definition_carries_pyspark_attributes():
    assert (type(PlusMinus).__name__, PlusMinus.evalType, PlusMinus.deterministic) == (
        "UserDefinedTableFunction", 301, False)
    assert PlusMinus.returnType == StructType([StructField("c1", IntegerType()), StructField("c2", IntegerType())])


def test_udtf_called_from_the_dataframe_api(spark):
    df = PlusMinus(lit(1), lit(2))
    assert (df.schema.simpleString(), df.columns) == ("struct<c1:int,c2:int>", ["c1", "c2"])
    assert df.collect() == [Row(c1=3, c2=-1), Row(c1=1, c2=2)]


def test_terminate_yields_after_eval_and_struct_type_return(spark):
    counter = udtf(Counter, returnType=StructType([StructField("n", IntegerType())]))
    assert counter(lit(5)).collect() == [Row(n=5), Row(n=500)]


@pytest.mark.parametrize("query, rows", [
    ("SELECT * FROM plus_minus(1, 2)", [Row(c1=3, c2=-1), Row(c1=1, c2=2)]),
    ("SELECT c2 FROM plus_minus(5, 2) WHERE c1 > 3", [Row(c2=3), Row(c2=2)]),
    ("SELECT * FROM plus_minus(1, 2) AS t(a, b)", [Row(a=3, b=-1), Row(a=1, b=2)]),
    ("SELECT t.c1 FROM plus_minus(1, 2) t", [Row(c1=3), Row(c1=1)]),
    ("SELECT * FROM plus_minus(1 + 1, 2 * 3)", [Row(c1=8, c2=-4), Row(c1=2, c2=6)]),
    ("SELECT * FROM PLUS_MINUS(1, 2)", [Row(c1=3, c2=-1), Row(c1=1, c2=2)]),
])
def test_registered_udtf_called_from_sql(registered, query, rows):
    assert registered.sql(query).collect() == rows


def test_eval_gets_python_values_of_its_arguments(spark):
    @udtf(returnType="t string")
    class ArgTypes:
        def eval(self, *args):
            yield (repr([type(a).__name__ for a in args]) + repr(args),)

    rows = ArgTypes(lit(1), lit("x"), lit(None), lit(1.5), F.array(lit(1), lit(2)), lit(datetime.date(2020, 1, 2)),
                    F.struct(lit(1).alias("q")), lit(True), lit(10**12)).collect()
    assert rows == [Row(t="['int', 'str', 'NoneType', 'float', 'list', 'date', 'Row', 'bool', 'int']"
                          "(1, 'x', None, 1.5, [1, 2], datetime.date(2020, 1, 2), Row(q=1), True, 1000000000000)")]
    spark.udtf.register("argtypes", ArgTypes)
    rows = spark.sql("SELECT * FROM argtypes(1, 'x', NULL, 1.5, array(1,2), DATE'2020-01-02', 2.5D, "
                     "CAST(1 AS TINYINT))").collect()
    assert rows == [Row(t="['int', 'str', 'NoneType', 'Decimal', 'list', 'date', 'float', 'int']"
                          "(1, 'x', None, Decimal('1.5'), [1, 2], datetime.date(2020, 1, 2), 2.5, 1)")]


def test_keyword_arguments_from_python_and_sql(spark):
    @udtf(returnType="s int")
    class Scaled:
        def eval(self, a, b=10):
            yield (a * b,)

    assert Scaled(lit(2), b=lit(3)).collect() == [Row(s=6)]
    assert Scaled(a=lit(2)).collect() == [Row(s=20)]
    spark.udtf.register("scaled", Scaled)
    assert spark.sql("SELECT * FROM scaled(2, b => 5)").collect() == [Row(s=10)]


def test_rows_may_be_tuples_lists_dicts_rows_none_or_bare_values(spark):
    @udtf(returnType="a int, b string")
    class Shapes:
        def eval(self, x):
            yield {"a": x, "b": "d"}
            yield {"b": "only b"}
            yield Row(a=3, b="row")
            yield [4, "list"]
            yield None

    @udtf(returnType="a int")
    class Bare:
        def eval(self, x):
            yield x

    @udtf(returnType="a int")
    class Returned:
        def eval(self, x):
            return [(x,), (x + 1,)]

    @udtf(returnType="a int")
    class Nothing:
        def eval(self, x):
            return iter(())

    assert Shapes(lit(1)).collect() == [Row(a=1, b="d"), Row(a=None, b="only b"), Row(a=3, b="row"),
                                        Row(a=4, b="list"), Row(a=None, b=None)]
    assert Bare(lit(1)).collect() == [Row(a=1)]
    assert Returned(lit(1)).collect() == [Row(a=1), Row(a=2)]
    assert Nothing(lit(1)).collect() == []
    assert Nothing(lit(1)).schema.simpleString() == "struct<a:int>"


class _NoEval:
    def other(self):
        pass


class _Plain:
    def eval(self, x):
        yield x,


class _Analyzed:
    @staticmethod
    def analyze(x):
        return None

    def eval(self, x):
        yield (x,)


@pytest.mark.parametrize("make, error, text", [
    (lambda: udtf(lambda x: x, returnType="a int"), PySparkTypeError,
     "[INVALID_UDTF_HANDLER_TYPE] The UDTF is invalid. The function handler must be a class, but got 'function'. "
     "Please provide a class as the function handler."),
    (lambda: udtf(_NoEval, returnType="a int"), PySparkAttributeError,
     "[INVALID_UDTF_NO_EVAL] The UDTF '_NoEval' is invalid. It does not implement the required 'eval' method. "
     "Please implement the 'eval' method in '_NoEval' and try again."),
    (lambda: udtf(_Plain), PySparkAttributeError,
     "[INVALID_UDTF_RETURN_TYPE] The UDTF '_Plain' is invalid. It does not specify its return type or implement "
     "the required 'analyze' static method. Please specify the return type or implement the 'analyze' static "
     "method in '_Plain' and try again."),
    (lambda: udtf(_Analyzed, returnType="a int"), PySparkAttributeError,
     "[INVALID_UDTF_BOTH_RETURN_TYPE_AND_ANALYZE] The UDTF '_Analyzed' is invalid. It has both its return type and "
     "an 'analyze' attribute. Please make it have one of either the return type or the 'analyze' static method in "
     "'_Analyzed' and try again."),
    (lambda: udtf(_Plain, returnType="int")(lit(1)), PySparkTypeError,
     "[UDTF_RETURN_TYPE_MISMATCH] Mismatch in return type for the UDTF '_Plain'. Expected a 'StructType', but got "
     "'IntegerType()'. Please ensure the return type is a correctly formatted StructType."),
    (lambda: udtf(PlusMinus, returnType="a int"), PySparkTypeError,
     "[INVALID_UDTF_HANDLER_TYPE] The UDTF is invalid. The function handler must be a class, but got "
     "'UserDefinedTableFunction'. Please provide a class as the function handler."),
], ids=["function", "no eval", "no return type", "both", "not a struct", "udtf of a udtf"])
def test_udtf_definitions_are_checked_as_pyspark_checks_them(make, error, text):
    with pytest.raises(error) as info:
        make()
    assert str(info.value) == text


def test_register_takes_only_udtfs(spark):
    for f in (_Plain, lambda: 1):
        with pytest.raises(PySparkTypeError) as info:
            spark.udtf.register("x", f)
        assert str(info.value) == (
            "[CANNOT_REGISTER_UDTF] Cannot register the UDTF 'x': expected a 'UserDefinedTableFunction'. Please "
            "make sure the UDTF is correctly defined as a class, and then either wrap it in the `udtf()` function "
            "or annotate it with `@udtf(...)`.")


def _one_column(eval_body):
    return udtf(type("U", (), {"eval": eval_body}), returnType="a int")


class _Ctor:
    def __init__(self, a):
        pass

    def eval(self, x):
        yield (x,)


@pytest.mark.parametrize("frame, text", [
    (lambda: udtf(type("Arity", (), {"eval": lambda self, x: iter([(x,)])}), returnType="a int, b int")(lit(1)),
     "[UDTF_RETURN_SCHEMA_MISMATCH] The number of columns in the result does not match the specified schema. "
     "Expected column count: 2, Actual column count: 1. Please make sure the values returned by the 'eval' method "
     "have the same number of columns as specified in the output schema."),
    (lambda: _one_column(lambda self, x: 5)(lit(1)),
     "[UDTF_RETURN_NOT_ITERABLE] The return value of the 'eval' method of the UDTF is invalid. It should be an "
     "iterable (e.g., generator or list), but got 'int'. Please make sure that the UDTF returns one of these types."),
    (lambda: PlusMinus(lit(1)),
     "[UDTF_EVAL_METHOD_ARGUMENTS_DO_NOT_MATCH_SIGNATURE] Failed to evaluate the user-defined table function "
     "'PlusMinus' because the function arguments did not match the expected signature of the 'eval' method "
     "(missing a required argument: 'y'). Please update the query so that this table function call provides "
     "arguments matching the expected signature, or else update the table function so that its 'eval' method "
     "accepts the provided arguments, and then try the query again."),
    (lambda: _one_column(lambda self, x: iter([(x,)]))(lit(10**12)),
     "[UDTF_ARROW_DATA_CONVERSION_ERROR] Cannot convert UDTF output to Arrow. Data: [(1000000000000,)]. Schema: "
     "struct<a:int>. Arrow Schema: struct<a: int32>."),
    (lambda: udtf(_Ctor, returnType="a int")(lit(1)),
     "[UDTF_CONSTRUCTOR_INVALID_NO_ANALYZE_METHOD] Failed to evaluate the user-defined table function '_Ctor' "
     "because its constructor is invalid: the function does not implement the 'analyze' method, and its "
     "constructor has more than one argument (including the 'self' reference). Please update the table function "
     "so that its constructor accepts exactly one 'self' argument, and try the query again."),
], ids=["width", "not iterable", "arguments", "overflow", "constructor"])
def test_bad_rows_and_calls_fail_with_pyspark_errors(spark, frame, text):
    with pytest.raises(PySparkRuntimeError) as info:
        frame().collect()
    assert str(info.value) == text


def test_values_that_do_not_fit_their_columns_fail_the_whole_call(spark):
    @udtf(returnType="a int, s string, d double, l array<int>, m map<string,int>, dt date")
    class Types:
        def eval(self, x):
            yield ("1", 2, 3, [1, "2"], {"k": 1}, datetime.date(2020, 1, 2))
            yield (1.7, None, "x", None, None, "2020-01-01")
            yield [True, "s", 1, (1, 2), {"a": "b"}, None]

    with pytest.raises(PySparkRuntimeError) as info:
        Types(lit(1)).collect()
    assert str(info.value) == (
        "[UDTF_ARROW_DATA_CONVERSION_ERROR] Cannot convert UDTF output to Arrow. Data: [('1', 2, 3, [1, '2'], "
        "{'k': 1}, datetime.date(2020, 1, 2)), (1.7, None, 'x', None, None, '2020-01-01'), [True, 's', 1, (1, 2), "
        "{'a': 'b'}, None]]. Schema: struct<a:int,s:string,d:double,l:array<int>,m:map<string,int>,dt:date>. "
        "Arrow Schema: struct<a: int32, s: string, d: double, l: list<element: int32>, m: map<string, int32>, "
        "dt: date32[day]>.")


def test_error_in_eval_or_terminate_keeps_its_type_and_names_the_udtf(spark):
    # PySpark wraps these in UDTF_EXEC_ERROR ("... an error in the 'eval' method: eval failed for 1");
    # Ember keeps the user's exception, as it does for every UDF, with a note naming the method.
    @udtf(returnType="a int")
    class Raises:
        def eval(self, x):
            raise ValueError(f"eval failed for {x!r}")

    @udtf(returnType="a int")
    class TermRaise:
        def eval(self, x):
            yield (x,)

        def terminate(self):
            raise RuntimeError("term")

    with pytest.raises(ValueError, match="eval failed for 1") as info:
        Raises(lit(1)).collect()
    assert "Raises.eval(1)" in "\n".join(info.value.__notes__)
    with pytest.raises(RuntimeError, match="term") as info:
        TermRaise(lit(1)).collect()
    assert "TermRaise.terminate(1)" in "\n".join(info.value.__notes__)
    assert PlusMinus(lit(1), lit(2)).count() == 2  # the session is still usable


def test_arguments_resolve_against_no_columns(spark):
    with pytest.raises(AnalysisException, match=r"UNRESOLVED_COLUMN.WITHOUT_SUGGESTION.*`x` cannot be resolved"):
        PlusMinus(F.col("x"), lit(1))


def test_what_ember_refuses_is_refused_by_name(registered):
    with pytest.raises(TypeError, match="'analyze' static method, which Ember does not support"):
        udtf(_Analyzed)
    with pytest.raises(TypeError, match="useArrow=False"):
        udtf(_Plain, returnType="a int", useArrow=False)
    with pytest.raises(AnalysisException, match="TABLE arguments to the Python UDTF plus_minus are not supported"):
        registered.sql("SELECT * FROM plus_minus(TABLE(t3))")
    with pytest.raises(TypeError, match="TABLE arguments"):
        PlusMinus(registered.range(3), lit(1))
