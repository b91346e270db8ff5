"""Shared fixtures: one ``local[2]`` SparkContext for the whole run, and a fresh one on demand.

Worker processes are real, so the shared context keeps the suite fast; tests that need
their own settings (or that stop a context) use ``make_context``, which always stops
what it made.
"""

from __future__ import annotations

import os

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



@pytest.fixture(scope="module")
def ray_cluster():
    """A Ray cluster on this machine for one test module: a CPU-less head and two 1-CPU nodes.

    ``RAY_ADDRESS`` names it while the module runs, so the ``ray`` master joins it. Ray is
    heavy on a small machine, so each module that needs it starts one and shuts it down.
    """
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'ember[ray]'): the ray master is not tested")
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "include_dashboard": False})
    previous = os.environ.get("RAY_ADDRESS")
    try:
        for _ in range(2):
            cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        os.environ["RAY_ADDRESS"] = cluster.address
        yield cluster
    finally:
        if previous is None:
            os.environ.pop("RAY_ADDRESS", None)
        else:
            os.environ["RAY_ADDRESS"] = previous
        cluster.shutdown()
