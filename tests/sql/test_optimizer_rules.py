"""Golden before/after fixtures for every optimizer rule, and whole queries against the unoptimized plan.

Each rule has ``tests/sql/fixtures/optimizer/<rule>.txt``: cases of a ``# title`` line, an input (a
Python expression over the tables below, ``sql("...")`` included), a ``=>`` line, and the plan text
after applying only that rule to the analysed input. Expression ids are renumbered in order of
appearance (``#0``, ``#1``, ...) so the text does not depend on what ran before; file scans also
show the filters pushed into them. Lines starting with ``--`` are comments.

To rewrite a fixture after an intended change, run with ``EMBER_REGEN_OPTIMIZER_FIXTURES=1`` and
read the diff: every changed plan is a changed promise.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ember.sql import functions as F
from ember.sql.optimizer import RULES
from ember.sql.plan import logical as L
from ember.sql.plan.tree_string import tree_string

FIXTURES = Path(__file__).parent / "fixtures" / "optimizer"
RULE_NAMES = [r.__name__ for r in RULES]
_RULES = {r.__name__: r for r in RULES}


@pytest.fixture(scope="module")
def tables(spark, tmp_path_factory):
    """Small tables with NULLs, registered as views of the same names."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = spark.createDataFrame([(1, "x", 1.5), (2, None, None), (None, "y", 0.0), (3, "x", -2.0)],
                              "a INT, b STRING, c DOUBLE")
    u = spark.createDataFrame([(1, "one"), (3, None), (4, "four"), (None, "none")], "a INT, d STRING")
    root = tmp_path_factory.mktemp("optimizer_rules") / "events"
    for p, rows in (("1", [1, 2]), ("2", [3, None]), ("__HIVE_DEFAULT_PARTITION__", [5])):
        (root / f"p={p}").mkdir(parents=True)
        pq.write_table(pa.table({"x": pa.array(rows, pa.int32()), "y": [str(r) for r in rows]}),
                       root / f"p={p}" / "part-0.parquet")
    events = spark.read.parquet(str(root))
    for name, df in (("t", t), ("u", u), ("events", events)):
        df.createOrReplaceTempView(name)
    return {"t": t, "u": u, "events": events, "F": F, "spark": spark, "sql": spark.sql}


# --------------------------------------------------------------------------------- fixtures


def parse_fixture(text: str) -> list[tuple[str, str, str]]:
    """``(title, input, expected)`` for each case of a fixture file."""
    cases = []
    lines = [ln for ln in text.splitlines() if not ln.startswith("--")]
    blocks = re.split(r"\n\s*\n", "\n".join(lines).strip())
    for block in blocks:
        head, _, expected = block.partition("\n=>\n")
        title, _, source = head.partition("\n")
        if not title.startswith("# ") or not source.strip() or not expected.strip():
            raise ValueError(f"malformed fixture case:\n{block}")
        cases.append((title[2:].strip(), source.strip(), expected.strip()))
    return cases


class _Shown:
    """A plan node as the fixtures print it: file scans also list their pushed filters."""

    def __init__(self, node: L.LogicalPlan):
        self.node = node
        self.children = tuple(_Shown(c) for c in node.children)

    def node_string(self) -> str:
        text = self.node.node_string()
        if isinstance(self.node, L.FileScan):
            text += " PushedFilters: [" + ", ".join(str(f) for f in self.node.pushed_filters) + "]"
        return text


def render(plan: L.LogicalPlan) -> str:
    """The plan's tree string with expression ids renumbered from the leaves up (``a#0, b#1``)."""
    text = tree_string(_Shown(plan))
    numbers: dict[str, int] = {}
    for line in reversed(text.splitlines()):
        for found in re.findall(r"#(\d+)", line):
            numbers.setdefault(found, len(numbers))
    return re.sub(r"#(\d+)", lambda m: f"#{numbers[m.group(1)]}", text)


def apply_rule(rule: str, source: str, tables: dict) -> str:
    df = eval(source, {}, dict(tables))  # noqa: S307 - fixture inputs are our own expressions
    return render(_RULES[rule](df._plan))


def check_file(rule: str, tables: dict) -> int:
    """Assert every case of ``<rule>.txt``; returns the number of cases."""
    path = FIXTURES / f"{rule}.txt"
    if os.environ.get("EMBER_REGEN_OPTIMIZER_FIXTURES"):
        _regenerate(path, rule, tables)
    cases = parse_fixture(path.read_text())
    failures = []
    for title, source, expected in cases:
        actual = apply_rule(rule, source, tables)
        if actual != expected:
            failures.append(f"[{rule}] {title}\n--- input:\n{source}\n--- expected:\n{expected}\n"
                            f"--- actual:\n{actual}")
    assert not failures, "\n\n".join(failures)
    return len(cases)


