"""Job tags (``addJobTag`` … ``cancelJobsWithTag``), ``setInterruptOnCancel`` and system
properties, as PySpark 4.3 behaves (messages captured from it)."""

from __future__ import annotations

import os
import threading
import time

import pytest

from ember import JobCancelledError, SparkConf, SparkContext, system_properties


@pytest.fixture
def tags(sc):
    yield sc
    sc.clearJobTags()


def test_tags_are_added_removed_and_cleared_for_the_thread(tags):
    sc = tags
    assert sc.getJobTags() == set()
    sc.addJobTag("t1")
    sc.addJobTag("t2")
    assert sc.getJobTags() == {"t1", "t2"}
    sc.removeJobTag("t1")
    assert sc.getJobTags() == {"t2"} and sc.getLocalProperty("spark.job.tags") == "t2"
    seen = []
    thread = threading.Thread(target=lambda: seen.append(sc.getJobTags()))
    thread.start()
    thread.join()
    assert seen == [set()]
    sc.clearJobTags()
    assert sc.getJobTags() == set()


@pytest.mark.parametrize("tag, message", [
    (None, "Spark job tag cannot be null."), ("", "Spark job tag cannot be an empty string."),
    ("a,b", "Spark job tag cannot contain ','.")])
def test_invalid_tags_are_refused_with_sparks_messages(tags, tag, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        tags.addJobTag(tag)
    with pytest.raises(ValueError, match=f"^{message}$"):
        tags.cancelJobsWithTag(tag)


def test_cancel_jobs_with_tag_stops_the_tagged_running_job_only(sc, tmp_path):
    errors: dict[str, BaseException] = {}
    marker = str(tmp_path / "started")

    def run(tag):
        sc.addJobTag(tag)
        try:
            sc.parallelize(range(1), 1).map(lambda x: (open(marker, "w").close(), time.sleep(120))).collect()
        except BaseException as error:  # noqa: BLE001 - recorded for the assertions
            errors[tag] = error
        finally:
            sc.clearJobTags()

    slow = threading.Thread(target=run, args=("slow",))
    slow.start()
    while not os.path.exists(marker):  # wait until the task runs
        time.sleep(0.05)
    sc.cancelJobsWithTag("other")
    assert sc.parallelize([1, 2]).count() == 2  # the untagged job of this thread is unaffected
    sc.cancelJobsWithTag("slow")
    slow.join()
    error = errors["slow"]
    assert isinstance(error, JobCancelledError)
    assert str(error).startswith("[SPARK_JOB_CANCELLED] Job ")
    assert str(error).endswith(" cancelled part of cancelled job tags slow SQLSTATE: XXKDA")


def test_set_interrupt_on_cancel_is_a_local_property(sc):
    sc.setInterruptOnCancel(True)
    try:
        assert sc.getLocalProperty("spark.job.interruptOnCancel") == "true"
    finally:
        sc.setLocalProperty("spark.job.interruptOnCancel", None)


def test_system_properties_are_process_wide_and_seed_default_confs(monkeypatch):
    monkeypatch.setattr(system_properties, "_properties", {})
    assert SparkContext.getSystemProperty("no.such.prop") is None
    SparkContext.setSystemProperty("my.prop", "v")
    SparkContext.setSystemProperty("spark.ember.test.setting", "42")
    assert SparkContext.getSystemProperty("my.prop") == "v"
    assert SparkConf().get("spark.ember.test.setting") == "42"
    assert SparkConf(loadDefaults=False).get("spark.ember.test.setting") is None
    assert SparkConf().get("my.prop") is None  # only spark.* properties become settings
