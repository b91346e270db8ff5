"""``LocalProcessBackend`` races with ``stop()``, driven by fake worker processes."""

from __future__ import annotations

from ember.scheduler.backends import local
from ember.scheduler.backends.local import LocalProcessBackend
from ember.executor.channel import ConnectionClosed
from ember.executor.worker_pool import WorkerExit


class FakeChannel:
    def receive(self):
        raise ConnectionClosed("closed")

    def close(self) -> None: ...


class FakeWorker:
    def __init__(self, executor_id: str) -> None:
        self.executor_id = executor_id
        self.pid = 1000 + int(executor_id)
        self.channel = FakeChannel()
        self.stopped = False

    def wait_for_exit(self) -> WorkerExit:
        return WorkerExit(1, None)

    def stop(self) -> None:
        self.stopped = True


def test_a_replacement_started_while_the_backend_stops_is_stopped_too(monkeypatch, tmp_path):
    backend = LocalProcessBackend(1, {"session_dir": str(tmp_path), "storage_bytes": 0, "execution_bytes": 0})
    events = []
    backend._post = events.append
    spawned = []

    def spawn_while_stopping(executor_id, init):
        backend.stop()  # stop() collects the workers before the replacement is registered
        spawned.append(FakeWorker(executor_id))
        return spawned[-1]

    monkeypatch.setattr(local.WorkerProcess, "spawn", spawn_while_stopping)
    backend._worker_exited(FakeWorker("7"))
    assert [type(e).__name__ for e in events] == ["ExecutorLost"]
    assert len(spawned) == 1 and spawned[0].stopped  # no process outlives the session
    assert backend.executor_pids() == {}
