"""``RayBackend``: the ``ray`` master runs Ember's executors as Ray actors.

Ray provides processes on many machines, their placement and failure detection; the DAG
scheduler, the shuffle format, the cache and recovery stay Ember's. The backend joins the
cluster named by ``RAY_ADDRESS`` or ``ember.ray.address`` (or starts a local Ray), starts
``ember.ray.executors`` actors (``engine/executor/ray_executor.py``: one process and one task slot
each, ``max_restarts=0``, no retries by Ray), and keeps a handle to each. The scheduler
still picks the executor of every task.

An actor that dies — killed, crashed, or on a node that left — is reported as
``ExecutorLost`` and replaced; its map outputs go with it (they were on its node), so
``shuffle_files_outlive_executors`` is False and the scheduler recomputes them from lineage.
Every payload is sealed with a per-application secret (``engine/signing.py``). Executors
ask to commit output through a ``CommitRelay`` actor on the driver's node, which a driver
thread polls and answers with the scheduler's output commit coordinator.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import logging
import os
import pickle
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import ray
from ray.exceptions import RayActorError
from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

from ember import config
from ember.errors import WorkerLostError
from ember.executor.ray_executor import CONCURRENCY_GROUPS, CommitRelay, Peer, RayExecutor
from ember.scheduler.backends.base import CanCommit
from ember.scheduler.events import ExecutorAdded, ExecutorLost, TaskCompleted
from ember.executor.task import TaskDescription, TaskOutcome
from ember.executor.task_end import ExceptionFailure
from ember.signing import Sealer, new_secret

if TYPE_CHECKING:
    from ember.conf import SparkConf

log = logging.getLogger(__name__)

_NAMESPACE = "ember"


@dataclass(frozen=True, slots=True)
class RaySettings:
    """How to reach the cluster and what to start on it."""

    address: str | None            # None: RAY_ADDRESS, else a new local Ray
    executors: int | None          # None: one per CPU of the cluster
    executor_cores: float
    executor_memory: int | None    # bytes reserved from Ray per actor; None: reserve nothing
    runtime_env: dict | None       # job-level runtime_env: how Ember's code reaches the nodes


@dataclass(eq=False)
class _Executor:
    executor_id: str
    handle: Any
    node_id: str | None = None
    pid: int | None = None
    running: set[int] = field(default_factory=set)


class RayBackend:
    shuffle_files_outlive_executors = False  # they are on the executor's node, served by it

    def __init__(self, settings: RaySettings, init: dict, staged_code: str | None = None) -> None:
        self.settings = settings
        self._staged_code = staged_code  # a copy of Ember for Ray to upload; removed at stop
        self._secret = new_secret()
        self._sealer = Sealer(self._secret)
        self._init = {**init, "app_id": uuid.uuid4().hex[:12]}
        self._executors: dict[str, _Executor] = {}
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._ready_count = 0
        self._ids = itertools.count()
        self._post: Callable[[Any], None] | None = None
        self._stopping = False
        self._owns_connection = False
        self._actor_class: Any = None
        self._relay: Any = None
        self._commit_thread: threading.Thread | None = None
        self._can_commit: CanCommit | None = None
        self.num_executors = 0

    # --- lifecycle ----------------------------------------------------------------------

    def start(self, post: Callable[[Any], None], can_commit: CanCommit) -> None:
        self._post = post
        self._can_commit = can_commit
        if not ray.is_initialized():
            address = self.settings.address or os.environ.get("RAY_ADDRESS")
            if address:
                ray.init(address=address, namespace=_NAMESPACE, runtime_env=self.settings.runtime_env)
            else:  # no cluster named: a local Ray for this application alone
                ray.init(namespace=_NAMESPACE, runtime_env=self.settings.runtime_env, include_dashboard=False)
            self._owns_connection = True
        cpus = ray.cluster_resources().get("CPU", 0)
        self.num_executors = self.settings.executors or int(cpus // self.settings.executor_cores)
        if self.num_executors < 1:
            raise WorkerLostError(f"the Ray cluster has {cpus:g} CPUs, too few for one executor of "
                                  f"{self.settings.executor_cores:g} cores (ember.ray.executorCores)")
        options: dict[str, Any] = {"num_cpus": self.settings.executor_cores, "max_restarts": 0,
                                   "max_task_retries": 0, "concurrency_groups": CONCURRENCY_GROUPS}
        if self.settings.executor_memory:
            options["memory"] = self.settings.executor_memory
        self._actor_class = ray.remote(**options)(RayExecutor)
        here = NodeAffinitySchedulingStrategy(ray.get_runtime_context().get_node_id(), soft=True)
        self._relay = ray.remote(num_cpus=0, max_restarts=0, scheduling_strategy=here)(CommitRelay).remote()
        self._commit_thread = threading.Thread(target=self._answer_commit_questions, name="ember-ray-commits",
                                               daemon=True)
        self._commit_thread.start()
        for _ in range(self.num_executors):
            self._start_executor()

    def _answer_commit_questions(self) -> None:
        """Answer the executors' commit questions with the driver's coordinator, until stop."""
        while not self._stopping:
            try:
                questions = ray.get(self._relay.questions.remote(1.0))
            except Exception:
                if not self._stopping:
                    log.exception("the commit relay failed; tasks asking to commit will wait")
                return
            for question_id, sealed in questions:
                try:
                    asked, stage_id, stage_attempt, partition, attempt = self._sealer.open(sealed, "a commit request")
                    allowed = asked == question_id and self._can_commit(stage_id, stage_attempt, partition, attempt)
                except Exception:
                    log.exception("refused commit request %s", question_id)
                    allowed = False
                self._relay.answer.remote(question_id, self._sealer.seal((question_id, allowed)))

    def wait_until_ready(self, timeout: float) -> None:
        """Block until the first ``num_executors`` actors have reported ready."""
        with self._ready:
            if not self._ready.wait_for(lambda: self._ready_count >= self.num_executors, timeout):
                raise WorkerLostError(
                    f"only {self._ready_count} of {self.num_executors} Ray executors started within {timeout:.0f} s "
                    f"(ember.worker.startTimeout); the cluster may lack free CPUs or memory for them "
                    f"(ember.ray.executors, ember.ray.executorCores, ember.ray.executorMemory)")

    def _start_executor(self) -> None:
        executor_id = str(next(self._ids))
        handle = self._actor_class.remote(executor_id, self._secret, self._init, self._relay)
        executor = _Executor(executor_id, handle)
        with self._lock:
            if self._stopping:
                ray.kill(handle, no_restart=True)
                return
            self._executors[executor_id] = executor
        handle.ready.options(concurrency_group="task").remote().future().add_done_callback(
            lambda done: self._on_ready(executor, done))

    def _on_ready(self, executor: _Executor, done: Any) -> None:
        try:
            executor.node_id, executor.pid = done.result()
        except Exception as exc:  # died while starting: the liveness call reports it
            log.warning("Ray executor %s failed to start: %s", executor.executor_id, exc)
            self._watch(executor)
            return
        executor.handle.warm_up.options(concurrency_group="task").remote()
        self._watch(executor)
        self._post(ExecutorAdded(executor.executor_id, executor.node_id))
        with self._ready:
            self._ready_count += 1
            self._ready.notify_all()

    def _watch(self, executor: _Executor) -> None:
        executor.handle.wait_until_stopped.options(concurrency_group="control").remote().future() \
            .add_done_callback(lambda done: self._on_stopped(executor, done))

    def _on_stopped(self, executor: _Executor, done: Any) -> None:
        try:
            done.result()
            cause = "stopped"
        except Exception as exc:
            cause = _death_cause(exc)
        with self._lock:
            known = self._executors.pop(executor.executor_id, None) is executor
            stopping = self._stopping
        if stopping or not known:
            return
        log.warning("Ray executor %s (node %s, pid %s) is lost: %s; starting a replacement",
                    executor.executor_id, (executor.node_id or "?")[:12], executor.pid, cause)
        self._post(ExecutorLost(executor.executor_id, None, detail=f"Ray actor died: {cause}"))
        self._start_executor()

    def stop(self) -> None:
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            executors = list(self._executors.values())
            self._executors.clear()
        pending = [e.handle.shutdown.options(concurrency_group="control").remote() for e in executors]
        ray.wait(pending, num_returns=len(pending), timeout=5)
        for executor in executors:
            ray.kill(executor.handle, no_restart=True)
        if self._relay is not None:
            ray.kill(self._relay, no_restart=True)  # its poller sees the error and ends
            self._commit_thread.join(timeout=10)  # before the disconnect: a later call would reconnect
        # A call to a killed actor fails once Ray has seen its process end: wait for that.
        probes = [e.handle.ready.options(concurrency_group="control").remote() for e in executors]
        ray.wait(probes, num_returns=len(probes), timeout=10)
        if self._owns_connection:
            ray.shutdown()
        if self._staged_code is not None:
            shutil.rmtree(self._staged_code, ignore_errors=True)

    # --- the protocol -------------------------------------------------------------------

    def _handle(self, executor_id: str) -> Any:
        with self._lock:
            executor = self._executors.get(executor_id)
        return None if executor is None else executor.handle

    def send_binary(self, executor_id: str, binary_id: int, binary: bytes) -> None:
        handle = self._handle(executor_id)
        if handle is not None:
            handle.add_binary.options(concurrency_group="task").remote(self._sealer.seal((binary_id, binary)))

    def forget_binary(self, executor_id: str, binary_id: int) -> None:
        handle = self._handle(executor_id)
        if handle is not None:
            handle.forget_binary.options(concurrency_group="task").remote(self._sealer.seal(binary_id))

    def launch_task(self, executor_id: str, desc: TaskDescription, partition_bytes: bytes) -> None:
        handle = self._handle(executor_id)
        if handle is None:
            return  # lost: its ExecutorLost fails the task
        sealed = self._sealer.seal((desc.to_fields(), partition_bytes, self._peers(desc)))
        handle.run_task.options(concurrency_group="task").remote(sealed).future().add_done_callback(
            lambda done: self._on_task_done(executor_id, desc.task_id, done))

    def _peers(self, desc: TaskDescription) -> dict[str, Peer]:
        """The live executors holding the map outputs this task reads."""
        wanted = {executor_id for outputs in desc.map_outputs.values() for _, executor_id, _, _ in outputs}
        with self._lock:
            return {eid: Peer(e.node_id, e.handle) for eid in wanted
                    if (e := self._executors.get(eid)) is not None and e.node_id is not None}

    def _on_task_done(self, executor_id: str, task_id: int, done: Any) -> None:
        try:
            outcome = pickle.loads(self._sealer.open(done.result(), f"the outcome of task {task_id}"))
        except RayActorError:
            return  # the actor died: its ExecutorLost fails the task
        except Exception as exc:
            log.exception("task %s on Ray executor %s ended without an outcome", task_id, executor_id)
            outcome = TaskOutcome(task_id, ExceptionFailure(type(exc).__qualname__, str(exc), "", None))
        self._post(TaskCompleted(executor_id, outcome))

    def kill_task(self, executor_id: str, task_id: int) -> None:
        handle = self._handle(executor_id)
        if handle is not None:
            handle.kill_task.options(concurrency_group="control").remote(self._sealer.seal(task_id))

    def kill_worker(self, executor_id: str) -> None:
        """Kill one actor abruptly (a task that ignored cancellation, or tests)."""
        handle = self._handle(executor_id)
        if handle is not None:
            ray.kill(handle, no_restart=True)

    def reply_barrier(self, executor_id: str, task_id: int, messages: list[str]) -> None:
        """Never asked: a barrier task on Ray fails with an error saying it is not supported."""

    def remove_rdd_blocks(self, rdd_id: int) -> None:
        for handle in self._all_handles():
            handle.remove_rdd.options(concurrency_group="task").remote(self._sealer.seal(rdd_id))

    def remove_shuffle(self, shuffle_id: int) -> None:
        for handle in self._all_handles():
            handle.remove_shuffle.options(concurrency_group="task").remote(self._sealer.seal(shuffle_id))

    def _all_handles(self) -> list[Any]:
        with self._lock:
            return [e.handle for e in self._executors.values()]

    def executor_pids(self) -> dict[str, int]:
        with self._lock:
            return {eid: e.pid for eid, e in self._executors.items() if e.pid is not None}

    def executor_nodes(self) -> dict[str, str]:
        """Each ready executor's Ray node id."""
        with self._lock:
            return {eid: e.node_id for eid, e in self._executors.items() if e.node_id is not None}


