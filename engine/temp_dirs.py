"""The session's private scratch directory: shuffle files, spills, broadcasts, disk blocks.

Created with mode 0700 under ``spark.local.dir`` (default: the system temp dir) and
removed at ``stop()`` and at interpreter exit. It holds the owner's pid, so a new session
can reclaim directories left behind by a driver that was killed.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile

log = logging.getLogger(__name__)

_PREFIX = "ember-"
_OWNER_FILE = "owner.pid"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reclaim_abandoned(parent: str) -> None:
    """Remove session directories whose driver process no longer exists."""
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        path = os.path.join(parent, name)
        if not name.startswith(_PREFIX) or not os.path.isdir(path):
            continue
        try:
            with open(os.path.join(path, _OWNER_FILE)) as handle:
                pid = int(handle.read().strip())
        except (OSError, ValueError):
            continue
        if not _pid_alive(pid):
            log.info("removing abandoned session directory %s (driver %d is gone)", path, pid)
            shutil.rmtree(path, ignore_errors=True)


def executor_directory(session_dir: str, executor_id: str) -> str:
    """One executor's private part of the session directory: its disk blocks and task spills."""
    return os.path.join(session_dir, "executors", executor_id)


class SessionDirectory:
    def __init__(self, parent: str | None = None) -> None:
        parent = parent or tempfile.gettempdir()
        os.makedirs(parent, exist_ok=True)
        reclaim_abandoned(parent)
        self.path = tempfile.mkdtemp(prefix=_PREFIX, dir=parent)  # mode 0700
        owner = os.path.join(self.path, _OWNER_FILE)
        with open(owner, "w", opener=lambda path, flags: os.open(path, flags, 0o600)) as handle:
            handle.write(str(os.getpid()))

    def subdir(self, name: str) -> str:
        path = os.path.join(self.path, name)
        os.makedirs(path, mode=0o700, exist_ok=True)
        return path

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
