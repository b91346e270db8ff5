"""``ember-sql`` as a user runs it: at a terminal (through a pseudo-terminal), with ``-e``,
``-f`` and a pipe, and across runs that share a warehouse.

The batch expectations follow spark-sql 4.3, run with the same statements: results as
tab-separated rows without a header on standard output (nested values as ``[1,2]`` and
``{"a":1}``), ``Time taken: … seconds, Fetched N row(s)`` and errors on standard error,
``-e`` stopping at the first failing statement with exit status 1.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pytestmark = pytest.mark.slow

PROMPT = r"ember-sql \(default\)>"


@pytest.fixture
def workdir(tmp_path):
    """A working directory (the warehouse goes in it) and a home for the history file."""
    (tmp_path / "home").mkdir()
    return tmp_path


def _env(workdir: Path) -> dict[str, str]:
    return dict(os.environ, HOME=str(workdir / "home"), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")


def _command(*args: str, master: str = "inline") -> list[str]:
    """The shell's command line; batch runs use the ``inline`` master (no worker processes to start)."""
    return [sys.executable, "-m", "ember.sql.shell", "--master", master, *args]


def run(workdir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(_command(*args), input=stdin, capture_output=True, text=True, cwd=workdir,
                          env=_env(workdir), timeout=120)


def test_e_prints_tab_separated_rows_and_the_time_taken(workdir):
    result = run(workdir, "-e", "SELECT 1 AS a, 'x' AS b, array(1, 2), named_struct('a', 1, 'b', 'x'), "
                                "map('k', 1), NULL; SELECT 1 WHERE false")
    assert result.returncode == 0, result.stderr
    assert result.stdout == '1\tx\t[1,2]\t{"a":1,"b":"x"}\t{"k":1}\tNULL\n'
    times = [line for line in result.stderr.splitlines() if line.startswith("Time taken:")]
    assert len(times) == 2
    assert times[0].endswith("seconds, Fetched 1 row(s)") and times[1].endswith(" seconds"), times


def test_e_stops_at_the_first_error_with_status_1(workdir):
    result = run(workdir, "-e", "SELECT 1; SELEC 2; SELECT 3")
    assert result.returncode == 1
    assert result.stdout == "1\n"  # the statement after the error does not run, as in spark-sql
    assert ("[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)\n\n"
            "== SQL ==\nSELEC 2\n^^^\n") in result.stderr


def test_f_runs_a_file_of_statements(workdir):
    script = workdir / "script.sql"
    script.write_text("-- a view; then a query\nCREATE TEMPORARY VIEW v AS SELECT 'a;b' AS s;\n"
                      "/* two */ SELECT s, length(s)\n  FROM v;\n")
    result = run(workdir, "-f", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "a;b\t3\n"
    missing = run(workdir, "-f", str(workdir / "nope.sql"))
    assert missing.returncode == 1 and "nope.sql" in missing.stderr


def test_a_pipe_runs_every_statement_without_prompt_or_colours(workdir):
    result = run(workdir, stdin="SELECT 1 AS a;\nSELEC 2;\nSELECT 'x'\n  AS b;\n")
    assert result.returncode == 1
    assert result.stdout == "1\nx\n"  # piped input goes on after an error
    assert "PARSE_SYNTAX_ERROR" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr and "ember-sql (" not in result.stdout


def test_output_format_conf_and_database(workdir):
    result = run(workdir, "--output-format", "csv", "--conf", "spark.sql.shuffle.partitions=7", "-e",
                 "SET spark.sql.shuffle.partitions; SELECT 1 AS a, 'x,y' AS b")
    assert result.returncode == 0, result.stderr
    assert result.stdout == 'key,value\nspark.sql.shuffle.partitions,7\na,b\n1,"x,y"\n'
    missing = run(workdir, "--database", "nosuchdb", "-e", "SELECT 1")
    assert missing.returncode == 1 and "[SCHEMA_NOT_FOUND]" in missing.stderr


def test_a_table_created_by_one_run_is_queried_by_the_next(workdir):
    created = run(workdir, "-e", "CREATE DATABASE sales; CREATE TABLE sales.t USING parquet AS "
                                 "SELECT id, id % 2 AS k FROM range(5)")
    assert created.returncode == 0, created.stderr
    queried = run(workdir, "--database", "sales", "-e", "SELECT k, count(*) FROM t GROUP BY k ORDER BY k")
    assert queried.returncode == 0, queried.stderr
    assert queried.stdout == "0\t3\n1\t2\n"
    assert (workdir / "spark-warehouse" / "sales.db" / "t").is_dir()


def _visible_files(table: Path) -> set[str]:
    return {str(Path(d, f).relative_to(table)) for d, dirs, files in os.walk(table)
            for f in files if not any(part.startswith(("_", ".")) for part in Path(d, f).relative_to(table).parts)}


def test_killing_the_shell_during_insert_leaves_the_table_unchanged(workdir):
    assert run(workdir, "-e", "CREATE TABLE t AS SELECT id FROM range(5)").returncode == 0
    table = workdir / "spark-warehouse" / "t"
    catalog = (workdir / "spark-warehouse" / "_ember_catalog.json").read_text()
    before = _visible_files(table)
    shell = subprocess.Popen(_command("-e", "INSERT INTO t SELECT id FROM range(0, 100000000000, 1, 2)"),
                             cwd=workdir, env=_env(workdir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while not (table / "_temporary").exists():  # the write job has started
            assert shell.poll() is None and time.monotonic() < deadline, "the INSERT never started"
            time.sleep(0.1)
        time.sleep(1)
    finally:
        shell.send_signal(signal.SIGKILL)
        shell.wait()
    assert (workdir / "spark-warehouse" / "_ember_catalog.json").read_text() == catalog
    assert _visible_files(table) == before
    after = run(workdir, "-e", "SELECT count(*), sum(id) FROM t")
    assert after.stdout == "5\t10\n", after.stderr


def test_sample_tables_answer_a_first_query(workdir):
    from ember.examples.tpch.sample import generate

    result = run(workdir, "--sample", "-e", "SELECT count(*) FROM lineitem; SELECT n_name FROM nation "
                                            "WHERE n_nationkey = 7")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{generate(0.01)['lineitem'].num_rows}\nGERMANY\n"


def test_interactive_session(workdir):
    # a worker process, so that Ctrl-C has a running task to stop in another process
    shell = pexpect.spawn(sys.executable, _command(master="local[1]")[1:], cwd=str(workdir), env=_env(workdir),
                          encoding="utf-8", timeout=90, dimensions=(24, 200))
    try:
        shell.expect(PROMPT)
        # a statement over two lines: Enter before the ; continues it
        shell.send("SELECT 1 AS a,\r")
        shell.send("'x' AS b;\r")
        shell.expect(r"\|a  \|b  \|")
        shell.expect(r"Time taken: [\d.]+ seconds, Fetched 1 row\(s\)")
        shell.expect(PROMPT)
        # history: Up recalls it whole
        shell.send("\x1b[A")
        shell.send("\r")
        shell.expect(r"\|1  \|x  \|")
        shell.expect(PROMPT)
        # completion of a view's name
        shell.send("CREATE TEMPORARY VIEW numbers AS SELECT 42 AS answer;\r")
        shell.expect(PROMPT)
        shell.send("SELECT answer FROM numb\t")
        shell.send(";\r")
        shell.expect(r"\|42    \|")
        shell.expect(PROMPT)
        # a syntax error shows its caret and the prompt comes back
        shell.send("SELEC 1;\r")
        shell.expect(r"Syntax error at or near 'SELEC'")
        shell.expect(r"\^\^\^")
        shell.expect(PROMPT)
        # Ctrl-C during a query that would run for minutes cancels it
        shell.send("SELECT count(*) FROM range(0, 100000000000, 1, 2);\r")
        shell.expect(r"Stage \d+")  # its progress line
        shell.sendintr()
        shell.expect("Query cancelled.", timeout=30)
        shell.expect(PROMPT, timeout=30)
        shell.send("SELECT 2 AS two;\r")
        shell.expect(r"\|2  \|")
        shell.expect(PROMPT)
        shell.sendcontrol("d")
        shell.expect(pexpect.EOF)
    finally:
        shell.close(force=True)
    assert shell.exitstatus == 0
    history = (workdir / "home" / ".ember_sql_history").read_text()
    assert "+SELECT 1 AS a,\n+'x' AS b;" in history and "+SELEC 1;" in history


def test_history_is_kept_across_sessions(workdir):
    (workdir / "home" / ".ember_sql_history").write_text("\n# earlier\n+SELECT 'remembered' AS r;\n")
    shell = pexpect.spawn(sys.executable, _command()[1:], cwd=str(workdir), env=_env(workdir), encoding="utf-8",
                          timeout=90, dimensions=(24, 200))
    try:
        shell.expect(PROMPT)
        shell.send("\x1b[A")
        shell.send("\r")
        shell.expect(r"\|remembered\|")
        shell.expect(PROMPT)
        shell.send("quit;\r")
        shell.expect(pexpect.EOF)
    finally:
        shell.close(force=True)
    assert shell.exitstatus == 0