def _regenerate(path: Path, rule: str, tables: dict) -> None:
    out: list[str] = []
    block: list[str] = []
    for line in path.read_text().splitlines() + [""]:
        if line.startswith("--") and not block:
            out += [line, ""]
        elif line.strip():
            block.append(line)
        elif block:
            title, source = block[0], "\n".join(block[1:block.index("=>")] if "=>" in block else block[1:])
            out += [title, source, "=>", apply_rule(rule, source, tables), ""]
            block = []
    path.write_text("\n".join(out).rstrip() + "\n")


def test_every_rule_has_a_fixture():
    assert sorted(p.stem for p in FIXTURES.glob("*.txt")) == sorted(RULE_NAMES)


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_rule_fixture(rule, tables):
    # Each fixture covers the main rewrite, a case where the rule must not fire, and edge cases.
    assert check_file(rule, tables) >= 3


def test_fixture_parser_reports_malformed_cases():
    with pytest.raises(ValueError, match="malformed"):
        parse_fixture("# no input or expected plan")
    assert parse_fixture("-- comment\n# t\nx\n=>\nPlan\n+- Child\n\n# u\ny\n=>\nP") == [
        ("t", "x", "Plan\n+- Child"), ("u", "y", "P")]


# --------------------------------------------------------------------------------- oracle

WHOLE_QUERIES = [
    # predicates over both sides of an outer join; only the preserved side may take them
    "sql('SELECT t.a, b, d FROM t LEFT JOIN u ON t.a = u.a WHERE b = \\'x\\' AND d IS NULL')",
    "t.join(u, 'a', 'right').where(F.col('b').isNull() & (F.col('d') != 'four'))",
    "t.join(u, 'a', 'full').where(F.col('c') > 0).select('a', 'd')",
    # constants with NULLs, double negation, always-true conjuncts
    "sql('SELECT a, c + (1 + NULL) AS n FROM t WHERE NOT NOT (a > 1) AND (1 = 1 OR b IS NULL)')",
    "t.where((F.col('a') > 1) & F.lit(True)).where(F.col('b').isNotNull() | F.lit(False))",
    # aggregate outputs, projections and pruning
    "sql('SELECT b, n FROM (SELECT b, count(*) AS n, sum(c) AS s FROM t GROUP BY b) WHERE n > 1 OR s IS NULL')",
    "t.join(u, 'a').groupBy('d').agg(F.max('c').alias('m')).where(F.col('m') > 0)",
    "t.select((F.col('a') * 2).alias('a2'), 'b').where(F.col('a2') >= 4).select('b')",
    # semi/anti joins, unions, limits over sorted input
    "t.join(u, 'a', 'left_anti').where(F.col('c').isNotNull())",
    "t.join(u, 'a', 'left_semi').where(F.col('b') == 'x').select('c')",
    "t.select('a').union(u.select('a')).where(F.col('a').isNull() | (F.col('a') > 2))",
    "t.orderBy(F.col('c').desc_nulls_last()).limit(2).select('a')",
    # file scans: partition and data filters, partition value NULL
    "events.where((F.col('p') == 2) | F.col('p').isNull()).select('x', 'p')",
    "events.where(F.col('x').isNull() | (F.col('x') > 1)).groupBy('p').count()",
    "events.where(~(F.col('p') == 1) & F.col('x').isNotNull()).select('y')",
]


def _rows(df) -> list:
    return sorted((tuple(r) for r in df.collect()), key=repr)


@pytest.mark.parametrize("source", WHOLE_QUERIES)
def test_optimized_plan_gives_the_unoptimized_answer(source, tables, spark):
    df = eval(source, {}, dict(tables))  # noqa: S307
    keys = [f"spark.ember.optimizer.{r}" for r in RULE_NAMES]
    optimized = _rows(df)
    try:
        for key in keys:
            spark.conf.set(key, "false")
        assert df._qe.optimized == df._plan
        unoptimized = _rows(df)
    finally:
        for key in keys:
            spark.conf.unset(key)
    assert optimized == unoptimized, f"{source}\n{df._qe.optimized}"


def test_a_constant_that_fails_is_left_for_run_time(spark):
    # fold_constants used to evaluate 1 / 0 while planning and fail a query over no rows
    empty = spark.createDataFrame([], "a INT")
    assert empty.where(F.lit(1) / 0 > F.col("a")).collect() == []
