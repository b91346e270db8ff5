"""Broadcast variables: a read-only value shipped to each worker once.

The driver pickles the value into a file in the session's private directory; a
``Broadcast`` pickles as its id and path only, and a worker loads the value on first
use and keeps it for every later task. Big values thus never ride in task closures.
"""

from __future__ import annotations

import os
import pickle
from typing import Any, BinaryIO, Generic, TypeVar

from ember.errors import EmberRuntimeError

T = TypeVar("T")

_worker_values: dict[int, Any] = {}


class Broadcast(Generic[T]):
    """A value broadcast to the workers by ``SparkContext.broadcast`` (PySpark's API).

    >>> b = sc.broadcast({"a": 1})
    >>> sc.parallelize(["a", "b"]).map(lambda k: b.value.get(k, 0)).collect()
    [1, 0]
    """

    def __init__(self, broadcast_id: int, path: str, value: Any = None, on_driver: bool = False) -> None:
        self._id = broadcast_id
        self._path = path
        self._value = value
        self._on_driver = on_driver
        self._destroyed = False

    @property
    def id(self) -> int:
        return self._id

    @property
    def value(self) -> T:
        if self._destroyed:
            raise EmberRuntimeError(f"Broadcast {self._id} was destroyed and can no longer be used")
        if self._on_driver:
            return self._value
        if self._id not in _worker_values:
            try:
                with open(self._path, "rb") as handle:
                    _worker_values[self._id] = pickle.load(handle)
            except FileNotFoundError:
                raise EmberRuntimeError(
                    f"Broadcast {self._id} is no longer available (destroyed, or its session stopped)"
                ) from None
        return _worker_values[self._id]

    def dump(self, value: T, f: BinaryIO) -> None:
        """Write ``value`` pickled to the open binary file ``f``, then close ``f`` (as PySpark does)."""
        try:
            pickle.dump(value, f, pickle.HIGHEST_PROTOCOL)
        except pickle.PickleError:
            raise
        except Exception as exc:
            raise pickle.PicklingError(f"Could not serialize broadcast: {type(exc).__name__}: {exc}") from exc
        f.close()

    def load(self, file: BinaryIO) -> T:
        """Read a pickled value from the open binary file ``file``."""
        return pickle.load(file)

    def load_from_path(self, path: str) -> T:
        """Read a pickled value from the file at ``path``."""
        with open(path, "rb", 1 << 20) as handle:
            return self.load(handle)

    def unpersist(self, blocking: bool = False) -> None:
        """Let workers drop their copy; the value is reloaded if used again."""

    def destroy(self, blocking: bool = False) -> None:
        """Remove the value everywhere; using it afterwards is an error."""
        self._destroyed = True
        self._value = None
        try:
            os.remove(self._path)
        except FileNotFoundError:
            pass

    def __reduce__(self):
        if self._destroyed:
            raise EmberRuntimeError(f"Broadcast {self._id} was destroyed and cannot be sent to workers")
        return (Broadcast, (self._id, self._path))

    def __repr__(self) -> str:
        return f"Broadcast({self._id})"


def write_broadcast(broadcast_id: int, path: str, value: T) -> Broadcast[T]:
    """The driver's broadcast of ``value``, written once to ``path`` (owner-only) for the workers to read."""
    temporary = path + ".tmp"
    with open(temporary, "wb", opener=lambda p, f: os.open(p, f, 0o600)) as handle:
        pickle.dump(value, handle, protocol=5)
    os.replace(temporary, path)
    return Broadcast(broadcast_id, path, value, on_driver=True)
