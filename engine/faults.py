"""Deterministic fault injection, for Ember's own tests (users never need it).

A test lists faults in ``ember.testing.faults`` (JSON); each names the task attempt it
hits by ``(stage, partition, attempt)`` — and ``stage_attempt``, the first by default or
every one when null, since task attempts restart at 0 when a stage is resubmitted — and
what happens as that attempt starts:

* ``raise``: the task raises ``InjectedFault``;
* ``exit``: the worker exits with code ``arg`` (``os._exit``);
* ``sigkill``: the worker kills itself with SIGKILL;
* ``sleep``: the task sleeps ``arg`` seconds before running (for cancellation);
* ``delete_shuffle_output`` / ``corrupt_shuffle_output``: the map output ``arg`` =
  ``[shuffle_id, map_id]`` is deleted, or one byte of it flipped, before the task reads it;
* ``drop_cached_block``: the cached block ``arg`` = ``[rdd_id, partition]`` is dropped;
* ``sleep_after_commit_request``: not as the attempt starts but once the driver has answered
  its request to commit output, it sleeps ``arg`` seconds before committing or discarding
  (so another attempt can ask meanwhile: a raced commit).

Stage ids are assigned in order within a context, so a test's faults hit the same task
on every run, like Spark's ``failOnMarkedIdentity`` and ``local[N,F]`` hooks.
"""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ember.storage.block_manager import BlockManager
    from ember.shuffle.block_resolver import ShuffleBlockResolver

ACTIONS = frozenset({"raise", "exit", "sigkill", "sleep", "delete_shuffle_output",
                     "corrupt_shuffle_output", "drop_cached_block", "sleep_after_commit_request"})


class InjectedFault(Exception):
    """The failure a ``raise`` fault produces."""


@dataclass(frozen=True, slots=True)
class Fault:
    stage: int
    partition: int
    action: str
    attempt: int = 0
    arg: Any = None
    stage_attempt: int | None = 0

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown fault action {self.action!r}; expected one of {sorted(ACTIONS)}")

    def hits(self, stage: int, stage_attempt: int, partition: int, attempt: int) -> bool:
        return ((self.stage, self.partition, self.attempt) == (stage, partition, attempt)
                and self.stage_attempt in (None, stage_attempt))


def parse_faults(text: str | list | None) -> tuple[Fault, ...]:
    """Faults from their JSON form: a list of objects with Fault's field names."""
    if not text:
        return ()
    items = json.loads(text) if isinstance(text, str) else text
    return tuple(Fault(**item) for item in items)


def inject(faults: tuple[Fault, ...], stage: int, stage_attempt: int, partition: int, attempt: int,
           resolver: ShuffleBlockResolver, block_manager: BlockManager) -> None:
    """Carry out every fault aimed at this task attempt's start."""
    for fault in faults:
        if fault.action != "sleep_after_commit_request" and fault.hits(stage, stage_attempt, partition, attempt):
            _apply(fault, resolver, block_manager)


def after_commit_request(faults: tuple[Fault, ...], stage: int, stage_attempt: int, partition: int,
                         attempt: int) -> None:
    """Carry out the faults aimed at this attempt's request to commit (after the driver's answer)."""
    for fault in faults:
        if fault.action == "sleep_after_commit_request" and fault.hits(stage, stage_attempt, partition, attempt):
            time.sleep(float(fault.arg))


def _apply(fault: Fault, resolver: ShuffleBlockResolver, block_manager: BlockManager) -> None:
    if fault.action == "raise":
        raise InjectedFault(f"injected failure in stage {fault.stage}, partition {fault.partition}, "
                            f"attempt {fault.attempt}")
    if fault.action == "exit":
        os._exit(1 if fault.arg is None else int(fault.arg))
    if fault.action == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
    if fault.action == "sleep":
        time.sleep(float(fault.arg))
    if fault.action in ("delete_shuffle_output", "corrupt_shuffle_output"):
        files = resolver.files_for(*fault.arg)
        if fault.action == "delete_shuffle_output":
            for path in (files.data_path, files.index_path):
                if os.path.exists(path):
                    os.remove(path)
        else:
            with open(files.data_path, "r+b") as handle:
                first = handle.read(1)
                handle.seek(0)
                handle.write(bytes([first[0] ^ 0xFF]) if first else b"")
    if fault.action == "drop_cached_block":
        block_manager.remove_block(tuple(fault.arg))
