"""The per-stage progress bar shows for slow stages only, only where a person looks, and
can be switched off.

"Where a person looks" is a terminal (tested through a pseudo-terminal) or Jupyter;
stderr redirected to a file or captured by pytest gets nothing.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import time

import pytest

SLOW_JOB = """
import time
from ember import SparkConf, SparkContext

def slow(x):
    time.sleep(0.4)
    return x

with SparkContext("local[2]", "progress", conf=SparkConf().set("spark.ui.showConsoleProgress", "true")) as sc:
    print(sc.parallelize(range(4), 4).map(slow).collect())
"""


def _slow(x):
    time.sleep(0.4)
    return x


def _run_slow_job(stderr) -> str:
    """Run SLOW_JOB in a fresh interpreter with ``stderr`` as its stderr; returns its stdout."""
    result = subprocess.run([sys.executable, "-c", SLOW_JOB], stdout=subprocess.PIPE, stderr=stderr,
                            timeout=120, check=True, text=True)
    return result.stdout


def _run_on_a_terminal(size: tuple[int, int] | None) -> str:
    """Run SLOW_JOB with a pseudo-terminal of ``size`` (rows, columns) as stderr; returns what it shows."""
    controller, terminal = pty.openpty()
    if size is not None:
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", *size, 0, 0))
    try:
        process = subprocess.Popen([sys.executable, "-c", SLOW_JOB], stdout=subprocess.PIPE, stderr=terminal)
        os.close(terminal)
        seen = bytearray()
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # EIO: the child closed its end
                break
            if not chunk:
                break
            seen += chunk
        assert process.stdout.read() == b"[0, 1, 2, 3]\n"
        assert process.wait(timeout=60) == 0
    finally:
        os.close(controller)
    return seen.decode(errors="replace")


@pytest.mark.parametrize("size", [(24, 80), None], ids=["sized", "no-size"])
def test_a_slow_stage_shows_a_progress_bar_on_a_terminal(size):
    text = _run_on_a_terminal(size)
    assert "Stage 0 (collect at <string>" in text
    assert "task" in text


def test_a_slow_stage_prints_nothing_to_a_redirected_stderr(tmp_path):
    log = tmp_path / "stderr.txt"
    with open(log, "w") as stderr:
        assert _run_slow_job(stderr) == "[0, 1, 2, 3]\n"
    assert log.read_text() == ""


def test_a_slow_stage_prints_nothing_to_a_captured_stderr(make_context, capsys):
    context = make_context("local[2]", {"spark.ui.showConsoleProgress": "true"})
    assert context.parallelize(range(4), 4).map(_slow).collect() == [0, 1, 2, 3]
    assert capsys.readouterr().err == ""


def test_a_stage_that_ends_before_the_delay_prints_nothing(capsys, monkeypatch):
    from types import SimpleNamespace

    from ember.scheduler import progress
    from ember.scheduler.progress import ConsoleProgressBar
    from ember.executor.task import TaskOutcome
    from ember.executor.task_end import Success

    bar = ConsoleProgressBar(delay_seconds=60)
    monkeypatch.setattr(progress, "someone_watches", lambda stream: True)
    stage = SimpleNamespace(id=0, name="count at job.py:1")
    bar.on_stage_submitted(stage, 0, 2)
    for task_id in range(2):
        bar.on_task_end(stage, TaskOutcome(task_id, Success()))
    bar.on_stage_completed(stage)
    assert capsys.readouterr().err == ""


def test_progress_can_be_switched_off(make_context, capsys):
    context = make_context("local[2]", {"spark.ui.showConsoleProgress": "false"})
    context.parallelize(range(4), 4).map(_slow).collect()
    assert "Stage" not in capsys.readouterr().err


def test_a_jupyter_kernels_output_counts_as_watched_and_a_plain_pipe_does_not(monkeypatch):
    import io
    from types import SimpleNamespace

    from ember.scheduler.progress import someone_watches

    assert not someone_watches(io.StringIO())

    class ZMQInteractiveShell:  # the shell class of a Jupyter kernel
        pass

    monkeypatch.setitem(sys.modules, "ipykernel", SimpleNamespace())
    monkeypatch.setitem(sys.modules, "IPython", SimpleNamespace(get_ipython=ZMQInteractiveShell))
    assert someone_watches(io.StringIO())
    monkeypatch.setitem(sys.modules, "IPython", SimpleNamespace(get_ipython=lambda: None))  # a plain script
    assert not someone_watches(io.StringIO())
