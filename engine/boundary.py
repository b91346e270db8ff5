"""The boundary between the user's code and Ember's: tracebacks that end at the user's line.

A job's error (the user's own exception from a task, or a job failure) is raised on the
driver deep inside Ember; every Ember frame it passes on its way out would be shown to the
user. ``public_api`` wraps a class's public methods so that such an error leaves Ember
with a fresh traceback: the user sees their own lines, one line of Ember, the error, its
note and the worker's traceback as its cause. Errors from Ember's own code keep their
whole traceback, since they are for Ember's developers.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, TypeVar

C = TypeVar("C", bound=type)

_JOB_ERROR = "_ember_job_error"


def mark_job_error(error: BaseException) -> BaseException:
    """Flag ``error`` as the outcome of a job, to be shown without Ember's frames."""
    try:
        setattr(error, _JOB_ERROR, True)
    except AttributeError:  # an exception type that takes no attributes keeps its frames
        pass
    return error


def _at_boundary(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except BaseException as error:
            if getattr(error, _JOB_ERROR, False):
                raise error.with_traceback(None) from error.__cause__
            raise
    return call


def public_api(cls: C) -> C:
    """Wrap every public method ``cls`` has (its own and inherited) at the boundary."""
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if not name.startswith("_") and not inspect.isgeneratorfunction(member):
            setattr(cls, name, _at_boundary(member))
    return cls
