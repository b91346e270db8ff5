"""Run one task inside an executor: load the stage, pull the partition, report the outcome.

Used by the worker process loop and by the in-driver ``InlineBackend`` alike, so both
go through the same serialization. The stage binary is deserialized for every task (it
arrives once per worker, as bytes): each task gets fresh copies of its closure's
objects, as in PySpark, so a task that mutates a captured list cannot leak into the
next task.

A user exception becomes an ``ExceptionFailure`` carrying the original exception
(pickled, when it pickles), its type and message, and the traceback with Ember's own
frames removed, so the driver can re-raise it pointing at the user's line.
"""

from __future__ import annotations

import functools
import os
import pickle
import time
import traceback
from dataclasses import dataclass
from typing import Callable

import cloudpickle

from ember import accumulators
from ember.barrier_context import BarrierTaskContext
from ember.storage.block_manager import BlockManager
from ember.errors import CommitDeniedError, FetchFailedError
from ember.memory import TaskMemory
from ember.executor.task import TaskDescription, TaskOutcome
from ember.faults import Fault, after_commit_request, inject
from ember.executor.task_end import ExceptionFailure, FetchFailed, Success, TaskCommitDenied, TaskKilled
from ember.shuffle.block_resolver import MapOutputFiles, ShuffleBlockResolver
from ember.shuffle.fetch import BlockFetcher
from ember.serialization.serializers import Serializer
from ember.shuffle.writer import ShuffleWriter
from ember.task_context import TaskContext, set_task_context
from ember.task_metrics import TaskMetrics

_EMBER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the ember package
_EMBER_ROOT = os.path.dirname(_EMBER_DIR)
_EMBER_FOLDERS = tuple(os.path.join(_EMBER_ROOT, name) + os.sep
                       for name in ("engine", "rdd", "scheduler", "shuffle", "sql"))


@dataclass(slots=True)
class ExecutorEnv:
    """The services one executor offers its tasks."""

    executor_id: str
    block_manager: BlockManager
    resolver: ShuffleBlockResolver
    record_serializer: Serializer
    batch_bytes: int
    execution_bytes: int
    faults: tuple[Fault, ...] = ()
    block_fetcher: BlockFetcher | None = None  # None: read shuffle blocks by path (one machine)
    # asks the driver's OutputCommitCoordinator whether this attempt may commit its output
    ask_commit: Callable[[TaskDescription], bool] | None = None
    # (task_id, kind, epoch, message) -> every barrier task's message, through the driver
    barrier_rendezvous: Callable[[int, str, int, str], list[str]] | None = None


class TaskKilledError(BaseException):
    """Raised inside a task the driver asked to stop; a BaseException so user code's
    ``except Exception`` does not swallow it."""


