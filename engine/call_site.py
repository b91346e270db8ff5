"""Call sites: the user's own line that built an RDD or plan node.

Evaluation is lazy, so an error surfaces at an action far from the line that built the
faulty step. Every RDD records where the user created it, as Spark's UI names
``map at wordcount.py:12``; errors, ``toDebugString`` and progress bars show it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CallSite:
    method: str
    filename: str
    lineno: int

    @property
    def label(self) -> str:
        return f"{self.method} at {os.path.basename(self.filename)}:{self.lineno}"


_BOUNDARY_MODULE = "ember.boundary"


def is_ember_module(module_name: str) -> bool:
    return module_name == "ember" or module_name.startswith("ember.")


def capture_call_site() -> CallSite:
    """The first frame outside Ember, and the Ember method the user called there."""
    frame = sys._getframe(1)
    method = frame.f_code.co_name
    while frame is not None and is_ember_module(module := frame.f_globals.get("__name__", "")):
        if module != _BOUNDARY_MODULE:  # the public-API wrapper is not the method the user called
            method = frame.f_code.co_name
        frame = frame.f_back
    if frame is None:
        return CallSite(method, "<unknown>", 0)
    return CallSite(method, frame.f_code.co_filename, frame.f_lineno)
