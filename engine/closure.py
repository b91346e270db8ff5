"""Serializing task closures, and catching closures that cannot work on a worker.

User functions are serialized with cloudpickle (by value, so lambdas and functions
defined in ``__main__`` or a notebook travel too). A function that captures an RDD or
the SparkContext cannot work on a worker: ``check_closure`` finds that when the
transformation is built and explains it, instead of failing later inside a task.
"""

from __future__ import annotations

import dis
import functools
import sys
import types
from typing import Any

import cloudpickle

from ember.errors import ClosureError

_GLOBAL_LOADS = {"LOAD_GLOBAL", "LOAD_NAME"}

_CONTEXT_MISUSE = (
    "It appears that you are attempting to reference SparkContext from a broadcast "
    "variable, action, or transformation ({where}, via {path}). SparkContext can only be "
    "used on the driver, not in code that runs on workers (see SPARK-5063)."
)
_RDD_MISUSE = (
    "The function passed to {where} refers to the RDD {obj!r} (via {path}). RDD "
    "transformations and actions can only be invoked by the driver, not inside other "
    "transformations; collect() or broadcast what the function needs instead (see SPARK-5063)."
)


def check_closure(func: Any, where: str) -> None:
    """Raise ``ClosureError`` if ``func`` captures an RDD or a SparkContext."""
    if not callable(func):
        raise TypeError(f"{where} expects a function, got {type(func).__name__}: {func!r}")
    seen: set[int] = set()
    stack: list[tuple[Any, str]] = [(func, getattr(func, "__name__", "function"))]
    while stack:
        obj, path = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if getattr(type(obj), "_ember_driver_only", None):
            _raise_misuse(obj, path, where)
        if isinstance(obj, types.FunctionType):
            stack.extend(_captured_values(obj, path))


def _captured_values(func: types.FunctionType, path: str) -> list[tuple[Any, str]]:
    found: list[tuple[Any, str]] = []
    code = func.__code__
    for name, cell in zip(code.co_freevars, func.__closure__ or ()):
        try:
            found.append((cell.cell_contents, f"{path} -> {name}"))
        except ValueError:  # an empty cell
            continue
    for name in _global_names(code):
        if name in func.__globals__:
            found.append((func.__globals__[name], f"{path} -> global {name}"))
    for default in func.__defaults__ or ():
        found.append((default, f"{path} -> default argument"))
    return found


@functools.lru_cache(maxsize=4096)
def _global_names(code: types.CodeType) -> frozenset[str]:
    """The global names ``code`` (and the code nested in it) may load: decoding bytecode is
    slow, and the same functions are checked for every query, so the answer is kept."""
    names = {ins.argval for ins in dis.get_instructions(code) if ins.opname in _GLOBAL_LOADS}
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return frozenset(names)


def _raise_misuse(obj: Any, path: str, where: str) -> None:
    if type(obj)._ember_driver_only == "context":
        raise ClosureError(_CONTEXT_MISUSE.format(where=where, path=path))
    raise ClosureError(_RDD_MISUSE.format(where=where, obj=obj, path=path))


_PICKLE_RECURSION_LIMIT = 20_000


def dumps_closure(obj: Any) -> bytes:
    """Serialize a task closure (a stage's RDD chain, a function) for the workers.

    Pickling recurses once per link of the lineage, and iterative programs build long
    chains, so the recursion limit is raised while pickling.
    """
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, _PICKLE_RECURSION_LIMIT))
    try:
        return cloudpickle.dumps(obj, protocol=5)
    except ClosureError:
        raise
    except Exception as exc:
        raise ClosureError(
            f"cannot serialize the task closure: {type(exc).__name__}: {exc}. Every function "
            f"passed to a transformation, and everything it refers to, must be picklable "
            f"(a lock, an open file or a socket is not)") from exc
    finally:
        sys.setrecursionlimit(limit)
