"""The notebooks in ``notebooks/`` run top to bottom, and 01's key outputs say what its text says.

Each notebook is executed with nbclient in a kernel process of its own (working directory
``notebooks/``), so it builds and stops its own SparkContext; these tests never touch the
shared ``sc`` fixture. A cell that raises fails the test with that cell's error.
"""

from __future__ import annotations

import atexit
import json
import re
import shutil
import sys
import tempfile
from functools import cache
from pathlib import Path

import nbformat
import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
RDD_BASICS = NOTEBOOKS_DIR / "01-rdd-basics.ipynb"
SQL = NOTEBOOKS_DIR / "03-sql.ipynb"
CELL_TIMEOUT_SECONDS = 120
KERNEL = "ember-tests"


@cache
def _kernel_specs() -> KernelSpecManager:
    """A kernel spec for this very interpreter, so the notebooks test the code under test.

    A kernel found by name (``python3``) may belong to another interpreter or another
    checkout; this one is written to a private directory removed at exit.
    """
    directory = Path(tempfile.mkdtemp(prefix="ember-kernels-"))
    atexit.register(shutil.rmtree, directory, True)
    (directory / KERNEL).mkdir()
    (directory / KERNEL / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Ember tests", "language": "python"}))
    return KernelSpecManager(kernel_dirs=[str(directory)])


def kernel_manager() -> KernelManager:
    return KernelManager(kernel_name=KERNEL, kernel_spec_manager=_kernel_specs())


@cache
def executed(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path``, freshly executed (once per test session)."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, km=kernel_manager(), timeout=CELL_TIMEOUT_SECONDS,
                            record_timing=False, resources={"metadata": {"path": str(NOTEBOOKS_DIR)}})
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"{path.name}: a cell raised\n{error}", pytrace=False)
    return notebook


def cell_text(notebook: nbformat.NotebookNode, tag: str) -> str:
    """Everything the code cell tagged ``tag`` printed or returned."""
    cells = [cell for cell in notebook.cells if tag in cell.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    parts = []
    for output in cells[0].outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
        elif output.output_type == "error":
            parts.append("\n".join(output.traceback))
    return "".join(parts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_notebook_runs_without_errors(path: Path) -> None:
    notebook = executed(path)
    errors = [output for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "error"]
    assert not errors, f"{path.name}: {errors[0].ename}: {errors[0].evalue}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_saved_notebook_has_outputs_without_machine_paths(path: Path) -> None:
    """Notebooks are committed executed, so they read well on GitHub, and leak no local paths."""
    notebook = nbformat.read(path, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code_cells), f"{path.name} is saved unexecuted"
    saved = "".join(str(cell.outputs) for cell in code_cells)
    assert str(NOTEBOOKS_DIR.parent) not in saved
    assert not re.search(r"(/tmp/|/home/|/root/|/Users/|/private/var/|site-packages)", saved)


def test_rdd_basics_wordcount_finds_the_most_common_word() -> None:
    text = cell_text(executed(RDD_BASICS), "wordcount")
    assert re.search(r"^the\s+\d+$", text, re.MULTILINE), text
    assert text.split()[0] == "the", text


def test_rdd_basics_pair_operations() -> None:
    notebook = executed(RDD_BASICS)
    assert cell_text(notebook, "reducebykey").strip() == "[('apple', 5), ('fig', 4), ('pear', 6)]"
    assert "('pear', [1, 5])" in cell_text(notebook, "groupbykey")
    join = cell_text(notebook, "join")
    assert "('apple', (2, 'red'))" in join and "kiwi" not in join and "fig" not in join
    cogroup = cell_text(notebook, "cogroup")
    assert "('kiwi', ([], ['brown']))" in cogroup and "('fig', ([4], []))" in cogroup


def test_rdd_basics_cache_is_not_recomputed() -> None:
    notebook = executed(RDD_BASICS)
    plain = [int(n) for n in re.findall(r"calls = (\d+)", cell_text(notebook, "uncached"))]
    assert plain == [1000, 2000], plain
    cached = [int(n) for n in re.findall(r"calls = (\d+)", cell_text(notebook, "caching"))]
    assert cached == [1000, 1000, 1000], cached
    assert "is_cached = True" in cell_text(notebook, "caching")


def test_rdd_basics_lineage_shows_the_shuffle() -> None:
    notebook = executed(RDD_BASICS)
    lineage = cell_text(notebook, "lineage")
    assert re.search(r"^\(2\) ShuffledRDD\[\d+\] at reduceByKey", lineage, re.MULTILINE), lineage
    assert re.search(r"^ \+-\(2\) MapPartitionsRDD", lineage, re.MULTILINE), lineage
    assert "TextFileRDD" in lineage
    assert "counts after reduceByKey(add, 3): 3 partitions" in cell_text(notebook, "partitions")


def test_rdd_basics_user_error_names_stage_partition_and_rdd() -> None:
    text = cell_text(executed(RDD_BASICS), "error")
    assert "caught ZeroDivisionError: division by zero" in text, text
    note = next(line for line in text.splitlines() if line.startswith("note:"))
    assert re.search(r"failed \d+ times \(stage \d+, partition \d+\)", note), note
    assert re.search(r"in MapPartitionsRDD\[\d+\] at map", note), note


def test_sql_views_over_files_and_the_warehouse_across_sessions() -> None:
    notebook = executed(SQL)
    views = cell_text(notebook, "views")
    assert re.search(r"^\|\s+green\|\s+2\|\s+0\.5\|$", views, re.MULTILINE), views
    assert re.search(r"^\|\s+5\|\s+25\|$", views, re.MULTILINE), views
    # Q3's ten rows (LIMIT 10): order key, revenue, order date, ship priority
    assert len(re.findall(r"^\|\s+\d+\|[\d. ]+\|\s*\d{4}-\d\d-\d\d\|\s+0\|$", cell_text(notebook, "tpch"),
                          re.MULTILINE)) == 10
    assert "BroadcastHashJoin" in cell_text(notebook, "explain")
    warehouse = cell_text(notebook, "warehouse")
    assert re.search(r"^\|\s+shop\|\s+orders\|\s+false\|$", warehouse, re.MULTILINE), warehouse
    assert "# Partition Infor" in warehouse
    following = cell_text(notebook, "next-session")
    assert "['fruit', 'orders']" in following and re.search(r"^\|\s+pear\|\s+0\.8\|$", following, re.MULTILINE)
