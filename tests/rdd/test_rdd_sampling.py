"""Random sampling: sample, randomSplit and takeSample.

The exact values depend on the random number generator, so these tests check the
properties PySpark guarantees: the fraction is roughly respected on large inputs,
sampling without replacement never repeats an element, the same seed gives the same
result, randomSplit partitions the data exactly, and takeSample returns exactly the
requested number of elements. Misuse (negative fraction, negative weights, negative
sample size) raises ValueError.
"""

from __future__ import annotations

from collections import Counter

import pytest

N = 4000
DATA = list(range(N))


@pytest.mark.parametrize("fraction", [0.1, 0.5])
@pytest.mark.parametrize("num_slices", [1, 4])
def test_sample_without_replacement_is_a_subset_of_about_the_right_size(sc, fraction, num_slices):
    result = sc.parallelize(DATA, num_slices).sample(False, fraction, seed=7).collect()
    assert len(set(result)) == len(result)
    assert set(result) <= set(DATA)
    # Binomial(N, fraction): five standard deviations either side.
    sd = (N * fraction * (1 - fraction)) ** 0.5
    assert abs(len(result) - N * fraction) < 5 * sd


def test_sample_without_replacement_keeps_partition_order(sc):
    result = sc.parallelize(DATA, 4).sample(False, 0.3, seed=3).collect()
    assert result == sorted(result)


@pytest.mark.parametrize("fraction", [0.5, 2.0])
def test_sample_with_replacement_can_repeat_elements(sc, fraction):
    result = sc.parallelize(DATA, 4).sample(True, fraction, seed=11).collect()
    assert set(result) <= set(DATA)
    assert max(Counter(result).values()) > 1
    # Poisson(fraction) per element: the total is Poisson(N * fraction).
    assert abs(len(result) - N * fraction) < 5 * (N * fraction) ** 0.5


def test_sample_with_same_seed_gives_same_result(sc):
    rdd = sc.parallelize(DATA, 4)
    for with_replacement in (False, True):
        a = rdd.sample(with_replacement, 0.2, seed=42).collect()
        b = rdd.sample(with_replacement, 0.2, seed=42).collect()
        assert a == b


def test_sample_with_different_seeds_gives_different_results(sc):
    rdd = sc.parallelize(DATA, 4)
    assert rdd.sample(False, 0.5, seed=1).collect() != rdd.sample(False, 0.5, seed=2).collect()


def test_sample_is_stable_across_actions_on_the_same_rdd(sc):
    sampled = sc.parallelize(DATA, 4).sample(False, 0.25, seed=5)
    assert sampled.collect() == sampled.collect()
    assert sampled.count() == len(sampled.collect())


def test_sample_fraction_zero_is_empty_and_one_without_replacement_is_everything(sc):
    rdd = sc.parallelize(range(100), 3)
    assert rdd.sample(False, 0.0, seed=1).collect() == []
    assert rdd.sample(False, 1.0, seed=1).collect() == list(range(100))


def test_sample_of_empty_rdd_is_empty(sc):
    assert sc.parallelize([], 3).sample(True, 0.5, seed=1).collect() == []


def test_sample_with_negative_fraction_raises_value_error(sc):
    with pytest.raises(ValueError):
        sc.parallelize(DATA, 2).sample(False, -0.1).collect()


# --- randomSplit -----------------------------------------------------------------------------


@pytest.mark.parametrize("weights", [[1, 1], [0.2, 0.3, 0.5], [3.0, 1.0], [1, 0, 2]])
def test_random_split_partitions_the_data_exactly(sc, weights):
    data = [(i % 17, f"v{i}") for i in range(N)]
    splits = sc.parallelize(data, 4).randomSplit(weights, seed=13)
    assert len(splits) == len(weights)
    pieces = [s.collect() for s in splits]
    assert Counter(x for p in pieces for x in p) == Counter(data)
    total = sum(weights)
    for piece, w in zip(pieces, weights):
        p = w / total
        sd = (N * p * (1 - p)) ** 0.5
        assert abs(len(piece) - N * p) <= 5 * sd + 1e-9


def test_random_split_with_duplicates_keeps_every_copy(sc):
    data = ["same"] * 300 + ["other"] * 10
    a, b = sc.parallelize(data, 3).randomSplit([0.5, 0.5], seed=1)
    assert Counter(a.collect()) + Counter(b.collect()) == Counter(data)


def test_random_split_with_same_seed_is_reproducible(sc):
    rdd = sc.parallelize(DATA, 4)
    first = [s.collect() for s in rdd.randomSplit([0.4, 0.6], seed=99)]
    second = [s.collect() for s in rdd.randomSplit([0.4, 0.6], seed=99)]
    assert first == second


def test_random_split_with_negative_weight_raises_value_error(sc):
    with pytest.raises(ValueError):
        sc.parallelize(DATA, 2).randomSplit([0.5, -0.5], seed=1)


def test_random_split_with_zero_total_weight_raises_value_error(sc):
    with pytest.raises(ValueError):
        sc.parallelize(DATA, 2).randomSplit([0, 0], seed=1)


# --- takeSample ---------------------------------------------------------------------------------


@pytest.mark.parametrize("num", [0, 1, 10, 29, 30])
@pytest.mark.parametrize("num_slices", [1, 4, 40])
def test_take_sample_without_replacement_returns_num_distinct_elements(sc, num, num_slices):
    data = [f"x{i}" for i in range(30)]
    result = sc.parallelize(data, num_slices).takeSample(False, num, seed=17)
    assert isinstance(result, list)
    assert len(result) == num
    assert len(set(result)) == num
    assert set(result) <= set(data)


def test_take_sample_without_replacement_larger_than_rdd_returns_everything(sc):
    data = list(range(30))
    result = sc.parallelize(data, 3).takeSample(False, 100, seed=1)
    assert sorted(result) == data


@pytest.mark.parametrize("num", [5, 100])
def test_take_sample_with_replacement_returns_exactly_num_elements(sc, num):
    data = list(range(20))
    result = sc.parallelize(data, 3).takeSample(True, num, seed=5)
    assert len(result) == num
    assert set(result) <= set(data)


def test_take_sample_with_same_seed_gives_same_result(sc):
    rdd = sc.parallelize(DATA, 4)
    assert rdd.takeSample(False, 25, seed=2024) == rdd.takeSample(False, 25, seed=2024)
    assert rdd.takeSample(True, 25, seed=2024) == rdd.takeSample(True, 25, seed=2024)


def test_take_sample_on_empty_rdd_returns_empty_list(sc):
    assert sc.parallelize([], 3).takeSample(False, 5, seed=1) == []
    assert sc.emptyRDD().takeSample(True, 5, seed=1) == []


def test_take_sample_with_negative_num_raises_value_error(sc):
    with pytest.raises(ValueError):
        sc.parallelize(DATA, 2).takeSample(False, -1, seed=1)
