"""Atomic output: no reader ever sees a failed or partial write.

Every writer uses it: ``saveAsTextFile``, ``saveAsPickleFile`` and checkpoints
(``rdd/output.py``), and the DataFrame writers (``sql/readwriter.py``).

The protocol (Hadoop's ``FileOutputCommitter``, algorithm 1, as Spark uses it):

1. The driver sets the job up: under ``mode`` it refuses, skips or accepts an existing path.
2. Each task attempt writes its files under ``<path>/_temporary/<job>/_attempt-<partition>-<attempt>-<nonce>/``
   and, once every file is closed, asks the driver whether it may commit
   (``scheduler/output_commit_coordinator.py``, through the task's channel to the driver).
   The first attempt of a partition to ask is authorised and renames its directory to
   ``.../task-<partition>/`` (atomically, replacing what an authorised attempt that then
   failed may have left); every other attempt — a speculative copy, an attempt of a
   superseded stage attempt — is refused, removes its directory and ends with
   ``CommitDeniedError`` (``TaskCommitDenied``, not a failure). A failed attempt removes its
   directory too (a retry starts afresh). Tasks only ever create directories below their
   attempt directory, one level at a time, so a task that outlives an aborted job cannot
   bring its directories back.
3. When every task has committed, the driver commits the job: with ``overwrite`` it removes
   the old contents, then moves each committed file into place, removes ``_temporary`` and
   writes ``_SUCCESS``. If the job fails, it removes ``_temporary/<job>`` and leaves the
   path as it was (an ``overwrite`` that fails keeps the old data).
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from typing import Callable

from ember.errors import CommitDeniedError, EmberValueError, PathAlreadyExistsError

__all__ = ["WriteJob", "SAVE_MODES", "setup_job", "run_task", "commit_job", "abort_job"]

SAVE_MODES = {"error": "error", "errorifexists": "error", "default": "error", "overwrite": "overwrite",
              "append": "append", "ignore": "ignore"}
_TEMPORARY = "_temporary"


@dataclass(frozen=True, slots=True)
class WriteJob:
    path: str
    mode: str
    job_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def temp_dir(self) -> str:
        return os.path.join(self.path, _TEMPORARY, self.job_id)

    def task_dir(self, partition: int) -> str:
        return os.path.join(self.temp_dir, f"task-{partition:05d}")


def normalize_mode(mode: str) -> str:
    try:
        return SAVE_MODES[mode.lower()]
    except KeyError:
        raise EmberValueError(
            "INVALID_SAVE_MODE", f"The specified save mode \"{mode}\" is invalid. Valid save modes include "
            "\"append\", \"overwrite\", \"ignore\", \"error\", \"errorifexists\" and \"default\".") from None


def setup_job(job: WriteJob) -> bool:
    """Prepare ``job.path``; ``False`` means there is nothing to do (``ignore`` over existing data)."""
    exists = os.path.exists(job.path)
    if exists and job.mode == "error":
        raise PathAlreadyExistsError(
            "PATH_ALREADY_EXISTS",
            f"Path file:{os.path.abspath(job.path)} already exists. Set mode as \"overwrite\" to overwrite "
            "the existing path.", "42K04")
    if exists and job.mode == "ignore":
        return False
    os.makedirs(job.temp_dir, exist_ok=True)
    return True


def run_task(job: WriteJob, partition: int, attempt: int, write: Callable[[str], list[str]],
             can_commit: Callable[[], bool]) -> list[str]:
    """Run ``write(attempt_dir)`` (which returns the relative paths it wrote) and commit it.

    ``can_commit`` asks the driver for permission (``TaskContext.can_commit``); a refused
    attempt discards its output and raises ``CommitDeniedError``.
    """
    attempt_dir = os.path.join(job.temp_dir, f"_attempt-{partition:05d}-{attempt}-{uuid.uuid4().hex[:8]}")
    # mkdir, not makedirs: a task still running after its job was aborted must not recreate
    # the job's directories; it fails here instead.
    os.mkdir(attempt_dir)
    try:
        written = write(attempt_dir)
        if not can_commit():
            raise CommitDeniedError(f"attempt {attempt} of partition {partition} did not commit its output to "
                                    f"{job.path}: the driver authorised another attempt")
        task_dir = job.task_dir(partition)
        if os.path.lexists(task_dir):  # left by an authorised attempt that failed after renaming
            shutil.rmtree(task_dir)
        os.rename(attempt_dir, task_dir)
    except BaseException:
        shutil.rmtree(attempt_dir, ignore_errors=True)
        raise
    return written


def commit_job(job: WriteJob, committed: list[tuple[int, list[str]]]) -> None:
    if job.mode == "overwrite":
        for name in os.listdir(job.path):
            if name != _TEMPORARY:
                target = os.path.join(job.path, name)
                shutil.rmtree(target) if os.path.isdir(target) else os.remove(target)
    for partition, files in committed:
        for rel in files:
            destination = os.path.join(job.path, rel)
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            os.replace(os.path.join(job.task_dir(partition), rel), destination)
    _remove_temporary(job)
    with open(os.path.join(job.path, "_SUCCESS"), "w"):
        pass


def abort_job(job: WriteJob, created: bool) -> None:
    """Undo a failed job: its temporary files go; a path this job created goes too."""
    _remove_temporary(job)
    if created and os.path.isdir(job.path) and not os.listdir(job.path):
        os.rmdir(job.path)


def _remove_temporary(job: WriteJob) -> None:
    shutil.rmtree(job.temp_dir, ignore_errors=True)
    parent = os.path.join(job.path, _TEMPORARY)
    if os.path.isdir(parent) and not os.listdir(parent):
        os.rmdir(parent)
