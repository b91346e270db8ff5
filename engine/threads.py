"""``InheritableThread``: a thread that starts with its parent's local properties (PySpark's API).

Local properties (job group, description, job tags) belong to the thread that sets them; a
thread started with ``InheritableThread`` begins with a copy of those its parent had when
``start()`` was called, so its jobs join the parent's group and carry its tags.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from ember.context import active_context


class InheritableThread(threading.Thread):
    """``threading.Thread`` whose target runs with the starting thread's local properties.

    >>> from ember import InheritableThread
    >>> sc.setJobGroup("parent-group", "shared")
    >>> seen = []
    >>> thread = InheritableThread(target=lambda: seen.append(sc.getLocalProperty("spark.jobGroup.id")))
    >>> thread.start(); thread.join(); seen
    ['parent-group']
    >>> sc.setLocalProperty("spark.jobGroup.id", None); sc.setLocalProperty("spark.job.description", None)
    """

    def __init__(self, target: Callable[..., Any], *args: Any, session: Any = None, **kwargs: Any) -> None:
        self._inherited: dict[str, str] = {}

        def with_parent_properties(*a: Any, **k: Any) -> Any:
            context = active_context()
            if context is not None:
                context.local_properties().update(self._inherited)
            return target(*a, **k)

        super().__init__(*args, target=with_parent_properties, **kwargs)

    def start(self) -> None:
        context = active_context()
        self._inherited = dict(context.local_properties()) if context is not None else {}
        super().start()
