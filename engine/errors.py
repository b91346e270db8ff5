"""Ember's exception hierarchy.

Every error Ember raises on purpose is an ``EmberException``; where a builtin type
fits, the error is also an instance of it, so ``except ValueError`` keeps working::

    EmberException
    ├── EmberValueError (ValueError)
    │   └── ResultTooLargeError
    ├── EmberTypeError (TypeError)
    ├── EmberIndexError (IndexError)
    ├── EmberRuntimeError (RuntimeError)
    │   ├── ClosureError              an RDD or context captured in a task closure
    │   ├── ContextStoppedError       a stopped SparkContext was used
    │   ├── JobCancelledError         the job was cancelled by the user
    │   ├── JobAbortedError           a job failed for a reason that is not a user exception
    │   ├── WorkerLostError           a worker process died while running a task
    │   ├── FetchFailedError          shuffle output could not be read
    │   └── CommitDeniedError         the driver let another attempt of the task commit its output
    └── EmberSQLException            errors of the structured layer, with Spark's error classes
        ├── AnalysisException        unresolved names, type mismatches (PySpark's name)
        │   ├── ParseException       DDL and SQL text that does not parse (PySpark's name)
        │   └── PathAlreadyExistsError   an output path exists (also a FileExistsError)
        ├── ArithmeticException      ANSI overflow, division by zero (also an ArithmeticError)
        ├── SparkRuntimeException    a query's data broke a rule, e.g. a scalar subquery's rows (also a RuntimeError)
        ├── NumberFormatException    ANSI casts of malformed strings (also a ValueError)
        ├── IllegalArgumentException an argument the engine refuses (also a ValueError)
        ├── UnsupportedOperationException
        └── PythonException          a UDF failed

PySpark's Python-side errors have their PySpark names: ``PySparkException`` is
``EmberException``, and ``PySparkValueError``, ``PySparkTypeError``, ``PySparkRuntimeError``
subclass the Ember error of the same builtin base (``PySparkIndexError``, ``PySparkKeyError``,
``PySparkAttributeError``, ``PySparkNotImplementedError``, ``PySparkAssertionError`` the builtin itself).

Errors may carry a Spark error class (``UNRESOLVED_COLUMN.WITH_SUGGESTION``): built as
``Error("message")`` they have none, built as ``Error("ERROR_CLASS", "message")`` they
render as ``[ERROR_CLASS] message``, as PySpark's do.

A user's own exception raised inside a task is re-raised on the driver as itself (its
original type), with a note naming the stage, partition and RDD, chained to a
``RemoteTraceback`` that carries the worker-side traceback text.

Every class here pickles (``__reduce__``), because errors cross process boundaries.
"""

from __future__ import annotations

import warnings


class EmberException(Exception):
    """Base of all of Ember's own errors: ``(message)`` or ``(error_class, message[, sqlstate[, plan]])``."""

    def __init__(self, *args: str | None) -> None:
        if not 1 <= len(args) <= 4:
            raise TypeError(f"{type(self).__name__} takes (message) or (error_class, message, sqlstate, plan)")
        self._args = args
        if len(args) == 1:
            self.error_class, self.message, self.sqlstate, self.plan = None, args[0], None, None
        else:
            self.error_class, self.message, self.sqlstate, self.plan = (tuple(args) + (None, None))[:4]
        super().__init__(self._render())

    def _render(self) -> str:
        text = f"[{self.error_class}] {self.message}" if self.error_class else str(self.message)
        if self.sqlstate:
            text += f" SQLSTATE: {self.sqlstate}"
        if self.plan:
            text += f";\n{self.plan}"
        return text

    def getCondition(self) -> str | None:
        """The Spark error class, e.g. ``UNRESOLVED_COLUMN.WITH_SUGGESTION`` (PySpark's name)."""
        return self.error_class

    def getErrorClass(self) -> str | None:
        """PySpark's older name for :meth:`getCondition` (deprecated there since 4.0, with this warning)."""
        warnings.warn("Deprecated in 4.0.0, use getCondition instead.", FutureWarning, stacklevel=2)
        return self.getCondition()

    def getMessage(self) -> str:
        return self._render()

    def getSqlState(self) -> str | None:
        return self.sqlstate

    def __reduce__(self):
        return (type(self), self._args)


