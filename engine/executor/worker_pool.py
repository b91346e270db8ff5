"""Starting and stopping local worker processes.

Each worker is ``python -m ember.executor.worker <fd>`` started with ``subprocess`` (never
``multiprocessing``, whose spawn mode re-runs an unguarded user script), connected to
the driver by a Unix socket pair passed as an inherited file descriptor: nothing listens
on any address. Workers run in their own session so a terminal's Ctrl-C reaches only the
driver, which then cancels the job.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

from ember.executor.channel import Control, MessageChannel


@dataclass(frozen=True, slots=True)
class WorkerExit:
    """How a worker process ended: its exit code (``-N`` for signal N) and peak RSS in bytes."""

    exit_code: int | None
    peak_rss: int | None


# ru_maxrss is in kilobytes on Linux and in bytes on macOS
_MAXRSS_UNIT = 1 if sys.platform == "darwin" else 1024


@dataclass(eq=False)
class WorkerProcess:
    executor_id: str
    process: subprocess.Popen
    channel: MessageChannel
    send_lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def spawn(cls, executor_id: str, init: dict) -> WorkerProcess:
        driver_end, worker_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "ember.executor.worker", str(worker_end.fileno())],
                pass_fds=(worker_end.fileno(),), env=env, stdin=subprocess.DEVNULL,
                start_new_session=True, close_fds=True)
        finally:
            worker_end.close()
        worker = cls(executor_id, process, MessageChannel(driver_end))
        worker.send(Control.INIT, {**init, "executor_id": executor_id})
        return worker

    @property
    def pid(self) -> int:
        return self.process.pid

    def send(self, kind: Control, fields: dict, payload: bytes | None = None) -> None:
        with self.send_lock:
            self.channel.send(kind, fields, payload)

    def wait_for_exit(self, timeout: float = 5.0) -> WorkerExit:
        """Reap the worker with ``wait4``, which also gives its peak RSS (None if unknown)."""
        deadline = time.monotonic() + timeout
        while self.process.returncode is None:
            try:
                pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped elsewhere (Popen.wait in stop or kill)
                break
            if pid == self.pid:
                self.process.returncode = os.waitstatus_to_exitcode(status)
                return WorkerExit(self.process.returncode, usage.ru_maxrss * _MAXRSS_UNIT)
            if time.monotonic() >= deadline:
                return WorkerExit(None, None)
            time.sleep(0.01)
        return WorkerExit(self.process.returncode, None)

    def stop(self, timeout: float = 2.0) -> None:
        """Ask the worker to exit; kill it if it has not within ``timeout`` seconds."""
        try:
            self.send(Control.STOP, {})
        except OSError:
            pass
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        self.channel.close()

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
