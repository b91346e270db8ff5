"""Fixtures for scheduler tests: just enough of a SparkContext to build RDDs without one."""

from __future__ import annotations

import itertools

import pytest

from ember.conf import SparkConf


class FakeContext:
    """Just enough of a SparkContext to build RDDs."""

    def __init__(self) -> None:
        self._conf = SparkConf()
        self._rdd_ids = itertools.count()
        self._shuffle_ids = itertools.count()
        self.defaultParallelism = 2

    def new_rdd_id(self) -> int:
        return next(self._rdd_ids)

    def new_shuffle_id(self) -> int:
        return next(self._shuffle_ids)

    def release_shuffle(self, shuffle_id: int) -> None:
        """These tests keep their RDDs alive; nothing to clean."""


@pytest.fixture
def context() -> FakeContext:
    return FakeContext()
