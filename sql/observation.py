"""``Observation``: the metrics a DataFrame's first action computed on the side (PySpark's API).

``df.observe(Observation("m"), count(lit(1)), max("age"))`` returns a DataFrame whose rows are
``df``'s; the first action on it also computes the metrics, in the same tasks, and
``observation.get`` returns them as a dict. ``get`` waits for that action to end, as PySpark's
does (another thread may be running it); later actions do not change the values.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from ember.errors import PySparkAssertionError, PySparkTypeError, PySparkValueError

__all__ = ["Observation"]


class Observation:
    """Named (or unnamed: a fresh UUID-like name) metrics observed on one DataFrame."""

    def __init__(self, name: str | None = None) -> None:
        if name is not None:
            if not isinstance(name, str):
                raise PySparkTypeError("NOT_EXPECTED_TYPE", f"Argument `name` should be str, got "
                                       f"{type(name).__name__}.")
            if name == "":
                raise PySparkValueError("VALUE_NOT_NON_EMPTY_STR", f"Value for `name` must be a non-empty string, "
                                        f"got '{name}'.")
        self._name = name
        self._attached = False
        self._done = threading.Event()
        self._values: dict[str, Any] = {}

    def _claim(self) -> str:
        """This observation's metric name, for a DataFrame about to use it (once only)."""
        if self._attached:
            raise PySparkAssertionError("REUSE_OBSERVATION", "An Observation can be used with a DataFrame only once.")
        if self._name is None:
            self._name = str(uuid.uuid4())
        return self._name

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def complete(self, values: dict[str, Any]) -> None:
        """Record the first action's metrics (later calls are ignored)."""
        if not self._done.is_set():
            self._values = values
            self._done.set()

    @property
    def get(self) -> dict[str, Any]:
        """The observed metrics, once the observed DataFrame's first action has ended."""
        if not self._attached:
            raise PySparkAssertionError("NO_OBSERVE_BEFORE_GET",
                                        "Should observe by calling `DataFrame.observe` before `get`.")
        self._done.wait()
        return dict(self._values)


# Accessors for DataFrame.observe: Observation's attribute namespace is PySpark's.
def claim(observation: Observation) -> str:
    """``observation``'s metric name, for a DataFrame about to use it; an error if one already did."""
    return observation._claim()


def mark_attached(observation: Observation) -> None:
    """Record that a DataFrame observes ``observation`` (so ``get`` may wait for its metrics)."""
    observation._attached = True
