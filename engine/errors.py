"""Ember's exception hierarchy.

Every error Ember raises on purpose is an ``EmberException``; where a builtin type
fits, the error is also an instance of it, so ``except ValueError`` keeps working::

    EmberException
    ├── EmberValueError (ValueError)
    │   └── ResultTooLargeError
    ├── EmberTypeError (TypeError)
    ├── EmberRuntimeError (RuntimeError)
    │   ├── ClosureError              an RDD or context captured in a task closure
    │   ├── ContextStoppedError       a stopped SparkContext was used
    │   ├── JobCancelledError         the job was cancelled by the user
    │   ├── JobAbortedError           a job failed for a reason that is not a user exception
    │   ├── WorkerLostError           a worker process died while running a task
    │   └── FetchFailedError          shuffle output could not be read
    ├── AnalysisException            (PySpark's name; the structured layer)
    └── ParseException               (PySpark's name; SQL text)

A user's own exception raised inside a task is re-raised on the driver as itself (its
original type), with a note naming the stage, partition and RDD, chained to a
``RemoteTraceback`` that carries the worker-side traceback text.

Every class here pickles (``__reduce__``), because errors cross process boundaries.
"""

from __future__ import annotations


class EmberException(Exception):
    """Base of all of Ember's own errors."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self):
        return (type(self), (self.message,))


class EmberValueError(EmberException, ValueError):
    """A bad value passed to an Ember API."""


class EmberTypeError(EmberException, TypeError):
    """A value of the wrong type passed to an Ember API."""


class EmberRuntimeError(EmberException, RuntimeError):
    """An operation that cannot run in the current state."""


class ResultTooLargeError(EmberValueError):
    """A result bigger than ``spark.driver.maxResultSize`` was refused."""


class ClosureError(EmberRuntimeError):
    """A task closure captured something that only lives on the driver."""


class ContextStoppedError(EmberRuntimeError):
    """The SparkContext was used after ``stop()``."""


class JobCancelledError(EmberRuntimeError):
    """The job was cancelled (Ctrl-C, ``cancelJobGroup``, ``cancelAllJobs``)."""


class JobAbortedError(EmberRuntimeError):
    """A job failed for a reason that is not a user exception."""


class WorkerLostError(EmberRuntimeError):
    """A worker process died while running a task."""


class FetchFailedError(EmberRuntimeError):
    """A reduce task could not read the output of one map task."""

    def __init__(self, message: str, shuffle_id: int, map_id: int, reduce_id: int) -> None:
        super().__init__(message)
        self.shuffle_id = shuffle_id
        self.map_id = map_id
        self.reduce_id = reduce_id

    def __reduce__(self):
        return (type(self), (self.message, self.shuffle_id, self.map_id, self.reduce_id))


class AnalysisException(EmberException):
    """A query that is syntactically valid but cannot be resolved (PySpark's name)."""


class ParseException(EmberException):
    """SQL text that cannot be parsed (PySpark's name)."""


class RemoteTraceback(Exception):
    """Carries a worker-side traceback as text; chained as the ``__cause__`` of a task error."""

    def __init__(self, traceback_text: str) -> None:
        super().__init__(traceback_text)
        self.traceback_text = traceback_text

    def __str__(self) -> str:
        return "\n" + self.traceback_text

    def __reduce__(self):
        return (type(self), (self.traceback_text,))