class EmberValueError(EmberException, ValueError):
    """A bad value passed to an Ember API."""


class EmberTypeError(EmberException, TypeError):
    """A value of the wrong type passed to an Ember API."""


class EmberIndexError(EmberException, IndexError):
    """A position out of range, e.g. a column ordinal of 0 (PySpark's ``PySparkIndexError``)."""


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


class CommitDeniedError(EmberRuntimeError):
    """The driver's output commit coordinator authorised another attempt of this task.

    The attempt has discarded its output; the task ends as ``TaskCommitDenied``, which is
    never counted as a failure (Spark's ``CommitDeniedException``).
    """


class EmberSQLException(EmberException):
    """An error of the structured layer, usually with a Spark error class."""


class AnalysisException(EmberSQLException):
    """A query that cannot be analysed: unknown column, wrong types, bad plan shape."""


class ParseException(AnalysisException):
    """Text (a DDL type string or SQL) that does not parse."""


class PathAlreadyExistsError(AnalysisException, FileExistsError):
    """An output path that already exists, written with save mode ``error``."""


class ArithmeticException(EmberSQLException, ArithmeticError):
    """ANSI-mode arithmetic failure: overflow, division by zero."""


class SparkRuntimeException(EmberSQLException, RuntimeError):
    """A query that failed while running for a reason of its data, e.g. a scalar subquery
    that returned more than one row (PySpark's ``SparkRuntimeException``)."""


class NumberFormatException(EmberSQLException, ValueError):
    """ANSI-mode cast of a malformed string to a number or date."""


class IllegalArgumentException(EmberSQLException, ValueError):
    """An argument Spark's engine refuses, e.g. an unknown explain mode (PySpark's name)."""


class UnsupportedOperationException(EmberSQLException):
    """An operation Spark does not support on this input (PySpark's name)."""


class PythonException(EmberSQLException):
    """A Python function run by a query (a UDF) failed (PySpark's name)."""


# PySpark raises these from its Python layer, before anything runs; Ember raises them where
# PySpark does, so that code catching them by name, and what a traceback prints, carry over.
PySparkException = EmberException


class PySparkValueError(EmberValueError):
    """A bad argument value, refused by the Python API (PySpark's name)."""


class PySparkTypeError(EmberTypeError):
    """An argument of the wrong type, refused by the Python API (PySpark's name)."""


class PySparkRuntimeError(EmberRuntimeError):
    """A state the Python API cannot proceed from (PySpark's name)."""


class PySparkAssertionError(EmberException, AssertionError):
    """A misuse the Python API asserts against, e.g. reading an ``Observation`` never used (PySpark's name)."""


class PySparkIndexError(EmberException, IndexError):
    """An index out of range in the Python API (PySpark's name)."""


class PySparkKeyError(EmberException, KeyError):
    """A key that is not there, e.g. a missing ``Row`` field (PySpark's name)."""


class PySparkAttributeError(EmberException, AttributeError):
    """An attribute that is not there, e.g. a missing column by attribute (PySpark's name)."""


class PySparkNotImplementedError(EmberException, NotImplementedError):
    """An API that exists in PySpark but has no meaning here (PySpark's name)."""


class RemoteTraceback(Exception):
    """Carries a worker-side traceback as text; chained as the ``__cause__`` of a task error."""

    def __init__(self, traceback_text: str) -> None:
        super().__init__(traceback_text)
        self.traceback_text = traceback_text

    def __str__(self) -> str:
        return "\n" + self.traceback_text

    def __reduce__(self):
        return (type(self), (self.traceback_text,))
