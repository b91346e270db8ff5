"""The check every end-to-end test ends with: ``stop()`` leaves no worker process and no scratch file."""

from __future__ import annotations

import os
import time


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_and_assert_clean(context, scratch) -> None:
    """Stop ``context``; its worker processes must be gone and ``scratch`` (its ``spark.local.dir``) empty.

    A local worker is reaped inside ``stop()``. A Ray actor's process is ended by the raylet
    after ``stop()`` has killed the actor, so it may take a moment under load: wait up to 30 s.
    """
    pids = list(context.executor_pids().values())
    context.stop()
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in pids if _alive(pid)] == []
    assert os.listdir(scratch) == []
