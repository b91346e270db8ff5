"""Every benchmark still runs: each script on a tiny input, Ember against plain Python.

Speed is never asserted here (bench/ measures it); this only keeps the scripts working
and their Ember and plain-Python answers in agreement.
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest

BENCH = pathlib.Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize("script, args", [
    ("wordcount.py", ["--scale", "0.0005", "--engines", "ember,ember-killed,python", "--kill-after", "0.1"]),
    ("shuffle.py", ["--scale", "0.001", "--engines", "ember,python"]),
    ("pagerank.py", ["--scale", "0.001", "--engines", "ember,python", "--iterations", "2"]),
    ("startup.py", ["--engines", "ember"]),
    ("spill.py", ["--scale", "0.002", "--executor-memory", "1m"]),
    ("read_csv.py", ["--scale", "0.002", "--engines", "ember"]),
    ("tpch.py", ["--scale", "0.01", "--engines", "ember,duckdb", "--queries", "1,22"]),
])
def test_benchmark_runs_and_engines_agree(script, args, tmp_path):
    command = [sys.executable, str(BENCH / script), *args]
    if script != "spill.py":
        command += ["--data-dir", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    if script not in ("startup.py", "spill.py", "read_csv.py"):
        assert "results agree" in result.stdout, result.stdout[-2000:]
    if script == "tpch.py":  # one line per query, also for a query Ember cannot run yet
        assert re.search(r"^Q1 .*\n^Q22 ", result.stdout, re.MULTILINE), result.stdout[-2000:]
