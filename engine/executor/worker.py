"""The worker process: ``python -m ember.executor.worker <fd>``.

A worker talks to the driver over one inherited Unix socket (nothing listens on any
address). It receives stage binaries (kept as bytes, one per stage attempt), runs tasks
one at a time in its main thread, and sends each outcome back; a reader thread takes
the driver's messages meanwhile, so a running task can be killed. It makes no scheduling decisions; a task that writes output asks the driver's output commit
coordinator before committing, and waits for the answer (``CommitAsker``). It exits
on ``STOP``, when the driver's end of the socket closes, or when the driver process
disappears (a watchdog notices the parent change), so no worker outlives its driver.
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import queue
import signal
import socket
import sys
import threading
import time
from typing import Any, Callable

from ember.executor.worker_gc import WorkerCollector
from ember.storage.block_manager import BlockManager
from ember.faults import parse_faults
from ember.executor.task import TaskDescription, TaskOutcome
from ember.executor.task_end import TaskKilled
from ember.shuffle.block_resolver import ShuffleBlockResolver
from ember.executor.channel import ConnectionClosed, Control, MessageChannel
from ember.serialization.serializers import record_serializer
from ember.files import USER_FILES, WorkerFiles
from ember.executor.task_runner import ExecutorEnv, TaskKilledError, exception_failure, run_task
from ember.temp_dirs import executor_directory

log = logging.getLogger(__name__)


def _watch_parent(parent_pid: int) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)
        time.sleep(0.5)


class DriverCalls:
    """A running task's questions to the driver ("may I commit?", a barrier's rendezvous).

    A question is sent from the task's thread; its answer arrives on the reader thread,
    tagged with the task id. An answer meant for an earlier task (killed while it waited) is
    dropped, and the wait wakes regularly so that a kill signal is handled promptly. When
    the connection closes, a commit is refused and a rendezvous fails.
    """

    _CLOSED = object()

    def __init__(self, channel: MessageChannel) -> None:
        self._channel = channel
        self._answers: queue.Queue = queue.Queue()

    def _call(self, kind: Control, task_id: int, fields: dict) -> Any:
        self._channel.send(kind, {"task_id": task_id, **fields})
        while True:
            try:
                answered_task, answer = self._answers.get(timeout=0.5)
            except queue.Empty:
                continue
            if answer is self._CLOSED:
                self._answers.put((None, self._CLOSED))  # every later question gets it too
                return answer
            if answered_task == task_id:
                return answer

    def ask_commit(self, desc: TaskDescription) -> bool:
        answer = self._call(Control.ASK_COMMIT, desc.task_id, {
            "stage_id": desc.stage_id, "stage_attempt": desc.stage_attempt,
            "partition": desc.partition_index, "attempt": desc.attempt})
        return answer is not self._CLOSED and answer

    def rendezvous(self, task_id: int, kind: str, epoch: int, message: str) -> list[str]:
        answer = self._call(Control.BARRIER_REQUEST, task_id, {"kind": kind, "epoch": epoch, "message": message})
        if answer is self._CLOSED:
            raise ConnectionClosed("the driver closed the connection during a barrier")
        return answer

    def answered(self, task_id: int, answer: Any) -> None:
        self._answers.put((task_id, answer))

    def closed(self) -> None:
        self._answers.put((None, self._CLOSED))


def make_env(init: dict, ask_commit: Callable[[TaskDescription], bool],
             barrier_rendezvous: Callable[[int, str, int, str], list[str]]) -> ExecutorEnv:
    """An executor's environment from the driver's INIT settings (a process's or a Ray actor's)."""
    directory = executor_directory(init["session_dir"], init["executor_id"])
    os.makedirs(directory, mode=0o700, exist_ok=True)
    return ExecutorEnv(
        executor_id=init["executor_id"],
        block_manager=BlockManager(os.path.join(directory, "blocks"), init["storage_bytes"],
                                   record_serializer(init["rdd_compress"]), init["batch_bytes"]),
        resolver=ShuffleBlockResolver(init["session_dir"]),
        record_serializer=record_serializer(init["compress"]),
        batch_bytes=init["batch_bytes"],
        execution_bytes=init["execution_bytes"],
        faults=parse_faults(init.get("faults")),
        ask_commit=ask_commit,
        barrier_rendezvous=barrier_rendezvous,
    )


class TaskKiller:
    """Turns the driver's ``KILL_TASK`` into ``TaskKilledError`` inside the running task.

    Tasks run in the main thread; the message arrives on the reader thread, which sends
    the main thread SIGUSR1, whose handler (run by Python between bytecodes; the signal
    also interrupts a blocking call) raises only if that task is still the one running.
    """

    def __init__(self) -> None:
        self.running: int | None = None
        self.kill_requested: int | None = None
        self._main_thread = threading.main_thread().ident

    def install(self) -> None:
        signal.signal(signal.SIGUSR1, self._on_signal)

    def request(self, task_id: int) -> None:
        self.kill_requested = task_id
        # Aim at the main thread: a process-wide signal may land on this reader thread,
        # and then a task blocked in a system call would not notice it.
        signal.pthread_kill(self._main_thread, signal.SIGUSR1)

    def was_killed_before_start(self, task_id: int) -> bool:
        return self.kill_requested == task_id

    def _on_signal(self, signum: int, frame: object) -> None:
        if self.running is not None and self.kill_requested == self.running:
            self.kill_requested = None
            raise TaskKilledError()


def _read_messages(channel: MessageChannel, inbox: queue.Queue, killer: TaskKiller, calls: DriverCalls) -> None:
    try:
        while True:
            kind, fields, payload = channel.receive()
            if kind is Control.KILL_TASK:
                killer.request(fields["task_id"])
            elif kind is Control.COMMIT_ANSWER:
                calls.answered(fields["task_id"], fields["allowed"])
            elif kind is Control.BARRIER_REPLY:
                calls.answered(fields["task_id"], fields["messages"])
            else:
                inbox.put((kind, fields, payload))
    except (ConnectionClosed, OSError):
        calls.closed()
        inbox.put((Control.STOP, {}, None))


def _run(desc: TaskDescription, binary: bytes, payload: bytes, env: ExecutorEnv, killer: TaskKiller,
         files: WorkerFiles):
    killer.running = desc.task_id
    try:
        if killer.was_killed_before_start(desc.task_id):
            return TaskOutcome(desc.task_id, TaskKilled("cancelled by the driver before it started"))
        try:
            files.sync()
        except Exception as exc:  # a file added with addFile could not be fetched
            return TaskOutcome(desc.task_id, exception_failure(exc))
        return run_task(desc, binary, payload, env)
    except TaskKilledError:  # landed outside the task's own handler
        return TaskOutcome(desc.task_id, TaskKilled("cancelled by the driver"))
    finally:
        killer.running = None


def preload(modules: list[str]) -> None:
    """Import what the driver uses (``ember.sql`` and pyarrow) right after reporting ready.

    This overlaps with the driver's own work before its first DataFrame job (planning,
    reading file metadata); tasks arriving meanwhile wait in the inbox. It runs in the main
    thread: importing a package with internal import cycles on another thread races with a
    task's own imports ("partially initialized module").
    """
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:
            log.exception("could not preload %s", name)


def serve(channel: MessageChannel) -> None:
    kind, init, _ = channel.receive()
    if kind is not Control.INIT:
        raise RuntimeError(f"expected INIT from the driver, got {kind.name}")
    sys.path[:] = init["sys_path"]
    os.chdir(init["cwd"])
    calls = DriverCalls(channel)
    env = make_env(init, calls.ask_commit, calls.rendezvous)
    files = WorkerFiles(os.path.join(init["session_dir"], USER_FILES),
                        os.path.join(executor_directory(init["session_dir"], init["executor_id"]), "files"))
    killer = TaskKiller()
    killer.install()
    inbox: queue.Queue = queue.Queue()
    threading.Thread(target=_read_messages, args=(channel, inbox, killer, calls), daemon=True).start()
    channel.send(Control.READY, {"pid": os.getpid()})
    preload(init.get("preload", []))
    collector = WorkerCollector()
    collector.start()
    binaries: dict[int, bytes] = {}
    while True:
        kind, fields, payload = inbox.get()
        if kind is Control.LAUNCH_TASK:
            desc = TaskDescription.from_fields(fields)
            releases = env.block_manager.memory_releases
            outcome = _run(desc, binaries[desc.binary_id], payload, env, killer, files)
            channel.send(Control.TASK_RESULT, {"task_id": desc.task_id}, pickle.dumps(outcome, protocol=5))
            del outcome
            collector.after_task(released=env.block_manager.memory_releases != releases)
        elif kind is Control.STAGE_BINARY:
            binaries[fields["binary_id"]] = payload
        elif kind is Control.FORGET_BINARY:
            binaries.pop(fields["binary_id"], None)
        elif kind is Control.REMOVE_BLOCKS:
            releases = env.block_manager.memory_releases
            env.block_manager.remove_rdd(fields["rdd_id"])
            if env.block_manager.memory_releases != releases:
                collector.after_release()
        elif kind is Control.STOP:
            return


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
    os.umask(0o077)  # every shuffle, spill, block and checkpoint file is private to the user
    fd = int(sys.argv[1])
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    channel = MessageChannel(socket.socket(fileno=fd))
    try:
        serve(channel)
    except ConnectionClosed:
        pass
    finally:
        channel.close()


if __name__ == "__main__":
    main()
