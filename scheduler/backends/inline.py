"""``InlineBackend``: one executor inside the driver process, running tasks synchronously.

Tasks still go through the same serialization as on a worker, so behaviour matches;
use it for ``pdb``, readable tracebacks and deterministic scheduler tests.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from ember.storage.block_manager import BlockManager
from ember.faults import Fault
from ember.scheduler.backends.base import CanCommit
from ember.scheduler.events import ExecutorAdded, TaskCompleted
from ember.executor.task import TaskDescription
from ember.shuffle.block_resolver import ShuffleBlockResolver
from ember.serialization.serializers import record_serializer
from ember.executor.task_runner import ExecutorEnv, run_task
from ember.temp_dirs import executor_directory

EXECUTOR_ID = "driver"


class InlineBackend:
    shuffle_files_outlive_executors = True  # they are in the shared session directory

    def __init__(self, session_dir: str, storage_bytes: int, execution_bytes: int, batch_bytes: int,
                 compress: bool, faults: tuple[Fault, ...] = (), rdd_compress: bool = False) -> None:
        blocks = BlockManager(executor_directory(session_dir, EXECUTOR_ID), storage_bytes,
                              record_serializer(rdd_compress), batch_bytes)
        self._env = ExecutorEnv(EXECUTOR_ID, blocks,
                                ShuffleBlockResolver(session_dir), record_serializer(compress), batch_bytes,
                                execution_bytes, faults, barrier_rendezvous=_single_task_rendezvous)
        self._binaries: dict[int, bytes] = {}
        self._post: Callable[[Any], None] | None = None

    def start(self, post: Callable[[Any], None], can_commit: CanCommit) -> None:
        self._post = post
        self._env.ask_commit = lambda desc: can_commit(desc.stage_id, desc.stage_attempt, desc.partition_index,
                                                       desc.attempt)
        post(ExecutorAdded(EXECUTOR_ID))

    def wait_until_ready(self, timeout: float) -> None:
        """The inline executor is ready as soon as it exists."""

    def send_binary(self, executor_id: str, binary_id: int, binary: bytes) -> None:
        self._binaries[binary_id] = binary

    def forget_binary(self, executor_id: str, binary_id: int) -> None:
        self._binaries.pop(binary_id, None)

    def launch_task(self, executor_id: str, desc: TaskDescription, partition_bytes: bytes) -> None:
        outcome = run_task(desc, self._binaries[desc.binary_id], partition_bytes, self._env)
        self._post(TaskCompleted(EXECUTOR_ID, outcome))

    def kill_task(self, executor_id: str, task_id: int) -> None:
        """Inline tasks run to completion synchronously: there is never one to kill."""

    def kill_worker(self, executor_id: str) -> None:
        """The driver is the only executor; it is never killed."""

    def reply_barrier(self, executor_id: str, task_id: int, messages: list[str]) -> None:
        """Never needed: the one inline executor runs barrier stages of one task (see below)."""

    def remove_rdd_blocks(self, rdd_id: int) -> None:
        self._env.block_manager.remove_rdd(rdd_id)

    def remove_shuffle(self, shuffle_id: int) -> None:
        """Shuffle files are in the session directory, which the map-output tracker cleans."""

    def executor_pids(self) -> dict[str, int]:
        return {EXECUTOR_ID: os.getpid()}

    def stop(self) -> None:
        self._binaries.clear()


def _single_task_rendezvous(task_id: int, kind: str, epoch: int, message: str) -> list[str]:
    """The inline executor is one slot, so a barrier stage here has one task: nobody to wait for."""
    return [message]
