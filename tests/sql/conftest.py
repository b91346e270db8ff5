"""The ``spark`` fixture: a SparkSession over the suite's shared ``sc`` (tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def spark(sc):
    from ember.sql import SparkSession

    session = SparkSession(sc)
    session.conf.set("spark.sql.shuffle.partitions", "3")
    return session
