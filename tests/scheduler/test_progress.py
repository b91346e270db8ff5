"""The per-stage progress bar shows for slow stages only, and can be switched off."""

from __future__ import annotations

import time


def _slow(x):
    time.sleep(0.4)
    return x


def test_a_slow_stage_shows_a_progress_bar_naming_the_stage(make_context, capsys):
    context = make_context("local[2]", {"spark.ui.showConsoleProgress": "true"})
    assert context.parallelize(range(4), 4).map(_slow).collect() == [0, 1, 2, 3]
    err = capsys.readouterr().err
    assert "Stage 0 (collect at test_progress.py" in err
    assert "4/4" in err or "task" in err


def test_a_stage_that_ends_before_the_delay_prints_nothing(capsys):
    from types import SimpleNamespace

    from ember.scheduler.progress import ConsoleProgressBar
    from ember.scheduler.task import TaskOutcome
    from ember.scheduler.task_end import Success

    bar = ConsoleProgressBar(delay_seconds=60)
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
