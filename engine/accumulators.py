"""Accumulators: variables that tasks can only add to, and only the driver can read.

A task gets a fresh copy at the accumulator's zero value when its closure is loaded;
its updates return with the task's result, and the driver merges them once per
successful task (a failed or retried attempt contributes nothing).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from ember.errors import EmberRuntimeError

T = TypeVar("T")

_task_accumulators: dict[int, Accumulator] = {}


class AccumulatorParam(Generic[T]):
    """How to zero and add values of a custom accumulator type (PySpark's API)."""

    def zero(self, value: T) -> T:
        raise NotImplementedError

    def addInPlace(self, value1: T, value2: T) -> T:
        raise NotImplementedError


class _NumberParam(AccumulatorParam):
    def __init__(self, zero_value: Any) -> None:
        self._zero = zero_value

    def zero(self, value: Any) -> Any:
        return self._zero

    def addInPlace(self, value1: Any, value2: Any) -> Any:
        return value1 + value2


INT_ACCUMULATOR_PARAM = _NumberParam(0)
FLOAT_ACCUMULATOR_PARAM = _NumberParam(0.0)
COMPLEX_ACCUMULATOR_PARAM = _NumberParam(0.0j)


class Accumulator(Generic[T]):
    """A shared variable that tasks add to with ``add`` or ``+=``.

    >>> acc = sc.accumulator(0)
    >>> sc.parallelize([1, 2, 3]).foreach(lambda x: acc.add(x))
    >>> acc.value
    6
    """

    def __init__(self, aid: int, value: T, accum_param: AccumulatorParam[T], on_driver: bool = True) -> None:
        self.aid = aid
        self._value = value
        self.accum_param = accum_param
        self._on_driver = on_driver

    @property
    def value(self) -> T:
        if not self._on_driver:
            raise EmberRuntimeError("Accumulator.value cannot be accessed inside tasks")
        return self._value

    @value.setter
    def value(self, value: T) -> None:
        if not self._on_driver:
            raise EmberRuntimeError("Accumulator.value cannot be accessed inside tasks")
        self._value = value

    def add(self, term: T) -> None:
        self._value = self.accum_param.addInPlace(self._value, term)

    def __iadd__(self, term: T) -> Accumulator[T]:
        self.add(term)
        return self

    def __reduce__(self):
        return (_task_copy, (self.aid, self.accum_param.zero(self._value), self.accum_param))

    def __str__(self) -> str:
        return str(self._value)

    def __repr__(self) -> str:
        return f"Accumulator<id={self.aid}, value={self._value}>"


def _task_copy(aid: int, zero: Any, accum_param: AccumulatorParam) -> Accumulator:
    """Rebuild an accumulator inside a task, registered so its updates can be collected."""
    existing = _task_accumulators.get(aid)
    if existing is not None:
        return existing
    accumulator = Accumulator(aid, zero, accum_param, on_driver=False)
    _task_accumulators[aid] = accumulator
    return accumulator


def begin_task() -> None:
    _task_accumulators.clear()


def collect_updates() -> dict[int, Any]:
    """The updates of every accumulator the finished task used."""
    updates = {aid: acc._value for aid, acc in _task_accumulators.items()}
    _task_accumulators.clear()
    return updates