def _death_cause(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def ray_backend_from_conf(conf: SparkConf, init: dict, default_memory: int) -> RayBackend:
    """The ``ray`` master's backend, configured by the ``ember.ray.*`` settings."""
    memory = config.RAY_EXECUTOR_MEMORY.read(conf)
    budget = memory or default_memory
    storage = int(budget * config.MEMORY_STORAGE_FRACTION.read(conf))
    runtime_env: dict[str, Any] = {}
    staged = None
    if config.RAY_SHIP_CODE.read(conf):
        staged = stage_ember_package()
        runtime_env["py_modules"] = [os.path.join(staged, "ember")]
    working_dir = config.RAY_WORKING_DIR.read(conf)
    if working_dir:
        runtime_env["working_dir"] = working_dir
    settings = RaySettings(config.RAY_ADDRESS.read(conf), config.RAY_EXECUTORS.read(conf),
                           config.RAY_EXECUTOR_CORES.read(conf), memory, runtime_env or None)
    executor_init = {**init, "storage_bytes": storage, "execution_bytes": budget - storage,
                     "local_dir": config.LOCAL_DIR.read(conf) or tempfile.gettempdir(),
                     "max_bytes_in_flight": config.REDUCER_MAX_SIZE_IN_FLIGHT.read(conf)}
    return RayBackend(settings, executor_init, staged)


def stage_ember_package() -> str:
    """A temporary directory holding the ``ember`` package as one folder, for Ray to upload.

    Ember's subpackages live in the repository's top-level folders (``pyproject.toml`` maps
    them); an installed copy is already one folder. The caller removes the directory.
    """
    package = os.path.dirname(os.path.abspath(importlib.util.find_spec("ember").origin))
    staged = tempfile.mkdtemp(prefix="ember-ray-code-")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(package, os.path.join(staged, "ember"), ignore=ignore)
    for sub, folder in ((m.rsplit(".", 1)[1], os.path.dirname(importlib.import_module(m).__file__))
                        for m in ("ember.rdd", "ember.scheduler", "ember.shuffle", "ember.sql")):
        target = os.path.join(staged, "ember", sub)
        if not os.path.exists(target):
            shutil.copytree(folder, target, ignore=ignore)
    return staged
