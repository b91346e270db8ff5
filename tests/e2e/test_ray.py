"""The ``ray`` master on a Ray cluster of three nodes on this machine (a CPU-less head, two 1-CPU nodes).

Jobs run with one executor per node; shuffles cross nodes; an executor killed, or a node
removed, mid-job is recovered from lineage and the result equals the fault-free one. The
module's cluster is started once (``ray_cluster`` in tests/conftest.py) and shut down after.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from operator import add

import pytest

from ember import JobCancelledError
from tests.e2e.cleanup import stop_and_assert_clean

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'ember[ray]'): the ray master is not tested")

pytestmark = pytest.mark.slow

TEXT = [f"w{i % 13} w{i % 7} w{i % 3} ember" for i in range(3000)]
EXPECTED_COUNTS = Counter(word for line in TEXT for word in line.split())


@pytest.fixture
def ray_context(ray_cluster, make_context, tmp_path):
    """A ``ray`` SparkContext whose scratch files all go under ``tmp_path``."""

    def make(**settings):
        return make_context("ray", {"spark.local.dir": str(tmp_path), **settings})

    return make


def word_count(context, partitions=4):
    return (context.parallelize(TEXT, partitions).flatMap(str.split).map(lambda w: (w, 1))
            .reduceByKey(add, 3))


def map_output_nodes(context, shuffle_id):
    nodes = context._backend.executor_nodes()
    return {nodes[status.executor_id] for status in context._dag.tracker.statuses_by_shuffle[shuffle_id]}


def test_word_count_runs_on_one_executor_per_node_and_shuffles_across_nodes(ray_context, tmp_path):
    context = ray_context()
    assert context.defaultParallelism == 2
    assert len(set(context._backend.executor_nodes().values())) == 2
    counts = word_count(context)
    assert dict(counts.collect()) == EXPECTED_COUNTS
    # Map outputs were written on both nodes, and every reducer read every map output.
    assert len(map_output_nodes(context, counts.shuffle_dependency.shuffle_id)) == 2
    stop_and_assert_clean(context, tmp_path)


def test_a_cap_on_bytes_in_flight_smaller_than_a_block_splits_fetches_and_results_stay_exact(ray_context, tmp_path):
    context = ray_context(**{"spark.reducer.maxSizeInFlight": "1"})  # every answer holds one block
    pairs = context.parallelize(range(20_000), 6).map(lambda i: (i % 101, i))
    assert dict(pairs.reduceByKey(add, 2).collect()) == {k: sum(range(k, 20_000, 101)) for k in range(101)}
    stop_and_assert_clean(context, tmp_path)


def test_a_cached_iterative_job_reuses_the_executors_cached_blocks(ray_context, tmp_path):
    context = ray_context()
    links = context.parallelize([(i, [(i + 1) % 40, (i * 7) % 40]) for i in range(40)], 4).cache()
    ranks = links.mapValues(lambda _: 1.0)
    for _ in range(4):
        contributions = links.join(ranks).flatMap(
            lambda item: [(dest, item[1][1] / len(item[1][0])) for dest in item[1][0]])
        ranks = contributions.reduceByKey(add, 4).mapValues(lambda rank: 0.15 + 0.85 * rank)
    result = dict(ranks.collect())
    expected = {i: 1.0 for i in range(40)}
    for _ in range(4):
        incoming = Counter()
        for i in range(40):
            for dest in ((i + 1) % 40, (i * 7) % 40):
                incoming[dest] += expected[i] / 2
        expected = {i: 0.15 + 0.85 * incoming[i] for i in range(40) if i in incoming}
    assert result.keys() == expected.keys()
    assert all(abs(result[k] - expected[k]) < 1e-9 for k in expected)
    assert all(context.block_manager_master.locations(links.id(), split) for split in range(4))
    stop_and_assert_clean(context, tmp_path)


def test_a_dataframe_query_on_ray_equals_the_expected_rows(ray_cluster, tmp_path, monkeypatch):
    from ember import SparkContext
    from ember.sql import SparkSession
    from ember.sql import functions as F

    monkeypatch.setattr(SparkSession, "_active", None)  # the suite's shared session and context
    monkeypatch.setattr(SparkContext, "_active", None)  # come back when the test ends
    spark = (SparkSession.builder.master("ray").config("spark.local.dir", str(tmp_path))
             .config("spark.sql.shuffle.partitions", "3").config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    try:
        orders = spark.createDataFrame([(i, i % 5, float(i)) for i in range(200)], ["id", "customer", "amount"])
        customers = spark.createDataFrame([(c, f"c{c}") for c in range(5)], ["customer", "name"])
        rows = (orders.join(customers, "customer").groupBy("name")
                .agg(F.count("*").alias("n"), F.sum("amount").alias("total")).orderBy("name").collect())
    finally:
        spark.stop()
    assert [(r.name, r.n, r.total) for r in rows] == [
        (f"c{c}", 40, float(sum(i for i in range(200) if i % 5 == c))) for c in range(5)]
    assert os.listdir(tmp_path) == []


def test_an_executor_killed_mid_job_is_replaced_and_its_outputs_recomputed(ray_context, tmp_path):
    fault = [{"stage": 1, "partition": 0, "action": "sigkill"}]
    context = ray_context(**{"ember.testing.faults": json.dumps(fault)})
    before = set(context.executor_pids())
    assert dict(word_count(context).collect()) == EXPECTED_COUNTS
    deadline = time.monotonic() + 60
    while len(context.executor_pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    after = set(context.executor_pids())
    assert len(after) == 2 and after != before  # one executor was replaced
    stop_and_assert_clean(context, tmp_path)


def _slow_sum(values):
    time.sleep(1.5)
    return sum(values)


def test_a_node_removed_mid_job_loses_its_executors_and_the_job_still_succeeds(ray_cluster, ray_context, tmp_path):
    context = ray_context()
    nodes = context._backend.executor_nodes()
    victim = next(node for node in ray_cluster.worker_nodes if node.node_id in nodes.values())
    result: dict = {}
    job = threading.Thread(target=lambda: result.update(
        sums=word_count(context).mapPartitions(lambda it: [_slow_sum(v for _, v in it)]).collect()))
    job.start()
    time.sleep(1.0)  # the map stage is done (its tasks take milliseconds); the reducers sleep 1.5 s each
    ray_cluster.remove_node(victim)
    job.join(timeout=120)
    try:
        assert sum(result["sums"]) == sum(EXPECTED_COUNTS.values())  # what the fault-free run returns
        assert victim.node_id not in context._backend.executor_nodes().values()
    finally:
        context.stop()
        ray_cluster.add_node(num_cpus=1)  # the next test's cluster has two 1-CPU nodes again
        ray_cluster.wait_for_nodes()
    # Only the removed node's directory is left: nothing of that node could clean it.
    assert len(os.listdir(tmp_path)) <= 1


def test_a_payload_without_the_applications_hmac_is_refused(ray_context, tmp_path):
    context = ray_context()
    backend = context._backend
    executor_id = next(iter(backend.executor_pids()))
    forged = bytes(32) + b"any pickle at all"
    with pytest.raises(ray.exceptions.RayTaskError, match="refused a task: its HMAC does not match"):
        ray.get(backend._handle(executor_id).run_task.options(concurrency_group="task").remote(forged))
    assert context.parallelize(range(10), 2).sum() == 45  # the executor refused it and goes on
    stop_and_assert_clean(context, tmp_path)


def _spin(started):
    def spin(x):
        (started / str(x)).touch()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            pass
        return x
    return spin


def _sleep(started):
    def sleep(x):
        (started / str(x)).touch()
        time.sleep(60)
        return x
    return sleep


def _cancel_once_running(context, started, count):
    """Cancel the job group as soon as ``count`` tasks are inside their function, however slowly
    the executors start."""
    def wait_then_cancel():
        deadline = time.monotonic() + 60
        while len(os.listdir(started)) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        context.cancelJobGroup("slow")
    threading.Thread(target=wait_then_cancel, daemon=True).start()


@pytest.mark.parametrize("body, reason", [(_spin, "TaskKilled"), (_sleep, "ExecutorLostFailure")],
                         ids=["flag", "ray.kill"])
def test_cancelling_a_job_stops_its_tasks_by_flag_or_by_killing_the_actor(ray_context, tmp_path, tmp_path_factory,
                                                                          body, reason):
    from ember.scheduler.listener import SparkListener

    ends: list[str] = []

    class Ends(SparkListener):
        def on_task_end(self, stage, outcome) -> None:
            ends.append(type(outcome.reason).__name__)

    started = tmp_path_factory.mktemp("started")
    context = ray_context()
    context.add_listener(Ends())
    context.setJobGroup("slow", "spins or sleeps")
    _cancel_once_running(context, started, 2)
    with pytest.raises(JobCancelledError, match="job group slow"):
        context.parallelize(range(2), 2).map(body(started)).collect()
    assert ends == [reason, reason]  # a blocked task ignores the flag; its actor is killed after 2 s
    context.setLocalProperty("spark.jobGroup.id", None)
    assert context.parallelize(range(4), 2).map(lambda x: x + 1).collect() == [1, 2, 3, 4]
    stop_and_assert_clean(context, tmp_path)


def test_embers_code_can_reach_the_nodes_through_the_runtime_env(ray_context, tmp_path):
    context = ray_context(**{"ember.ray.shipCode": "true"})
    files = context.parallelize([0], 1).map(lambda _: __import__("ember").__file__).collect()
    assert "runtime_resources" in files[0]
    assert dict(word_count(context).collect()) == EXPECTED_COUNTS
    stop_and_assert_clean(context, tmp_path)