def run_task(desc: TaskDescription, binary: bytes, partition_bytes: bytes, env: ExecutorEnv) -> TaskOutcome:
    accumulators.begin_task()
    metrics = TaskMetrics()
    started = time.perf_counter()
    outcome = TaskOutcome(desc.task_id, Success(), metrics=metrics)
    context = None
    memory = TaskMemory(env.execution_bytes,  # spills go under executors/<id>/spill/<task id>
                        os.path.join(os.path.dirname(env.block_manager.directory), "spill", str(desc.task_id)))
    try:
        stage = cloudpickle.loads(binary)
        split = pickle.loads(partition_bytes)
        map_outputs = {sid: [(map_id, MapOutputFiles(data, index, executor_id))
                             for map_id, executor_id, data, index in outputs]
                       for sid, outputs in desc.map_outputs.items()}
        context = _task_context(desc, env, map_outputs, metrics, memory)
        set_task_context(context)
        inject(env.faults, desc.stage_id, desc.stage_attempt, desc.partition_index, desc.attempt,
               env.resolver, env.block_manager)
        records = stage.rdd.iterator(split, context)
        if desc.is_shuffle_map:
            dep = stage.dependency
            writer = ShuffleWriter(dep.shuffle_id, desc.partition_index, dep.partitioner,
                                   env.resolver, env.record_serializer,
                                   env.batch_bytes, metrics, memory)
            outcome.map_sizes = writer.write(records, dep.aggregator, dep.map_side_combine,
                                             f".{desc.task_id}.tmp")
        else:
            outcome.value_bytes = cloudpickle.dumps(stage.func(records), protocol=5)
            metrics.result_bytes = len(outcome.value_bytes)
        env.block_manager.finish_puts()  # a cached partition is whole even when the action read part of it
    except FetchFailedError as exc:
        outcome.reason = FetchFailed(exc.shuffle_id, exc.map_id, exc.reduce_id, exc.message)
    except CommitDeniedError:
        outcome.reason = TaskCommitDenied(desc.stage_id, desc.partition_index, desc.attempt)
    except TaskKilledError:
        outcome.reason = TaskKilled("cancelled by the driver")
    except Exception as exc:
        outcome.reason = exception_failure(exc)
    finally:
        set_task_context(None)
        env.block_manager.abort_puts()  # what a failed task was caching, half-written
        memory.cleanup()  # every spill file of this attempt, whatever happened
    outcome.accumulator_updates = accumulators.collect_updates() if isinstance(outcome.reason, Success) else {}
    if context is not None:
        outcome.new_blocks = context.new_blocks
    outcome.dropped_blocks = env.block_manager.take_dropped()
    metrics.run_seconds = time.perf_counter() - started
    return outcome


def _commit_permission(desc: TaskDescription, env: ExecutorEnv) -> Callable[[], bool] | None:
    """The task's way to ask the driver for permission to commit (``rdd/commit.py``)."""
    ask = env.ask_commit
    if ask is None:
        return None

    def can_commit() -> bool:
        allowed = ask(desc)
        after_commit_request(env.faults, desc.stage_id, desc.stage_attempt, desc.partition_index, desc.attempt)
        return allowed

    return can_commit


def _task_context(desc: TaskDescription, env: ExecutorEnv, map_outputs: dict, metrics: TaskMetrics,
                  memory: TaskMemory) -> TaskContext:
    args = (desc.stage_id, desc.stage_attempt, desc.partition_index, desc.attempt, desc.task_id,
            env.executor_id, env.block_manager, env.record_serializer, map_outputs, desc.properties, metrics)
    if not desc.barrier_addresses:
        return TaskContext(*args, memory=memory, commit_permission=_commit_permission(desc, env),
                           block_fetcher=env.block_fetcher)
    return BarrierTaskContext(*args, memory=memory, commit_permission=_commit_permission(desc, env),
                              block_fetcher=env.block_fetcher,
                              addresses=tuple(desc.barrier_addresses),
                              rendezvous=functools.partial(env.barrier_rendezvous, desc.task_id))


def exception_failure(exc: BaseException) -> ExceptionFailure:
    """Describe a user exception so the driver can re-raise it as itself."""
    return ExceptionFailure(type(exc).__qualname__, str(exc), user_traceback(exc), _pickled(exc))


def user_traceback(exc: BaseException) -> str:
    """The formatted traceback without Ember's own frames."""
    summary = traceback.TracebackException.from_exception(exc)
    _strip_ember_frames(summary)
    return "".join(summary.format())


def _strip_ember_frames(summary: traceback.TracebackException) -> None:
    seen: set[int] = set()
    while summary is not None and id(summary) not in seen:
        seen.add(id(summary))
        kept = [f for f in summary.stack if not f.filename.startswith(_EMBER_FOLDERS + (_EMBER_DIR,))]
        summary.stack = traceback.StackSummary.from_list(kept)
        summary = summary.__cause__ or summary.__context__


def _pickled(exc: BaseException) -> bytes | None:
    try:
        data = cloudpickle.dumps(exc, protocol=5)
        pickle.loads(data)
        return data
    except Exception:
        return None
