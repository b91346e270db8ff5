"""Shared fixtures: one ``local[2]`` SparkContext for the whole run, and a fresh one on demand.

Worker processes are real, so the shared context keeps the suite fast; tests that need
their own settings (or that stop a context) use ``make_context``, which always stops
what it made.
"""

from __future__ import annotations

import pytest

from ember import SparkConf, SparkContext


@pytest.fixture(scope="session")
def sc():
    conf = SparkConf().set("spark.ui.showConsoleProgress", "false")
    context = SparkContext("local[2]", "ember-tests", conf=conf)
    yield context
    context.stop()


@pytest.fixture
def make_context(sc):
    """Build a context with its own settings; the shared one is paused and restored."""
    made: list[SparkContext] = []

    def make(master: str = "local[2]", settings: dict[str, object] | None = None) -> SparkContext:
        conf = SparkConf().set("spark.ui.showConsoleProgress", "false")
        conf.setAll((settings or {}).items())
        SparkContext._active = None
        context = SparkContext(master, "ember-test-own", conf=conf)
        made.append(context)
        return context

    yield make
    for context in made:
        context.stop()
    SparkContext._active = sc
