"""The scheduler's logic thread: one queue, one consumer.

``EventLoop`` runs the handler on a dedicated daemon thread; when the queue stays empty
for a while it posts ``Tick`` so delay scheduling can give up waiting for locality, and
``post_every`` repeats an event on a timer (the speculation check).
``InlineEventLoop`` handles events synchronously in the caller's thread, in order (an
event posted while handling is queued behind it), for deterministic tests; they post
periodic events themselves.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from typing import Any, Callable

from ember.scheduler.events import Tick

log = logging.getLogger(__name__)

_STOP = object()


class EventLoop:
    def __init__(self, handler: Callable[[Any], None], on_error: Callable[[BaseException], None],
                 tick_seconds: float = 0.1) -> None:
        self._handler = handler
        self._on_error = on_error
        self._tick_seconds = tick_seconds
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="ember-scheduler", daemon=True)
        self._timers: list[threading.Timer] = []
        self._stopped = threading.Event()

    def start(self) -> None:
        self._thread.start()

    def post(self, event: Any) -> None:
        self._queue.put(event)

    def post_later(self, delay: float, event: Any) -> None:
        timer = threading.Timer(delay, self.post, args=(event,))
        timer.daemon = True
        self._timers = [t for t in self._timers if t.is_alive()] + [timer]
        timer.start()

    def post_every(self, interval: float, event: Any) -> None:
        """Post ``event`` every ``interval`` seconds until the loop stops."""
        def repeat() -> None:
            while not self._stopped.wait(interval):
                self.post(event)

        threading.Thread(target=repeat, name="ember-scheduler-timer", daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
        for timer in self._timers:
            timer.cancel()
        self._queue.put(_STOP)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            try:
                event = self._queue.get(timeout=self._tick_seconds)
            except queue.Empty:
                event = Tick()
            if event is _STOP:
                return
            try:
                self._handler(event)
            except BaseException as exc:  # a scheduler bug: fail the jobs rather than hang them
                log.exception("scheduler failed handling %r", event)
                self._on_error(exc)


class InlineEventLoop:
    def __init__(self, handler: Callable[[Any], None], on_error: Callable[[BaseException], None]) -> None:
        self._handler = handler
        self._pending: deque = deque()
        self._handling = False

    def start(self) -> None:
        pass

    def post(self, event: Any) -> None:
        self._pending.append(event)
        if self._handling:
            return
        self._handling = True
        try:
            while self._pending:
                self._handler(self._pending.popleft())
        finally:
            self._handling = False

    def post_later(self, delay: float, event: Any) -> None:
        self.post(event)

    def post_every(self, interval: float, event: Any) -> None:
        """Tests drive time themselves: they post periodic events when they choose."""

    def stop(self) -> None:
        self._pending.clear()
