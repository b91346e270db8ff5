"""``LocalProcessBackend``: ``local[N]`` runs N long-lived worker processes.

One reader thread per worker turns its messages into scheduler events, and answers a
task's request to commit output from the output commit coordinator. A worker that
exits unexpectedly (crash, ``os._exit`` in user code, killed) is reported as
``ExecutorLost`` with its exit code and replaced by a fresh worker, so the session keeps
its N slots. Shuffle files live in the shared session directory and survive the worker; its
own directory (cached disk blocks, spills) is removed.
"""

from __future__ import annotations

import itertools
import logging
import pickle
import shutil
import threading
from typing import Any, Callable

from ember.errors import WorkerLostError
from ember.scheduler.backends.base import CanCommit
from ember.scheduler.events import BarrierRequested, ExecutorAdded, ExecutorLost, TaskCompleted
from ember.executor.task import TaskDescription
from ember.executor.channel import ConnectionClosed, Control
from ember.temp_dirs import executor_directory
from ember.executor.worker_pool import WorkerProcess

log = logging.getLogger(__name__)


class LocalProcessBackend:
    shuffle_files_outlive_executors = True  # they are in the shared session directory

    def __init__(self, num_workers: int, init: dict) -> None:
        self.num_workers = num_workers
        self._init = init
        self._workers: dict[str, WorkerProcess] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count()
        self._post: Callable[[Any], None] | None = None
        self._can_commit: CanCommit | None = None
        self._stopping = False
        self._ready = threading.Condition(self._lock)
        self._ready_count = 0

    def start(self, post: Callable[[Any], None], can_commit: CanCommit) -> None:
        self._post = post
        self._can_commit = can_commit
        for _ in range(self.num_workers):
            self._start_worker()

    def wait_until_ready(self, timeout: float) -> None:
        """Block until the first ``num_workers`` workers have reported ready."""
        with self._ready:
            if not self._ready.wait_for(lambda: self._ready_count >= self.num_workers, timeout):
                raise WorkerLostError(
                    f"only {self._ready_count} of {self.num_workers} worker processes started within "
                    f"{timeout:.0f} s (ember.worker.startTimeout); see their errors above")

    def _start_worker(self) -> None:
        executor_id = str(next(self._ids))
        worker = WorkerProcess.spawn(executor_id, self._init)
        with self._lock:
            stopping = self._stopping
            if not stopping:
                self._workers[executor_id] = worker
        if stopping:  # stop() collected the workers while this one started: it must not outlive it
            worker.stop()
            return
        threading.Thread(target=self._read, args=(worker,), name=f"ember-worker-{executor_id}",
                         daemon=True).start()

    def _read(self, worker: WorkerProcess) -> None:
        try:
            while True:
                kind, fields, payload = worker.channel.receive()
                if kind is Control.TASK_RESULT:
                    self._post(TaskCompleted(worker.executor_id, pickle.loads(payload)))
                elif kind is Control.ASK_COMMIT:
                    allowed = self._can_commit(fields["stage_id"], fields["stage_attempt"], fields["partition"],
                                               fields["attempt"])
                    self._send(worker.executor_id, Control.COMMIT_ANSWER,
                               {"task_id": fields["task_id"], "allowed": allowed})
                elif kind is Control.BARRIER_REQUEST:
                    self._post(BarrierRequested(worker.executor_id, fields["task_id"], fields["kind"],
                                                fields["epoch"], fields["message"]))
                elif kind is Control.READY:
                    self._post(ExecutorAdded(worker.executor_id))
                    with self._ready:
                        self._ready_count += 1
                        self._ready.notify_all()
        except (ConnectionClosed, OSError):
            pass
        except Exception:
            log.exception("bad message from worker %s", worker.executor_id)
            worker.kill()
        self._worker_exited(worker)

    def _worker_exited(self, worker: WorkerProcess) -> None:
        with self._lock:
            self._workers.pop(worker.executor_id, None)
            stopping = self._stopping
        if stopping:
            return
        ended = worker.wait_for_exit()
        log.warning("worker %s (pid %d) exited with code %s (peak RSS %s bytes); starting a replacement",
                    worker.executor_id, worker.pid, ended.exit_code, ended.peak_rss)
        worker.channel.close()
        # Its cached disk blocks die with it (the driver forgets them on ExecutorLost), and so
        # do the spill files of the task it was running.
        shutil.rmtree(executor_directory(self._init["session_dir"], worker.executor_id), ignore_errors=True)
        budget = self._init["storage_bytes"] + self._init["execution_bytes"]
        self._post(ExecutorLost(worker.executor_id, ended.exit_code, ended.peak_rss, budget))
        self._start_worker()

    def _send(self, executor_id: str, kind: Control, fields: dict, payload: bytes | None = None) -> None:
        with self._lock:
            worker = self._workers.get(executor_id)
        if worker is None:
            return
        try:
            worker.send(kind, fields, payload)
        except OSError:
            pass  # the reader thread notices the death and reports it

    def send_binary(self, executor_id: str, binary_id: int, binary: bytes) -> None:
        self._send(executor_id, Control.STAGE_BINARY, {"binary_id": binary_id}, binary)

    def forget_binary(self, executor_id: str, binary_id: int) -> None:
        self._send(executor_id, Control.FORGET_BINARY, {"binary_id": binary_id})

    def launch_task(self, executor_id: str, desc: TaskDescription, partition_bytes: bytes) -> None:
        self._send(executor_id, Control.LAUNCH_TASK, desc.to_fields(), partition_bytes)

    def kill_task(self, executor_id: str, task_id: int) -> None:
        self._send(executor_id, Control.KILL_TASK, {"task_id": task_id})

    def reply_barrier(self, executor_id: str, task_id: int, messages: list[str]) -> None:
        self._send(executor_id, Control.BARRIER_REPLY, {"task_id": task_id, "messages": messages})

    def remove_rdd_blocks(self, rdd_id: int) -> None:
        with self._lock:
            executor_ids = list(self._workers)
        for executor_id in executor_ids:
            self._send(executor_id, Control.REMOVE_BLOCKS, {"rdd_id": rdd_id})

    def remove_shuffle(self, shuffle_id: int) -> None:
        """Shuffle files are in the session directory, which the map-output tracker cleans."""

    def executor_pids(self) -> dict[str, int]:
        with self._lock:
            return {executor_id: worker.pid for executor_id, worker in self._workers.items()}

    def kill_worker(self, executor_id: str) -> None:
        """Kill one worker abruptly: a task that ignores cancellation, or tests."""
        with self._lock:
            worker = self._workers.get(executor_id)
        if worker is not None:
            worker.process.kill()

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            workers = list(self._workers.values())
        for worker in workers:
            worker.stop()
