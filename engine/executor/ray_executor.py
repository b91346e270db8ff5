"""An Ember executor as a Ray actor: one Python process, one task slot.

The driver's ``RayBackend`` (``scheduler/backends/ray.py``) starts one actor per task slot
and keeps a handle to each. The actor runs tasks with the same task runner as a local
worker process (``engine/executor/task_runner.py``), keeps cached blocks in its memory, and writes
shuffle output in Ember's format under a directory on its own node that every executor of
that node shares. It serves those files to reducers on other nodes (``fetch_blocks``) and
fetches theirs (``RayBlockFetcher``), one call per source executor, with the bytes in
flight capped and every block's checksum verified on arrival; the driver is never in the
data path. Every payload is sealed with the application's secret (``engine/signing.py``)
and a bad one is refused. A task asking to commit output asks the driver through a
``CommitRelay`` actor (executors cannot call the driver).

Methods run in three concurrency groups of the actor's threads: ``task`` (one thread:
binaries, tasks, unpersist, in the order the driver sent them), ``io`` (serving blocks to
other executors while a task runs) and ``control`` (kill requests, and ``wait_until_stopped``,
which the driver keeps pending to learn of the actor's death at once).
"""

from __future__ import annotations

import asyncio
import ctypes
import itertools
import logging
import os
import pickle
import shutil
import sys
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

import ray
from ray.exceptions import RayActorError

from ember.errors import EmberRuntimeError, FetchFailedError
from ember.executor.worker import make_env, preload
from ember.executor.task import TaskDescription, TaskOutcome
from ember.executor.task_end import TaskKilled
from ember.shuffle.block_resolver import MapOutputFiles
from ember.shuffle.index_file import read_block, read_checked_block, verify_fetched_block
from ember.signing import Sealer
from ember.executor.task_runner import ExecutorEnv, TaskKilledError, run_task
from ember.executor.worker_gc import WorkerCollector

log = logging.getLogger(__name__)

CONCURRENCY_GROUPS = {"task": 1, "io": 2, "control": 2}
_PARALLEL_FETCHES = 4


@dataclass(frozen=True, slots=True)
class Peer:
    """Another executor, as a reducer sees it: its node and its actor handle."""

    node_id: str
    handle: Any


def node_directory(base: str, app_id: str, node_id: str) -> str:
    """The directory an application's executors share on one node."""
    return os.path.join(base, f"ember-ray-{app_id}", node_id[:16])


