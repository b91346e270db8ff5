"""Numeric actions, checked against ``statistics``, ``bisect`` and builtins.

Covers sum, mean, max, min (with key), stdev, variance, sampleStdev, sampleVariance,
stats (the StatCounter's fields, merge, mergeStats, copy, asDict) and histogram with an
int bucket count and with explicit buckets, including PySpark's edge rules: the last
bucket is closed, values outside the range, ``None`` and NaN are ignored, and bad
bucket specifications raise.
"""

from __future__ import annotations

import bisect
import math
import statistics

import pytest

PARTITION_COUNTS = [1, 3, 20]
DATA = [2.5, -1.0, 4.0, 4.0, 10.25, 0.0, 7.5, 3.0]
INTS = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_sum_and_mean_match_python(sc, num_slices):
    rdd = sc.parallelize(DATA, num_slices)
    assert rdd.sum() == pytest.approx(sum(DATA))
    assert rdd.mean() == pytest.approx(statistics.fmean(DATA))


def test_sum_of_ints_is_exact_and_sum_of_empty_rdd_is_zero(sc):
    assert sc.parallelize(INTS, 3).sum() == sum(INTS)
    assert sc.parallelize([], 3).sum() == 0
    assert sc.emptyRDD().sum() == 0


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_max_and_min_match_python(sc, num_slices):
    rdd = sc.parallelize(INTS, num_slices)
    assert (rdd.max(), rdd.min()) == (max(INTS), min(INTS))


def test_max_and_min_with_key(sc):
    words = ["kiwi", "fig", "banana", "plum", "apple"]
    rdd = sc.parallelize(words, 2)
    assert rdd.max(key=len) == max(words, key=len)
    assert rdd.min(key=len) == min(words, key=len)
    assert rdd.max() == max(words)
    assert rdd.min(key=lambda w: w[::-1]) == min(words, key=lambda w: w[::-1])


def test_max_and_min_on_empty_rdd_raise_value_error(sc):
    with pytest.raises(ValueError):
        sc.parallelize([], 2).max()
    with pytest.raises(ValueError):
        sc.emptyRDD().min()


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_population_and_sample_dispersion_match_statistics(sc, num_slices):
    rdd = sc.parallelize(DATA, num_slices)
    assert rdd.variance() == pytest.approx(statistics.pvariance(DATA))
    assert rdd.stdev() == pytest.approx(statistics.pstdev(DATA))
    assert rdd.sampleVariance() == pytest.approx(statistics.variance(DATA))
    assert rdd.sampleStdev() == pytest.approx(statistics.stdev(DATA))


def test_dispersion_of_a_single_value(sc):
    rdd = sc.parallelize([42.0], 3)
    assert rdd.variance() == 0.0
    assert rdd.stdev() == 0.0
    assert math.isnan(rdd.sampleVariance())
    assert math.isnan(rdd.sampleStdev())


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
def test_stats_reports_every_statcounter_field(sc, num_slices):
    s = sc.parallelize(DATA, num_slices).stats()
    assert s.count() == len(DATA)
    assert s.mean() == pytest.approx(statistics.fmean(DATA))
    assert s.sum() == pytest.approx(sum(DATA))
    assert s.min() == min(DATA)
    assert s.max() == max(DATA)
    assert s.variance() == pytest.approx(statistics.pvariance(DATA))
    assert s.sampleVariance() == pytest.approx(statistics.variance(DATA))
    assert s.stdev() == pytest.approx(statistics.pstdev(DATA))
    assert s.sampleStdev() == pytest.approx(statistics.stdev(DATA))


def test_stats_of_ints(sc):
    s = sc.parallelize(INTS, 4).stats()
    assert (s.count(), s.min(), s.max()) == (len(INTS), min(INTS), max(INTS))
    assert s.sum() == pytest.approx(sum(INTS))


def test_stats_of_rdd_with_only_empty_partitions_has_zero_count(sc):
    s = sc.parallelize([], 3).stats()
    assert s.count() == 0
    assert math.isnan(s.variance())


def test_stat_counter_merge_adds_one_value(sc):
    s = sc.parallelize(DATA, 3).stats()
    assert s.merge(100.0) is s
    extended = DATA + [100.0]
    assert s.count() == len(extended)
    assert s.mean() == pytest.approx(statistics.fmean(extended))
    assert s.max() == 100.0
    assert s.variance() == pytest.approx(statistics.pvariance(extended))


def test_stat_counter_merge_stats_combines_two_counters(sc):
    other = [50.0, -7.0, 3.5]
    s = sc.parallelize(DATA, 2).stats()
    t = sc.parallelize(other, 3).stats()
    assert s.mergeStats(t) is s
    both = DATA + other
    assert s.count() == len(both)
    assert s.sum() == pytest.approx(sum(both))
    assert (s.min(), s.max()) == (min(both), max(both))
    assert s.sampleVariance() == pytest.approx(statistics.variance(both))
    assert t.count() == len(other)  # the argument is left unchanged


