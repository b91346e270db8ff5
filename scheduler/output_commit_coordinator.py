"""``OutputCommitCoordinator``: the driver decides which task attempt commits each partition.

Two attempts of one partition can both finish writing: a speculative copy and the attempt
it copies, or an attempt of a superseded stage attempt still running beside its
successor. Before committing (``rdd/commit.py``), each attempt asks the driver "may I
commit partition p of stage s?". The first to ask is authorised and every later asker is
refused and discards its output (Spark's ``OutputCommitCoordinator``). If the authorised
attempt then fails, the lock is released and the next asker may commit; a failed attempt
is never authorised afterwards. A stage the coordinator does not know (finished, or never
started) authorises nobody.

Workers ask from their own threads (the backend's reader thread answers), while the
scheduler's logic thread reports stage starts and ends and task ends, so every method
takes the lock.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from ember.executor.task_end import Success, TaskCommitDenied, TaskEndReason

log = logging.getLogger(__name__)

AttemptId = tuple[int, int]  # (stage attempt, task attempt)


@dataclass(slots=True)
class _StageState:
    authorized: dict[int, AttemptId] = field(default_factory=dict)  # partition -> its committer
    failed: dict[int, set[AttemptId]] = field(default_factory=dict)  # partition -> attempts that failed


class OutputCommitCoordinator:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stages: dict[int, _StageState] = {}

    def stage_started(self, stage_id: int) -> None:
        """A stage attempt starts; a resubmitted stage keeps the state of its earlier attempts."""
        with self._lock:
            self._stages.setdefault(stage_id, _StageState())

    def stage_ended(self, stage_id: int) -> None:
        """The stage is done (or abandoned): later askers are refused."""
        with self._lock:
            self._stages.pop(stage_id, None)

    def can_commit(self, stage_id: int, stage_attempt: int, partition: int, attempt: int) -> bool:
        """Whether this task attempt may commit its output of ``partition``; the first asker wins."""
        me = (stage_attempt, attempt)
        with self._lock:
            state = self._stages.get(stage_id)
            if state is None:
                log.info("commit denied for stage %s.%s, partition %s, attempt %s: the stage is not running",
                         stage_id, stage_attempt, partition, attempt)
                return False
            if me in state.failed.get(partition, ()):
                log.info("commit denied for stage %s.%s, partition %s, attempt %s: the attempt already failed",
                         stage_id, stage_attempt, partition, attempt)
                return False
            committer = state.authorized.setdefault(partition, me)
            if committer != me:
                log.info("commit denied for stage %s.%s, partition %s, attempt %s: already authorised to "
                         "attempt %s of stage attempt %s", stage_id, stage_attempt, partition, attempt,
                         committer[1], committer[0])
                return False
            return True

    def task_completed(self, stage_id: int, stage_attempt: int, partition: int, attempt: int,
                       reason: TaskEndReason) -> None:
        """A task attempt ended; a failed authorised committer releases its partition."""
        if isinstance(reason, (Success, TaskCommitDenied)):
            return
        me = (stage_attempt, attempt)
        with self._lock:
            state = self._stages.get(stage_id)
            if state is None:
                return
            state.failed.setdefault(partition, set()).add(me)
            if state.authorized.get(partition) == me:
                log.debug("authorised committer of stage %s, partition %s (attempt %s) failed; releasing",
                          stage_id, partition, attempt)
                del state.authorized[partition]

    def committing_partitions(self, stage_id: int) -> set[int]:
        """Partitions of the stage whose output an attempt is authorised to commit."""
        with self._lock:
            state = self._stages.get(stage_id)
            return set(state.authorized) if state is not None else set()

    def active_stage_ids(self) -> list[int]:
        """Stages the coordinator still tracks (for the scheduler's empty-state check)."""
        with self._lock:
            return sorted(self._stages)