class RayExecutor:
    """The actor's body; ``RayBackend`` wraps it with ``ray.remote`` and its options."""

    def __init__(self, executor_id: str, secret: bytes, init: dict, relay: Any) -> None:
        os.umask(0o077)  # every shuffle, spill and block file is private to the user
        # The driver's import path, where this node has it too (a cluster on one machine, shared
        # file systems): functions of the driver's own modules then unpickle as in local mode.
        sys.path.extend(p for p in init.get("sys_path", []) if p not in sys.path and os.path.isdir(p))
        self._sealer = Sealer(secret)
        self.executor_id = executor_id
        self.node_id = ray.get_runtime_context().get_node_id()
        self._node_dir = node_directory(init["local_dir"], init["app_id"], self.node_id)
        os.makedirs(self._node_dir, mode=0o700, exist_ok=True)
        self._env: ExecutorEnv = make_env({**init, "session_dir": self._node_dir, "executor_id": executor_id},
                                          RayCommitAsker(self._sealer, relay, executor_id).ask, _no_barrier)
        self._fetcher = RayBlockFetcher(self._sealer, self._env, self.node_id, init["max_bytes_in_flight"])
        self._env.block_fetcher = self._fetcher
        self._binaries: dict[int, bytes] = {}
        self._collector = WorkerCollector()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._running: int | None = None
        self._running_thread: int | None = None
        self._kill_requested: set[int] = set()
        self._preload = init.get("preload", [])

    # --- driver -> executor (group "task") -----------------------------------------

    def ready(self) -> tuple[str, int]:
        """Called once the actor exists: its node id and pid. Then warms up imports."""
        return self.node_id, os.getpid()

    def warm_up(self) -> None:
        preload(self._preload)
        self._collector.start()

    def add_binary(self, sealed: bytes) -> None:
        binary_id, binary = self._sealer.open(sealed, "a stage binary")
        self._binaries[binary_id] = binary

    def forget_binary(self, sealed: bytes) -> None:
        self._binaries.pop(self._sealer.open(sealed, "a request to forget a stage binary"), None)

    def remove_rdd(self, sealed: bytes) -> None:
        rdd_id = self._sealer.open(sealed, "a request to drop cached blocks")
        releases = self._env.block_manager.memory_releases
        self._env.block_manager.remove_rdd(rdd_id)
        if self._env.block_manager.memory_releases != releases:
            self._collector.after_release()

    def remove_shuffle(self, sealed: bytes) -> None:
        self._env.resolver.remove_shuffle(self._sealer.open(sealed, "a request to remove a shuffle"))

    def run_task(self, sealed: bytes) -> bytes:
        """Run one task; returns its sealed, pickled ``TaskOutcome``."""
        fields, partition_bytes, peers = self._sealer.open(sealed, "a task")
        desc = TaskDescription.from_fields(fields)
        self._fetcher.peers = peers
        releases = self._env.block_manager.memory_releases
        with self._lock:
            killed_early = desc.task_id in self._kill_requested
            self._kill_requested.discard(desc.task_id)
            self._running, self._running_thread = desc.task_id, threading.get_ident()
        try:
            if killed_early:
                outcome = TaskOutcome(desc.task_id, TaskKilled("cancelled by the driver before it started"))
            else:
                outcome = run_task(desc, self._binaries[desc.binary_id], partition_bytes, self._env)
        except TaskKilledError:  # landed outside the task's own handler
            outcome = TaskOutcome(desc.task_id, TaskKilled("cancelled by the driver"))
        finally:
            with self._lock:
                self._running = self._running_thread = None
            self._fetcher.peers = {}
        sealed_outcome = self._sealer.seal(pickle.dumps(outcome, protocol=5))
        del outcome
        self._collector.after_task(released=self._env.block_manager.memory_releases != releases)
        return sealed_outcome

    # --- control (group "control") ------------------------------------------------------

    def kill_task(self, sealed: bytes) -> None:
        """Raise ``TaskKilledError`` in the task's thread if it runs, or refuse it when it arrives."""
        task_id = self._sealer.open(sealed, "a kill request")
        with self._lock:
            if self._running != task_id:
                self._kill_requested.add(task_id)
                return
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._running_thread),
                                                       ctypes.py_object(TaskKilledError))

    def wait_until_stopped(self) -> None:
        """Pending for the actor's whole life: the driver sees it fail the moment the actor dies."""
        self._stopped.wait()

    def shutdown(self) -> None:
        """Remove this node's files of the application, then let ``wait_until_stopped`` return."""
        shutil.rmtree(self._node_dir, ignore_errors=True)
        try:
            os.rmdir(os.path.dirname(self._node_dir))  # the application's, once no node of it is left here
        except OSError:
            pass
        self._stopped.set()

    # --- executor -> executor (group "io") ---------------------------------------------

    def fetch_blocks(self, sealed: bytes) -> bytes:
        """Blocks of reduce partition ``reduce_id`` of the listed map outputs, up to ``max_bytes``.

        Returns ``(blocks, rest, error)``: ``(map_id, block, crc32)`` in the order asked, at
        least one block even when it alone exceeds ``max_bytes``; the map ids not sent yet;
        and, when a block cannot be read here, ``(map_id, message)``.
        """
        shuffle_id, reduce_id, map_ids, max_bytes = self._sealer.open(sealed, "a block request")
        blocks: list[tuple[int, bytes, int]] = []
        size = 0
        for position, map_id in enumerate(map_ids):
            try:
                block, checksum = read_checked_block(self._env.resolver.files_for(shuffle_id, map_id), reduce_id,
                                                     shuffle_id, map_id)
            except FetchFailedError as exc:
                return self._sealer.seal((blocks, [], (map_id, exc.message)))
            if blocks and size + len(block) > max_bytes:
                return self._sealer.seal((blocks, list(map_ids[position:]), None))
            blocks.append((map_id, block, checksum))
            size += len(block)
        return self._sealer.seal((blocks, [], None))


def _no_barrier(task_id: int, kind: str, epoch: int, message: str) -> list[str]:
    """Barrier stages need a rendezvous through the driver, which the ray master does not offer yet."""
    raise EmberRuntimeError("barrier execution mode (RDD.barrier()) is not supported on the 'ray' master; "
                            "use a local master")


class RayCommitAsker:
    """A task's question "may I commit?" to the driver, through the application's ``CommitRelay``.

    The question and the answer are sealed; the answer must name the question it answers.
    """

    def __init__(self, sealer: Sealer, relay: Any, executor_id: str) -> None:
        self._sealer = sealer
        self._relay = relay
        self._executor_id = executor_id
        self._ids = itertools.count()

    def ask(self, desc: TaskDescription) -> bool:
        question_id = f"{self._executor_id}/{desc.task_id}/{next(self._ids)}"
        question = self._sealer.seal((question_id, desc.stage_id, desc.stage_attempt, desc.partition_index,
                                      desc.attempt))
        answered, allowed = self._sealer.open(ray.get(self._relay.ask.remote(question_id, question)),
                                              "the answer to a commit request")
        return answered == question_id and allowed