def test_stat_counter_copy_is_independent(sc):
    s = sc.parallelize(DATA, 2).stats()
    c = s.copy()
    c.merge(1000.0)
    assert s.count() == len(DATA)
    assert c.count() == len(DATA) + 1


def test_stat_counter_as_dict_has_summary_fields(sc):
    d = sc.parallelize(DATA, 2).stats().asDict()
    assert set(d) == {"count", "mean", "sum", "min", "max", "stdev", "variance"}
    assert d["count"] == len(DATA)
    assert d["sum"] == pytest.approx(sum(DATA))
    assert d["mean"] == pytest.approx(statistics.fmean(DATA))
    assert (d["min"], d["max"]) == (min(DATA), max(DATA))


# --- histogram ------------------------------------------------------------------------------


def expected_counts(values, buckets):
    """Counts per bucket: [b0, b1), [b1, b2), ..., [b_{n-1}, b_n] (last bucket closed)."""
    counts = [0] * (len(buckets) - 1)
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        if v < buckets[0] or v > buckets[-1]:
            continue
        i = bisect.bisect_right(buckets, v) - 1
        counts[min(i, len(counts) - 1)] += 1
    return counts


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
@pytest.mark.parametrize(
    "buckets", [[0, 5, 25, 50], [0, 15, 30, 45, 60], [10, 20], (0, 10, 20, 30, 40, 50)]
)
def test_histogram_with_explicit_buckets(sc, num_slices, buckets):
    data = list(range(51))
    result_buckets, counts = sc.parallelize(data, num_slices).histogram(buckets)
    assert list(result_buckets) == list(buckets)
    assert counts == expected_counts(data, buckets)


def test_histogram_last_bucket_is_closed_and_out_of_range_values_are_dropped(sc):
    data = [-5, 0, 9.99, 10, 19, 20, 20.0001, 100]
    _, counts = sc.parallelize(data, 3).histogram([0, 10, 20])
    assert counts == [2, 3]
    assert counts == expected_counts(data, [0, 10, 20])


def test_histogram_ignores_none_and_nan(sc):
    data = [1.0, None, float("nan"), 2.0, 3.0, None]
    assert sc.parallelize(data, 2).histogram([0, 2, 4])[1] == [1, 2]
    buckets, counts = sc.parallelize(data, 2).histogram(2)
    assert buckets == [1.0, 2.0, 3.0]
    assert counts == [1, 2]


def test_histogram_with_string_buckets(sc):
    data = ["ab", "ac", "b", "bd", "ef"]
    assert sc.parallelize(data, 2).histogram(("a", "b", "c")) == (("a", "b", "c"), [2, 2])


def test_histogram_with_explicit_buckets_on_empty_rdd_counts_zero(sc):
    assert sc.parallelize([], 2).histogram([0, 1, 2]) == ([0, 1, 2], [0, 0])


@pytest.mark.parametrize("num_slices", PARTITION_COUNTS)
@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_histogram_with_bucket_count_spans_min_to_max_evenly(sc, num_slices, n):
    data = [3, 8, 8, 12, 15, 21, 27, 33, 33, 40, 7.5]
    buckets, counts = sc.parallelize(data, num_slices).histogram(n)
    lo, hi = min(data), max(data)
    assert len(buckets) == n + 1
    assert buckets == pytest.approx([lo + i * (hi - lo) / n for i in range(n)] + [hi])
    assert buckets[-1] == hi
    assert counts == expected_counts(data, buckets)
    assert sum(counts) == len(data)


def test_histogram_with_bucket_count_keeps_integer_boundaries_when_exact(sc):
    buckets, counts = sc.parallelize(range(51), 3).histogram(2)
    assert buckets == [0, 25, 50]
    assert all(isinstance(b, int) for b in buckets)
    assert counts == [25, 26]


def test_histogram_of_constant_data_is_one_bucket(sc):
    assert sc.parallelize([4, 4, 4], 2).histogram(5) == ([4, 4], [3])


@pytest.mark.parametrize("bad", [0, -1])
def test_histogram_with_bucket_count_below_one_raises_value_error(sc, bad):
    with pytest.raises(ValueError):
        sc.parallelize([1, 2, 3], 2).histogram(bad)


@pytest.mark.parametrize(
    "bad", [[1], [], [3, 1, 2], [1, 1, 2], [0, None, 2], [0, float("nan"), 2]],
    ids=["one_value", "empty", "unsorted", "duplicate", "none", "nan"],
)
def test_histogram_with_bad_explicit_buckets_raises_value_error(sc, bad):
    with pytest.raises(ValueError):
        sc.parallelize([1, 2, 3], 2).histogram(bad)


def test_histogram_with_non_numeric_bucket_spec_raises_type_error(sc):
    with pytest.raises(TypeError):
        sc.parallelize([1, 2, 3], 2).histogram("10")


def test_histogram_with_bucket_count_on_empty_rdd_raises_value_error(sc):
    with pytest.raises(ValueError):
        sc.parallelize([], 2).histogram(3)


def test_histogram_with_infinite_value_raises_value_error(sc):
    with pytest.raises(ValueError):
        sc.parallelize([1.0, float("inf")], 2).histogram(2)
