"""A progress bar per stage (tasks done / total), in terminals and notebooks.

Bars are for a person watching: they appear only when stderr is a terminal or the
driver runs in a Jupyter kernel. Redirected to a file or captured (CI, pytest) they
print nothing, rather than fill a log with carriage-return-separated bars. They appear
only for stages still running after half a second, so quick jobs stay quiet;
``spark.ui.showConsoleProgress=false`` turns them off.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import threading
from typing import TYPE_CHECKING

from ember.executor.task_end import Success
from ember.scheduler.listener import SparkListener

if TYPE_CHECKING:
    from ember.scheduler.stage import Stage
    from ember.executor.task import TaskOutcome


def _bar_class():
    """A notebook widget bar inside Jupyter when ipywidgets is there, else a text bar."""
    if "ipykernel" in sys.modules and importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.notebook import tqdm
    else:
        from tqdm.std import tqdm
    return tqdm


def in_jupyter() -> bool:
    """Whether the driver runs in a Jupyter kernel (whose stderr is not a terminal)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and "ipykernel" in sys.modules else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def someone_watches(stream) -> bool:
    """Whether ``stream`` reaches a person: a terminal, or a notebook's output."""
    try:
        return stream.isatty() or in_jupyter()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _terminal_columns(stream) -> int:
    """The width of the terminal behind ``stream``; -1 when it is not one (a notebook)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return -1


class ConsoleProgressBar(SparkListener):
    def __init__(self, delay_seconds: float = 0.5) -> None:
        self.delay_seconds = delay_seconds
        self._bars: dict[int, object] = {}

    def on_stage_submitted(self, stage: Stage, attempt: int, num_tasks: int) -> None:
        self._close(stage.id)
        if not someone_watches(sys.stderr):
            return
        tqdm = _bar_class()
        # A terminal that reports no size (0 x 0) gets 80 x 24: tqdm would hide the bar.
        sized = _terminal_columns(sys.stderr) != 0
        bar = tqdm(total=num_tasks, desc=f"Stage {stage.id} ({stage.name})",
                   unit="task", delay=self.delay_seconds, leave=False,
                   dynamic_ncols=sized, ncols=None if sized else 80,
                   nrows=None if sized else 24)
        self._bars[stage.id] = bar
        # tqdm shows a delayed bar only at an update: a stage whose first task runs long
        # would show nothing, so show it when the delay is over, finished tasks or not.
        timer = threading.Timer(self.delay_seconds, self._show, (stage.id, bar))
        timer.daemon = True
        timer.start()

    def _show(self, stage_id: int, bar) -> None:
        if self._bars.get(stage_id) is bar and bar.n == 0:
            bar.refresh()

    def on_task_end(self, stage: Stage, outcome: TaskOutcome) -> None:
        bar = self._bars.get(stage.id)
        if bar is not None and isinstance(outcome.reason, Success):
            bar.update(1)

    def on_stage_completed(self, stage: Stage) -> None:
        self._close(stage.id)

    def on_job_end(self, job, succeeded: bool) -> None:
        if not succeeded:  # stages of a failed job never complete: close their bars
            self.close_all()

    def close_all(self) -> None:
        for stage_id in list(self._bars):
            self._close(stage_id)

    def _close(self, stage_id: int) -> None:
        bar = self._bars.pop(stage_id, None)
        if bar is not None:
            bar.close()
