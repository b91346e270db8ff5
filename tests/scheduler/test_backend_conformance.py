"""Every SchedulerBackend meets the same contract (scheduler/backends/base.py).

Each backend is driven directly through the protocol, with a queue as its ``post``
callback (the Ray backend on a small local cluster, started once for this module): it
reports its executors, runs tasks from a stage binary sent once, reports every outcome,
runs a task that fails as a failure, and stops cleanly.
"""

from __future__ import annotations

import os
import queue

import cloudpickle
import pytest

from ember.closure import dumps_closure
from ember.rdd.sources import ParallelCollectionRDD
from ember.scheduler.backends.inline import InlineBackend
from ember.scheduler.backends.local import LocalProcessBackend
from ember.scheduler.events import ExecutorAdded, TaskCompleted
from ember.executor.task import ResultStageBinary, TaskDescription
from ember.executor.task_end import ExceptionFailure, Success
from ember.temp_dirs import SessionDirectory


def _inline(session: str) -> InlineBackend:
    return InlineBackend(session, 1 << 20, 1 << 20, 64 << 10, True)


def _local(session: str) -> LocalProcessBackend:
    import sys

    init = {"session_dir": session, "sys_path": list(sys.path), "cwd": os.getcwd(), "preload": [],
            "storage_bytes": 1 << 20, "execution_bytes": 1 << 20, "batch_bytes": 64 << 10,
            "compress": True, "rdd_compress": False, "faults": None}
    return LocalProcessBackend(2, init)


def _ray(session: str) -> object:
    import sys

    from ember.scheduler.backends.ray import RayBackend, RaySettings

    init = {"session_dir": session, "sys_path": list(sys.path), "preload": [], "storage_bytes": 1 << 20, "execution_bytes": 1 << 20,
            "batch_bytes": 64 << 10, "compress": True, "rdd_compress": False, "faults": None, "local_dir": os.path.dirname(session),
            "max_bytes_in_flight": 1 << 20}
    return RayBackend(RaySettings(None, 2, 1.0, None, None), init)


def _commit_only_partition_zero(stage_id: int, stage_attempt: int, partition: int, attempt: int) -> bool:
    """The test's output commit coordinator."""
    return partition == 0


@pytest.fixture(params=[_inline, _local, _ray], ids=["inline", "local", "ray"])
def backend(request, tmp_path):
    if request.param is _ray:
        request.getfixturevalue("ray_cluster")  # skipped, saying why, without Ray
    session = SessionDirectory(str(tmp_path))
    made = request.param(session.path)
    events: queue.Queue = queue.Queue()
    made.start(events.put, _commit_only_partition_zero)
    made.wait_until_ready(60)
    yield made, events
    made.stop()
    session.remove()


def _executors(events: queue.Queue) -> list[str]:
    found = []
    while True:
        try:
            event = events.get(timeout=0.5)
        except queue.Empty:
            return found
        assert isinstance(event, ExecutorAdded)
        found.append(event.executor_id)


def _outcome(events: queue.Queue):
    event = events.get(timeout=60)
    assert isinstance(event, TaskCompleted)
    return event.outcome


def _task(task_id: int, partition: int, binary_id: int = 0) -> TaskDescription:
    return TaskDescription(task_id, 0, 0, partition, 0, binary_id, False, {})


def test_a_backend_reports_its_executors_and_their_processes(backend):
    made, events = backend
    executors = _executors(events)
    assert executors and set(executors) == set(made.executor_pids())


def test_a_backend_runs_tasks_of_a_binary_sent_once(backend, context):
    made, events = backend
    executor = _executors(events)[0]
    rdd = ParallelCollectionRDD(context, list(range(10)), 2)
    made.send_binary(executor, 0, dumps_closure(ResultStageBinary(rdd, sum)))
    for task_id, split in enumerate(rdd.partitions):
        made.launch_task(executor, _task(task_id, split.index), dumps_closure(split))
    outcomes = sorted((_outcome(events) for _ in rdd.partitions), key=lambda o: o.task_id)
    assert all(isinstance(o.reason, Success) for o in outcomes)
    assert [cloudpickle.loads(o.value_bytes) for o in outcomes] == [sum(range(5)), sum(range(5, 10))]
    made.forget_binary(executor, 0)


def test_a_failing_task_is_reported_as_a_failure_and_the_backend_goes_on(backend, context):
    made, events = backend
    executor = _executors(events)[0]
    rdd = ParallelCollectionRDD(context, [1, 0], 1)

    def invert(values):
        return [1 / v for v in values]

    made.send_binary(executor, 1, dumps_closure(ResultStageBinary(rdd, invert)))
    made.launch_task(executor, _task(7, 0, 1), dumps_closure(rdd.partitions[0]))
    failed = _outcome(events)
    assert isinstance(failed.reason, ExceptionFailure) and failed.reason.type_name == "ZeroDivisionError"
    made.send_binary(executor, 2, dumps_closure(ResultStageBinary(rdd, lambda it: sum(1 for _ in it))))
    made.launch_task(executor, _task(8, 0, 2), dumps_closure(rdd.partitions[0]))
    assert cloudpickle.loads(_outcome(events).value_bytes) == 2


def _ask_to_commit(values):
    from ember import TaskContext

    return TaskContext.get().can_commit()


def test_a_task_asking_to_commit_gets_the_drivers_answer(backend, context):
    made, events = backend
    executor = _executors(events)[0]
    rdd = ParallelCollectionRDD(context, [1, 2], 2)
    made.send_binary(executor, 3, dumps_closure(ResultStageBinary(rdd, _ask_to_commit)))
    for task_id, split in enumerate(rdd.partitions):
        made.launch_task(executor, _task(task_id, split.index, 3), dumps_closure(split))
    outcomes = sorted((_outcome(events) for _ in rdd.partitions), key=lambda o: o.task_id)
    assert [cloudpickle.loads(o.value_bytes) for o in outcomes] == [True, False]


def test_stop_ends_every_executor_process(backend):
    made, events = backend
    _executors(events)
    pids = [pid for pid in made.executor_pids().values() if pid != os.getpid()]
    made.stop()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
