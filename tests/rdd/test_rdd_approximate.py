"""Approximate actions: countApprox, sumApprox, meanApprox (``BoundedFloat``), countApproxDistinct.

Expected values of complete jobs were captured from PySpark 4.3 on the same input; partial
results follow Spark's ``SumEvaluator``/``MeanEvaluator`` formulas.
"""

from __future__ import annotations

import math
import time

import pytest

from ember.rdd import BoundedFloat
from ember.rdd.approximate import _confidence_factor, mean_estimate, sum_estimate
from ember.rdd.hyperloglog import HyperLogLog, precision_for
from ember.rdd.numeric import StatCounter


def bounds(value: BoundedFloat) -> tuple[float, float, float, float]:
    return float(value), value.confidence, value.low, value.high


def test_bounded_float_is_a_float_with_confidence_and_bounds():
    value = BoundedFloat(100.0, 0.95, 95.0, 105.0)
    assert repr(value) == "100.0" and value + 1 == 101.0
    assert (value.confidence, value.low, value.high) == (0.95, 95.0, 105.0)


def test_a_job_finished_in_time_gives_the_exact_value_with_full_confidence(sc):
    rdd = sc.parallelize(range(1000), 10)
    assert rdd.countApprox(1000, 1.0) == 1000 and type(rdd.countApprox(1000)) is int
    assert bounds(rdd.sumApprox(1000)) == (499500.0, 1.0, 499500.0, 499500.0)
    assert bounds(rdd.sumApprox(1000, 0.5)) == (499500.0, 1.0, 499500.0, 499500.0)
    assert bounds(rdd.meanApprox(1000)) == (499.5, 1.0, 499.5, 499.5)
    assert type(rdd.sumApprox(1000)) is BoundedFloat


def test_approximate_actions_of_an_empty_rdd_are_zero(sc):
    empty = sc.parallelize([], 2)
    assert empty.countApprox(1000) == 0
    assert bounds(empty.sumApprox(1000)) == (0.0, 1.0, 0.0, 0.0)
    assert bounds(empty.meanApprox(1000)) == (0.0, 1.0, 0.0, 0.0)


def test_a_zero_timeout_answers_at_once_with_no_confidence_and_cancels_the_job(sc):
    slow = sc.parallelize(range(4), 2).map(lambda x: time.sleep(120) or x)
    assert bounds(slow.sumApprox(0)) == (0.0, 0.0, -math.inf, math.inf)
    assert slow.countApprox(-1) == 0
    assert sc.parallelize([1, 2], 2).sum() == 3  # the slots were freed: the jobs were cancelled


def test_partitions_done_by_the_timeout_give_an_estimate(sc):
    def partition(index, iterator):
        if index == 1:
            time.sleep(120)  # never done within the timeout; cancelled afterwards
        return iterator

    rdd = sc.parallelize([1.0, 2.0, 3.0, 4.0], 2).mapPartitionsWithIndex(partition)
    # Spark's SumEvaluator sees one record (partition 0's sum, 3.0): no interval from one record.
    assert bounds(rdd.sumApprox(5_000, 0.9)) == (3.0, 0.9, -math.inf, math.inf)
    # Spark's MeanEvaluator sees the records 1.0 and 2.0.
    mean = rdd.meanApprox(5_000, 0.9)
    factor = 6.313751514675043  # Student's t, 1 degree of freedom, two-sided 90 %
    assert float(mean) == 1.5 and mean.confidence == 0.9
    assert mean.low == pytest.approx(1.5 - factor * 0.5) and mean.high == pytest.approx(1.5 + factor * 0.5)


def test_sum_estimate_scales_the_finished_partitions_as_spark_does():
    counter = StatCounter([10.0, 12.0, 11.0, 13.0])  # sums of 4 of 8 partitions
    estimate = sum_estimate(counter, 4, 8, 0.95)
    p = 0.5
    count_estimate = (4 + 1 - p) / p
    mean_var = counter.sampleVariance() / 4
    count_var = (4 + 1) * (1 - p) / (p * p)
    sum_var = 11.5 ** 2 * count_var + count_estimate ** 2 * mean_var + mean_var * count_var
    factor = 3.182446305284263  # Student's t, 3 degrees of freedom, two-sided 95 %
    assert float(estimate) == pytest.approx(11.5 * count_estimate)
    assert estimate.low == pytest.approx(float(estimate) - factor * math.sqrt(sum_var))
    assert estimate.high == pytest.approx(float(estimate) + factor * math.sqrt(sum_var))


def test_more_than_100_samples_use_the_normal_distribution():
    counter = StatCounter(float(i % 7) for i in range(500))
    estimate = mean_estimate(counter, 3, 4, 0.95)
    stdev = math.sqrt(counter.sampleVariance() / 500)
    assert estimate.high - float(estimate) == pytest.approx(1.959963984540054 * stdev)


@pytest.mark.parametrize("df, confidence, expected", [
    (1, 0.95, 12.706204736174694), (2, 0.99, 9.924843200918287), (10, 0.95, 2.228138851986274),
    (99, 0.8, 1.2901614420344854)])  # scipy.stats.t.ppf(1 - (1 - c) / 2, df)
def test_student_t_quantiles_match_reference_values(df, confidence, expected):
    assert _confidence_factor(df + 1, confidence) == pytest.approx(expected, rel=1e-9)


def test_a_confidence_outside_0_to_1_is_refused_when_an_interval_is_needed():
    with pytest.raises(ValueError, match="confidence must be between 0 and 1"):
        mean_estimate(StatCounter([1.0, 2.0, 4.0]), 1, 2, 1.5)


# --- countApproxDistinct -----------------------------------------------------------------


def test_count_approx_distinct_matches_pyspark_doc_examples(sc):
    assert 900 < sc.parallelize(range(1000)).map(str).countApproxDistinct() < 1100
    assert 16 < sc.parallelize([i % 20 for i in range(1000)]).countApproxDistinct() < 24
    assert sc.parallelize([]).countApproxDistinct() == 0


@pytest.mark.parametrize("relative_sd", [0.01, 0.05, 0.1])
def test_count_approx_distinct_is_within_its_relative_error(sc, relative_sd):
    estimate = sc.parallelize(range(100_000), 4).countApproxDistinct(relative_sd)
    assert abs(estimate - 100_000) / 100_000 < 3 * relative_sd  # three standard deviations


def test_count_approx_distinct_does_not_depend_on_partitioning(sc):
    data = [f"key-{i % 3000}" for i in range(20_000)]
    assert sc.parallelize(data, 1).countApproxDistinct() == sc.parallelize(data, 7).countApproxDistinct()


def test_count_approx_distinct_refuses_a_tiny_relative_sd_with_pysparks_message(sc):
    with pytest.raises(ValueError, match="^relativeSD should be greater than 0.000017$"):
        sc.parallelize([1]).countApproxDistinct(0.00001)


def test_precision_follows_sparks_formula():
    # p = ceil(2 log2(1.054 / relativeSD)), at least 4 (RDD.countApproxDistinct in Spark)
    assert [precision_for(sd) for sd in (0.4, 0.05, 0.01)] == [4, 9, 14]


def test_merged_sketches_count_the_union():
    left, right = HyperLogLog(12), HyperLogLog(12)
    for i in range(3000):
        left.add(i)
    for i in range(2000, 5000):
        right.add(i)
    assert abs(left.merge(right).cardinality() - 5000) < 5000 * 3 * 1.04 / 64
    with pytest.raises(ValueError, match="precision 12 and 10"):
        left.merge(HyperLogLog(10))
