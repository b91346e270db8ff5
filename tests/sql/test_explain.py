"""``DataFrame.explain`` in its five modes, and what ``show`` prints around its table.

Expected texts were captured from PySpark 4.3 on the same data; where Ember's plan differs from
Spark's (no whole-stage codegen, no adaptive wrapper), the test checks the shape Spark uses.
"""

from __future__ import annotations

import re

import pytest

from ember.errors import IllegalArgumentException, PySparkTypeError, PySparkValueError
from ember.sql.explain import bytes_to_string


@pytest.fixture
def people(spark):
    return spark.createDataFrame([(1, "a"), (2, "b"), (3, "b")], "id int, n string")


def test_simple_mode_names_columns_by_attribute_not_by_ordinal(people, capsys):
    people.where("id > 1").select((people.id + 1).alias("x")).explain()
    out = capsys.readouterr().out
    assert out.startswith("== Physical Plan ==\n")
    assert "input[" not in out
    assert re.search(r"Project \[\(id#(\d+) \+ 1\) AS x#\d+\]\n\+- Filter \(id#\1 > 1\)", out), out


def test_extended_true_and_mode_extended_print_the_logical_plans_too(people, capsys):
    people.explain(True)
    by_flag = capsys.readouterr().out
    people.explain(mode="extended")
    by_mode = capsys.readouterr().out
    assert by_flag == by_mode
    headings = re.findall(r"^== (.*) ==$", by_flag, re.M)
    assert headings == ["Analyzed Logical Plan", "Optimized Logical Plan", "Physical Plan"]
    assert "id: int, n: string\n" in by_flag


def test_formatted_numbers_operators_children_first_with_a_section_each(people, capsys):
    people.where("id > 1").explain("formatted")
    out = capsys.readouterr().out
    outline, _, details = out.partition("\n\n\n")
    assert outline.splitlines() == ["== Physical Plan ==", "Filter (2)", "+- LocalTableScan (1)"]
    sections = details.strip().split("\n\n")
    assert [s.splitlines()[0] for s in sections] == ["(1) LocalTableScan", "(2) Filter"]
    assert re.fullmatch(r"\(2\) Filter\nInput \[2\]: \[id#\d+, n#\d+\]\nCondition : \(id#\d+ > 1\)", sections[1])


def test_formatted_aggregate_lists_keys_functions_and_results(people, capsys):
    people.groupBy("n").count().explain(mode="formatted")
    out = capsys.readouterr().out
    assert re.search(r"Keys \[1\]: \[n#\d+\]\nFunctions \[1\]: \[partial_count\(1\)\]\nResults \[2\]", out), out
    assert re.search(r"\(\d\) Exchange\nInput \[2\]: .*\nArguments: hashpartitioning\(n#\d+, \d+\)", out), out


def test_cost_mode_annotates_the_optimized_plan_with_sizes(people, capsys):
    people.explain("cost")
    out = capsys.readouterr().out
    assert out.startswith("== Optimized Logical Plan ==\nLocalRelation [")
    assert re.search(r", Statistics\(sizeInBytes=\d+\.\d (B|KiB)\)\n", out), out
    assert "== Physical Plan ==" in out


def test_codegen_mode_says_no_subtree_is_compiled(people, capsys):
    people.explain("codegen")
    assert capsys.readouterr().out == "Found 0 WholeStageCodegen subtrees.\n\n"


def test_explain_arguments_are_checked_as_pyspark_checks_them(people):
    with pytest.raises(IllegalArgumentException, match=re.escape(
            "Unknown explain mode: bogus. Accepted explain modes are 'simple', 'extended', 'codegen', "
            "'cost', 'formatted'.")):
        people.explain("bogus")
    with pytest.raises(PySparkValueError, match=re.escape(
            "[CANNOT_SET_TOGETHER] extended and mode should not be set together.")):
        people.explain(True, mode="simple")
    with pytest.raises(PySparkTypeError, match=re.escape(
            "[NOT_EXPECTED_TYPE] Argument `extended` should be bool or str, got int.")):
        people.explain(3)


@pytest.mark.parametrize("size, text", [
    (0, "0.0 B"), (2047, "2047.0 B"), (2048, "2.0 KiB"), (176, "176.0 B"), (3 * 2**20, "3.0 MiB"),
    (2**63 - 1, "8.0 EiB"),  # Spark's "unknown" size, Long.MaxValue
])
def test_sizes_print_with_spark_binary_units(size, text):
    assert bytes_to_string(size) == text


def test_show_footers_end_without_a_blank_line_as_in_pyspark_4(people, capsys):
    people.show(2)
    assert capsys.readouterr().out.endswith("+---+---+\nonly showing top 2 rows\n")
    people.show(2, vertical=True)
    assert capsys.readouterr().out == (
        "-RECORD 0--\n id  | 1   \n n   | a   \n-RECORD 1--\n id  | 2   \n n   | b   \n"
        "only showing top 2 rows\n")
    people.limit(0).show(vertical=True)
    assert capsys.readouterr().out == "(0 rows)\n"
    people.show()
    assert capsys.readouterr().out.endswith("|  3|  b|\n+---+---+\n\n")
