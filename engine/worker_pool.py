"""Starting and stopping local worker processes.

Each worker is ``python -m ember.executor <fd>`` started with ``subprocess`` (never
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
from dataclasses import dataclass, field

from ember.shuffle.framing import Control, MessageChannel


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
                [sys.executable, "-m", "ember.executor", str(worker_end.fileno())],
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

    def exit_code(self, timeout: float = 5.0) -> int | None:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

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
