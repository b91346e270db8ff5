"""The worker process: ``python -m ember.executor <fd>``.

A worker talks to the driver over one inherited Unix socket (nothing listens on any
address). It receives stage binaries (kept as bytes, one per stage attempt), runs tasks
one at a time, and sends each outcome back. It makes no scheduling decisions. It exits
on ``STOP``, when the driver's end of the socket closes, or when the driver process
disappears (a watchdog notices the parent change), so no worker outlives its driver.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import socket
import sys
import threading
import time

from ember.block_manager import BlockManager
from ember.scheduler.task import TaskDescription
from ember.shuffle.block_resolver import ShuffleBlockResolver
from ember.shuffle.framing import ConnectionClosed, Control, MessageChannel
from ember.shuffle.serializers import record_serializer
from ember.task_runner import ExecutorEnv, run_task

log = logging.getLogger(__name__)


def _watch_parent(parent_pid: int) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)
        time.sleep(0.5)


def _make_env(init: dict) -> ExecutorEnv:
    directory = os.path.join(init["session_dir"], "executors", init["executor_id"])
    os.makedirs(directory, mode=0o700, exist_ok=True)
    return ExecutorEnv(
        executor_id=init["executor_id"],
        block_manager=BlockManager(os.path.join(directory, "blocks"), init["storage_bytes"]),
        resolver=ShuffleBlockResolver(init["session_dir"]),
        record_serializer=record_serializer(init["compress"]),
        batch_bytes=init["batch_bytes"],
    )


def serve(channel: MessageChannel) -> None:
    kind, init, _ = channel.receive()
    if kind is not Control.INIT:
        raise RuntimeError(f"expected INIT from the driver, got {kind.name}")
    sys.path[:] = init["sys_path"]
    os.chdir(init["cwd"])
    env = _make_env(init)
    channel.send(Control.READY, {"pid": os.getpid()})
    binaries: dict[int, bytes] = {}
    while True:
        kind, fields, payload = channel.receive()
        if kind is Control.LAUNCH_TASK:
            desc = TaskDescription.from_fields(fields)
            outcome = run_task(desc, binaries[desc.binary_id], payload, env)
            channel.send(Control.TASK_RESULT, {"task_id": desc.task_id}, pickle.dumps(outcome, protocol=5))
        elif kind is Control.STAGE_BINARY:
            binaries[fields["binary_id"]] = payload
        elif kind is Control.FORGET_BINARY:
            binaries.pop(fields["binary_id"], None)
        elif kind is Control.REMOVE_BLOCKS:
            env.block_manager.remove_rdd(fields["rdd_id"])
        elif kind is Control.STOP:
            return


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's to handle
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
