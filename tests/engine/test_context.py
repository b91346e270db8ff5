"""SparkContext lifecycle: worker processes, masters, cleanup, misuse."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from ember import SparkConf, SparkContext
from ember.context import parse_master
from ember.errors import ContextStoppedError, EmberValueError


def _pid_once_another_worker_runs(rendezvous):
    """Each task records its worker's pid, then waits until some other worker has run one:
    one worker cannot take every task, however the machine's load delays the other."""
    def pid(_):
        (rendezvous / str(os.getpid())).touch()
        deadline = time.monotonic() + 30
        while len(os.listdir(rendezvous)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        return os.getpid()
    return pid


def test_work_runs_in_more_than_one_worker_process(sc, tmp_path):
    pids = set(sc.parallelize(range(8), 8).map(_pid_once_another_worker_runs(tmp_path)).collect())
    assert len(pids) >= 2
    assert os.getpid() not in pids
    assert pids <= set(sc.executor_pids().values())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().split()[2] != "Z"


def test_stop_leaves_no_worker_process_and_no_temp_files(make_context, tmp_path):
    context = make_context("local[2]", {"spark.local.dir": str(tmp_path)})
    pairs = context.parallelize(range(1000), 4).map(lambda x: (x % 7, x))
    assert dict(pairs.reduceByKey(lambda a, b: a + b).collect())[0] == sum(range(0, 1000, 7))
    context.broadcast(list(range(100)))
    pids = list(context.executor_pids().values())
    session_dirs = os.listdir(tmp_path)
    assert len(session_dirs) == 1
    assert os.stat(tmp_path / session_dirs[0]).st_mode & 0o777 == 0o700
    context.stop()
    assert not any(_alive(pid) for pid in pids)
    assert os.listdir(tmp_path) == []


def test_interpreter_exit_without_stop_cleans_up(tmp_path):
    script = f"""
import os
from ember import SparkConf, SparkContext
sc = SparkContext("local[2]", "exit", conf=SparkConf().set("spark.local.dir", {str(tmp_path)!r}))
print(" ".join(str(p) for p in sc.executor_pids().values()))
print(sc.parallelize(range(10)).sum())
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    pids_line, total = result.stdout.split("\n")[:2]
    assert total == "45"
    assert not any(_alive(int(pid)) for pid in pids_line.split())
    assert os.listdir(tmp_path) == []


def test_context_manager_stops_and_context_cannot_be_used_after(make_context):
    context = make_context("local[1]")
    with context:
        assert context.parallelize([1, 2, 3]).count() == 3
    with pytest.raises(ContextStoppedError, match="stopped SparkContext"):
        context.parallelize([1]).count()


def test_only_one_active_context(sc):
    with pytest.raises(ValueError, match="Cannot run multiple SparkContexts at once"):
        SparkContext("local[1]", "second")
    assert SparkContext.getOrCreate() is sc


@pytest.mark.parametrize("master, workers, failures", [
    ("local", 1, None), ("local[3]", 3, None), ("local[2,5]", 2, 5), ("local[*]", os.cpu_count(), None),
])
def test_master_urls_parse_like_spark(master, workers, failures):
    spec = parse_master(master)
    assert (spec.num_workers, spec.max_failures) == (workers, failures)


def test_unknown_master_is_rejected_with_the_supported_forms():
    with pytest.raises(EmberValueError, match="Could not parse Master URL: 'yarn'.*local\\[N\\]"):
        parse_master("yarn")


def test_the_ray_master_parses_and_without_ray_says_how_to_install_it(sc, monkeypatch, tmp_path):
    assert parse_master("ray").ray
    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    for module in ("ember.scheduler.backends.ray", "ember.executor.ray_executor"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    monkeypatch.setattr(SparkContext, "_active", None)
    conf = SparkConf().set("spark.local.dir", str(tmp_path))
    with pytest.raises(EmberValueError, match=r"the 'ray' master needs Ray, which is not installed: "
                                              r"pip install 'ember\[ray\]'"):
        SparkContext("ray", "no-ray", conf=conf)
    assert os.listdir(tmp_path) == []


def test_inline_master_runs_tasks_in_the_driver(make_context):
    context = make_context("inline")
    assert set(context.parallelize(range(10), 3).map(lambda _: os.getpid()).collect()) == {os.getpid()}
    pairs = context.parallelize(["a", "b", "a"], 2).map(lambda w: (w, 1))
    assert sorted(pairs.reduceByKey(lambda a, b: a + b).collect()) == [("a", 2), ("b", 1)]


def test_conf_and_properties(sc):
    conf = SparkConf().setMaster("local[2]").setAppName("x").set("k", 1)
    assert conf.get("k") == "1" and conf.get("missing", "d") == "d"
    assert conf.contains("spark.master") and ("spark.app.name", "x") in conf.getAll()
    assert sc.defaultParallelism == 2 and sc.defaultMinPartitions == 2
    sc.setLocalProperty("k", "v")
    assert sc.getLocalProperty("k") == "v"
    sc.setLocalProperty("k", None)
    assert sc.getLocalProperty("k") is None


def test_set_log_level_rejects_unknown_levels(sc):
    sc.setLogLevel("WARN")
    with pytest.raises(ValueError, match="did not match one of"):
        sc.setLogLevel("LOUD")


def test_job_group_can_be_set_and_described(sc):
    sc.setJobGroup("group-1", "counting", interruptOnCancel=True)
    try:
        assert sc.parallelize(range(5)).count() == 5
        assert sc.getLocalProperty("spark.jobGroup.id") == "group-1"
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)


def test_scratch_files_are_private_to_the_user(make_context, tmp_path):
    context = make_context("local[2]", {"spark.local.dir": str(tmp_path)})
    pairs = context.parallelize([(i % 5, i) for i in range(1000)], 3)
    assert len(pairs.groupByKey().collect()) == 5
    pairs.persist(__import__("ember").StorageLevel.DISK_ONLY).count()
    context.broadcast("secret")
    modes = {}
    for root, dirs, files in os.walk(context.session_dir):
        for name in dirs:
            modes[os.path.join(root, name)] = os.stat(os.path.join(root, name)).st_mode & 0o777
        for name in files:
            modes[os.path.join(root, name)] = os.stat(os.path.join(root, name)).st_mode & 0o777
    assert any("shuffle" in path for path in modes) and any("blocks" in path for path in modes)
    loose = {path: oct(mode) for path, mode in modes.items() if mode & 0o077}
    assert loose == {}


def test_nothing_listens_on_any_socket_in_local_mode(sc):
    psutil = pytest.importorskip("psutil")
    assert sc.parallelize(range(100), 4).map(lambda x: (x % 3, x)).reduceByKey(lambda a, b: a + b).count() == 3
    driver = psutil.Process()
    workers = [psutil.Process(pid) for pid in sc.executor_pids().values()]
    listening = [conn for proc in [driver, *workers] for conn in proc.net_connections(kind="inet")
                 if conn.status == psutil.CONN_LISTEN]
    assert listening == []


def _has_sql_loaded(_):
    import sys

    return "ember.sql" in sys.modules


def test_workers_preload_the_dataframe_layer_when_the_driver_uses_it(make_context):
    import ember.sql  # noqa: F401  (what a SparkSession imports)

    context = make_context("local[2]")
    deadline = time.monotonic() + 30
    loaded = []
    while time.monotonic() < deadline:
        loaded = context.parallelize(range(4), 4).map(_has_sql_loaded).collect()
        if all(loaded):
            break
        time.sleep(0.1)
    assert all(loaded)


def test_ember_is_quiet_unless_asked_and_set_log_level_shows_its_log(tmp_path):
    script = """
import logging, sys
from ember import SparkConf, SparkContext
sc = SparkContext("local[1,2]", conf=SparkConf().set("spark.ui.showConsoleProgress", "false"))
def fail(x):
    raise ValueError("boom")
for attempt in range(2):
    try:
        sc.parallelize([1], 1).map(fail).collect()
    except ValueError:
        pass
    if attempt == 0:
        print("---", file=sys.stderr, flush=True)
        sc.setLogLevel("WARN")
sc.stop()
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    quiet, loud = result.stderr.split("---", 1)
    assert "lost task" not in quiet
    assert "WARNING ember.scheduler.dag_scheduler: lost task" in loud


def _local_properties_seen_by_the_task(_):
    from ember import TaskContext

    context = TaskContext.get()
    return context.getLocalProperty("app.step"), context.getLocalProperty("spark.jobGroup.id")


def test_tasks_read_the_local_properties_of_the_thread_that_started_their_job(sc):
    sc.setLocalProperty("app.step", "load")
    sc.setJobGroup("nightly", "the nightly run")
    try:
        seen = sc.parallelize(range(4), 4).map(_local_properties_seen_by_the_task).collect()
    finally:
        sc.setLocalProperty("app.step", None)
        sc.setLocalProperty("spark.jobGroup.id", None)
        sc.setLocalProperty("spark.job.description", None)
    assert seen == [("load", "nightly")] * 4
    assert sc.parallelize([0], 1).map(_local_properties_seen_by_the_task).collect() == [(None, None)]