class CommitRelay:
    """Carries sealed commit questions from executors to the driver and its answers back.

    An executor cannot call the driver, so it asks this actor (placed on the driver's node),
    which holds the call until the driver, polling with ``questions``, answers it. It sees
    only sealed bytes and question ids. An async actor: every waiting question costs a future,
    not a thread.
    """

    def __init__(self) -> None:
        self._questions: asyncio.Queue = asyncio.Queue()
        self._waiting: dict[str, asyncio.Future] = {}

    async def ask(self, question_id: str, sealed: bytes) -> bytes:
        answer = asyncio.get_running_loop().create_future()
        self._waiting[question_id] = answer
        await self._questions.put((question_id, sealed))
        return await answer

    async def questions(self, timeout: float) -> list[tuple[str, bytes]]:
        """The questions asked so far, waiting up to ``timeout`` seconds for the first."""
        try:
            found = [await asyncio.wait_for(self._questions.get(), timeout)]
        except asyncio.TimeoutError:
            return []
        while not self._questions.empty():
            found.append(self._questions.get_nowait())
        return found

    async def answer(self, question_id: str, sealed: bytes) -> None:
        waiting = self._waiting.pop(question_id, None)
        if waiting is not None and not waiting.done():
            waiting.set_result(sealed)


class RayBlockFetcher:
    """Reads a reducer's blocks: from this node's disk, or from the executors that wrote them.

    ``peers`` (executor id -> ``Peer``) comes with each task from the driver; a map output
    whose executor is not among them was lost with it, and is a fetch failure.
    """

    def __init__(self, sealer: Sealer, env: ExecutorEnv, node_id: str, max_bytes_in_flight: int) -> None:
        self._sealer = sealer
        self._env = env
        self._node_id = node_id
        self._max_in_flight = max_bytes_in_flight
        self.peers: dict[str, Peer] = {}

    def blocks(self, shuffle_id: int, reduce_id: int,
               map_outputs: Sequence[tuple[int, MapOutputFiles]]) -> Iterator[bytes]:
        remote: dict[str, list[int]] = {}
        for map_id, files in map_outputs:
            peer = self.peers.get(files.executor_id)
            if files.executor_id == self._env.executor_id or (peer is not None and peer.node_id == self._node_id):
                yield read_block(self._env.resolver.files_for(shuffle_id, map_id), reduce_id, shuffle_id, map_id)
            elif peer is None:
                raise FetchFailedError(f"cannot fetch shuffle {shuffle_id} map {map_id} block for reduce partition "
                                       f"{reduce_id}: executor {files.executor_id} is lost", shuffle_id, map_id,
                                       reduce_id)
            else:
                remote.setdefault(files.executor_id, []).append(map_id)
        yield from self._fetch_remote(shuffle_id, reduce_id, remote)

    def _fetch_remote(self, shuffle_id: int, reduce_id: int, remote: dict[str, list[int]]) -> Iterator[bytes]:
        """One request per source executor, a few at a time, each reply at most its share of the cap."""
        waiting = deque(remote.items())
        parallel = max(1, min(_PARALLEL_FETCHES, len(waiting)))
        share = max(1, self._max_in_flight // parallel)
        in_flight: dict[Any, tuple[str, list[int]]] = {}
        while waiting or in_flight:
            while waiting and len(in_flight) < parallel:
                source, map_ids = waiting.popleft()
                request = self._sealer.seal((shuffle_id, reduce_id, map_ids, share))
                ref = self.peers[source].handle.fetch_blocks.options(concurrency_group="io").remote(request)
                in_flight[ref] = (source, map_ids)
            (ref,), _ = ray.wait(list(in_flight), num_returns=1)
            source, map_ids = in_flight.pop(ref)
            try:
                blocks, rest, error = self._sealer.open(ray.get(ref), f"blocks from executor {source}")
            except RayActorError as exc:
                raise FetchFailedError(f"cannot fetch shuffle {shuffle_id} map {map_ids[0]} block for reduce "
                                       f"partition {reduce_id}: executor {source} died ({type(exc).__name__})",
                                       shuffle_id, map_ids[0], reduce_id) from None
            for map_id, block, checksum in blocks:
                yield verify_fetched_block(block, checksum, shuffle_id, map_id, reduce_id, source)
            if error is not None:
                map_id, message = error
                raise FetchFailedError(f"{message} (on executor {source})", shuffle_id, map_id, reduce_id)
            if rest:
                waiting.append((source, rest))
