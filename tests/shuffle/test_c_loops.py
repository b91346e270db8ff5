"""The loops in C (``ember.shuffle._loops``, ``ember.serialization._int_pairs``) against their
Python references.

``fold_python`` is the loop every by-key aggregation ran before the C version existed; the
C fold and ``KeyTable`` must leave the same dict (same keys in the same order, values of the
same types) and raise the same exception with the same message, for every record a user can
produce. ``scatter`` must route records as the writer's Python loop did.
"""

from __future__ import annotations

import collections
import itertools
import operator
import signal

import pytest
from hypothesis import given, settings, strategies as st

from ember.shuffle import aggregator
from ember.shuffle.aggregator import Aggregator, Combiners, fold, fold_python, identity
from ember.serialization.serializers import PickleSerializer, record_serializer
from ember.shuffle.writer import scatter_python

_loops = pytest.importorskip("ember.shuffle._loops", reason="built without a C compiler (see test_c_module.py)")
_int_pairs = pytest.importorskip("ember.serialization._int_pairs", reason="built without a C compiler")

Pair = collections.namedtuple("Pair", "key value")


class StrSubclass(str):
    """Equal to the str it was made from, so it must find that str's combiner."""


class ReversedPair(tuple):
    """A tuple that iterates in reverse: Python's unpacking sees (value, key)."""

    def __iter__(self):
        return iter(reversed(tuple.__getitem__(self, slice(None))))


def exact(combined: dict) -> list:
    """The dict's items in order with each value's type, so 2 and 2.0 and True differ."""
    return [(key, type(value), value) for key, value in combined.items()]


def outcome(fn, records, create, merge, into=None):
    combined = dict(into or {})
    try:
        fn(records, combined, create, merge)
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome being compared
        return exact(combined), type(exc), str(exc)
    return exact(combined), None, None


keys = st.one_of(st.integers(-3, 3), st.sampled_from(["a", "b", "ü"]), st.none(), st.booleans(),
                 st.tuples(st.integers(0, 2)), st.floats(allow_nan=False, width=16))
values = st.one_of(st.integers(), st.booleans(), st.floats(allow_nan=False), st.text(max_size=3),
                   st.lists(st.integers(), max_size=2))
pairs = st.one_of(st.tuples(keys, values), st.lists(keys | values, min_size=2, max_size=2),
                  st.builds(Pair, keys, values))
odd_records = st.one_of(st.integers(), st.none(), st.text(max_size=3), st.tuples(keys),
                        st.tuples(keys, values, values), st.lists(keys, max_size=3),
                        st.builds(ReversedPair, st.tuples(keys, st.integers())),
                        st.tuples(st.lists(st.integers(), max_size=1), values))  # an unhashable key
merges = st.sampled_from([None, operator.add, lambda a, b: a + b, lambda a, b: b, max])
creates = st.sampled_from([None, str, lambda v: [v]])


@settings(max_examples=300, deadline=None)
@given(st.lists(pairs | odd_records, max_size=30), creates, merges,
       st.dictionaries(keys, st.integers(), max_size=3))
def test_c_fold_matches_the_python_loop_on_any_records(records, create, merge, into):
    assert outcome(fold, records, create, merge, into) == outcome(fold_python, records, create, merge, into)


def test_adding_ints_bools_and_floats_keeps_pythons_types():
    records = [("k", True), ("k", 1.5), ("b", True), ("i", 2), ("i", 3)]
    combined = fold(records, {}, None, None)
    assert exact(combined) == [("k", float, 2.5), ("b", bool, True), ("i", int, 5)]


def test_create_and_merge_build_combiners_like_combine_by_key():
    combined = fold([("a", 1), ("b", 2), ("a", 3)], {}, lambda v: [v], lambda c, v: c + [v])
    assert combined == {"a": [1, 3], "b": [2]}


def test_pairs_may_be_lists_namedtuples_and_other_two_item_iterables():
    records = [["a", 1], Pair("a", 2), "b3", iter(("c", 4)), ReversedPair((5, "r"))]
    assert fold(records, {}, None, None) == {"a": 3, "b": "3", "c": 4, "r": 5}


def test_a_record_that_is_not_a_pair_raises_pythons_unpacking_error():
    with pytest.raises(TypeError, match="cannot unpack non-iterable int object"):
        fold([("a", 1), 5], {}, None, None)
    with pytest.raises(ValueError, match=r"too many values to unpack \(expected 2\)"):
        fold([("a", 1, 2)], {}, None, None)


def test_an_unhashable_key_raises_and_keeps_what_was_folded_before_it():
    combined: dict = {}
    with pytest.raises(TypeError, match="unhashable type: 'list'"):
        fold([("a", 1), ([1], 2), ("a", 5)], combined, None, None)
    assert combined == {"a": 1}


def test_an_exception_from_the_merge_function_propagates_unchanged():
    def merge(current, value):
        raise LookupError(f"cannot merge {current} and {value}")

    combined: dict = {}
    with pytest.raises(LookupError, match="cannot merge 1 and 2"):
        fold([("a", 1), ("a", 2)], combined, None, merge)
    assert combined == {"a": 1}


def test_the_fold_consumes_an_iterator_only_as_far_as_it_got():
    records = iter([("a", 1), ("a", "x"), ("b", 2)])
    with pytest.raises(TypeError):
        fold(records, {}, None, None)  # 1 + "x" fails on the second record
    assert list(records) == [("b", 2)]


def test_a_signal_handler_interrupts_a_fold_over_a_c_iterator():
    class Interrupted(Exception):
        pass

    def interrupt(signum, frame):
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, interrupt)
    combined: dict = {}
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.02)
        with pytest.raises(Interrupted):  # zip and repeat run no Python code between records
            fold(zip(range(20_000_000), itertools.repeat(1)), combined, None, None)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert 0 < len(combined) < 20_000_000


def test_fold_needs_a_plain_dict():
    with pytest.raises(TypeError, match="needs a dict to fold into, not collections.OrderedDict"):
        aggregator._fold_in_c(collections.OrderedDict(), [], None, None)


@pytest.mark.parametrize("implementation", [fold, fold_python])
def test_word_count_matches_counter(implementation):
    words = "the cat and the hat and the bat".split()
    assert implementation(((w, 1) for w in words), {}, None, None) == collections.Counter(words)


def test_the_aggregator_passes_identity_and_operator_add_as_the_fast_forms(monkeypatch):
    seen = []
    monkeypatch.setattr(aggregator, "fold", lambda pairs, into, create, merge: seen.append((create, merge)) or into)
    Aggregator(identity, operator.add, operator.add).combine_values([])
    Aggregator(str, max, operator.add).combine_values([])
    Aggregator(identity, operator.add, max).combine_combiners([])
    assert seen == [(None, None), (str, max), (None, max)]


# --- KeyTable and Combiners: the ExternalAggregator's map -------------------------------------

def combiners_outcome(batches, create, merge):
    """Fold ``batches`` one after another into Combiners, as the ExternalAggregator does."""
    combiners = Combiners()
    try:
        for batch in batches:
            combiners.fold(batch, create, merge)
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome being compared
        return exact(combiners.as_dict()), type(exc), str(exc)
    return exact(combiners.as_dict()), None, None


def dict_outcome(batches, create, merge):
    combined: dict = {}
    try:
        for batch in batches:
            fold_python(batch, combined, create, merge)
    except Exception as exc:  # noqa: BLE001
        return exact(combined), type(exc), str(exc)
    return exact(combined), None, None


table_keys = st.one_of(st.text(max_size=12), st.sampled_from(["a", "é", "\U0001F600", "ab" * 9, "", "0"]))
table_values = st.one_of(st.integers(-5, 5), st.integers(), st.sampled_from([2**62, -2**63, 2**64]),
                         st.floats(allow_nan=False, allow_infinity=True), st.sampled_from([0.1, -0.0, 1e308]))
foreign = st.one_of(st.booleans(), st.floats(allow_nan=False), st.none(), st.integers(),
                    st.tuples(st.integers(0, 2)), st.builds(StrSubclass, st.sampled_from(["a", "é"])))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.one_of(st.tuples(table_keys, table_values), st.tuples(table_keys, values),
                                   st.tuples(foreign, st.integers()), odd_records), max_size=25),
                max_size=4),
       creates, merges)
def test_combiners_match_the_python_loop_whatever_the_keys_and_values(batches, create, merge):
    assert combiners_outcome(batches, create, merge) == dict_outcome(batches, create, merge)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(table_keys, table_values), max_size=400))
def test_integer_sums_stay_exact_past_64_bits(records):
    assert combiners_outcome([records], None, None) == dict_outcome([records], None, None)


def test_sums_overflowing_64_bits_continue_as_python_ints():
    combiners = Combiners()
    combiners.fold([("k", 2**63 - 1), ("k", 1), ("k", -1), ("m", -2**63), ("m", -1)], None, None)
    assert exact(combiners.as_dict()) == [("k", int, 2**63 - 1), ("m", int, -2**63 - 1)]


def test_float_sums_are_pythons_float_additions_in_the_same_order():
    values = [0.1, 0.2, 0.3, 1e16, 1.0, -1e16, float("inf")]
    combiners = Combiners()
    combiners.fold([("x", v) for v in values[:-1]] + [("y", v) for v in values], None, None)
    expected_x = 0.1 + 0.2 + 0.3 + 1e16 + 1.0 + -1e16
    assert exact(combiners.as_dict()) == [("x", float, expected_x), ("y", float, float("inf"))]


def test_an_int_then_a_float_for_one_key_is_pythons_int_plus_float():
    combiners = Combiners()
    combiners.fold([("k", 2**62), ("k", 2**62), ("k", 0.5), ("f", 0.5), ("f", 1)], None, None)
    assert exact(combiners.as_dict()) == [("k", float, 2**62 + 2**62 + 0.5), ("f", float, 1.5)]


def test_a_str_subclass_key_equal_to_a_str_key_lands_on_the_same_combiner():
    combiners = Combiners()
    combiners.fold([("one", 10), (1, 1), (StrSubclass("one"), 5), ("one", 2)], None, None)
    assert exact(combiners.as_dict()) == [("one", int, 17), (1, int, 1)]


def test_equal_strings_of_different_objects_are_one_key():
    word = "".join(["wo", "rd"])  # a distinct object from the literal
    combiners = Combiners()
    combiners.fold([("word", 1), (word, 2), ("wörd", 4), ("wörd"[:4], 8)], None, None)
    assert combiners.as_dict() == {"word": 3, "wörd": 12}


def test_combiners_answer_get_len_and_clear():
    combiners = Combiners()
    combiners.fold(((f"k{i % 1000}", 1) for i in range(10_000)), None, None)
    assert len(combiners) == 1000 and combiners.get("k7") == 10 and combiners.get("nope", 0) == 0
    assert combiners.nbytes > 1000 * 8
    snapshot = combiners.as_dict()
    combiners.clear()
    assert len(combiners) == 0 and combiners.get("k7") is None and len(snapshot) == 1000


def test_combiners_hold_list_combiners_for_group_by_key():
    combiners = Combiners()
    combiners.fold([("a", 1), ("b", 2), ("a", 3)], lambda v: [v], lambda c, v: c + [v])
    combiners.fold([("a", 4)], lambda v: [v], lambda c, v: c + [v])
    assert combiners.as_dict() == {"a": [1, 3, 4], "b": [2]}


def test_a_combiner_cycle_through_the_table_is_collected():
    import gc
    import weakref

    class Node:
        pass

    combiners = Combiners()
    node = Node()
    node.combiners = combiners  # the combiner refers back to the table that holds it
    combiners.fold([("k", node)], None, lambda c, v: c)
    alive = weakref.ref(node)
    del node, combiners
    gc.collect()
    assert alive() is None


@pytest.mark.parametrize("length", [7, 8, 15, 16, 17, 40])
def test_keys_that_differ_only_in_their_last_character_stay_apart(length):
    keys = ["x" * (length - 1) + last for last in "ab"] + ["é" * (length - 1) + last for last in "ab"]
    keys += ["\U0001F600" * (length - 1) + last for last in "ab"]
    records = [(key, i) for i, key in enumerate(keys)] * 3
    combiners = Combiners()
    combiners.fold(records, None, None)
    assert combiners.as_dict() == fold_python(records, {}, None, None)
    assert len(combiners) == 6


def test_without_the_c_module_the_python_loops_give_the_same_answers(monkeypatch):
    records = [("a", 1), (1, 2), ("a", 3), (1.0, 4), ("b", 2**70), ("b", 1)]
    expected = fold_python(records, {}, None, None)
    monkeypatch.setattr(aggregator, "_fold_in_c", None)
    monkeypatch.setattr(aggregator, "_KeyTable", None)
    combiners = Combiners()
    combiners.fold(records[:3], None, None)
    combiners.fold(records[3:], None, None)
    assert exact(combiners.as_dict()) == exact(expected)
    assert exact(Aggregator(identity, operator.add, operator.add).combine_values(records)) == exact(expected)
    combiners.clear()
    assert len(combiners) == 0


# --- scatter: the writer's routing ------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(), st.text(max_size=2)), max_size=60), st.integers(1, 7), st.randoms())
def test_scatter_appends_each_record_to_its_partitions_bucket_in_order(records, partitions, rng):
    ids = [rng.randrange(partitions) for _ in records]
    expected = [["already here"] + [r for r, i in zip(records, ids) if i == p] for p in range(partitions)]
    for scatter in (_loops.scatter, scatter_python):
        buckets = [["already here"] for _ in range(partitions)]
        scatter(records, ids, buckets)
        assert buckets == expected


@pytest.mark.parametrize("ids, error, message", [
    ([0, 2], IndexError, r"partition id 2 of record 1 is not in \[0, 2\)"),
    ([0, -1], IndexError, r"partition id -1 of record 1"),
    ([0], ValueError, "got 2 records but 1 partition ids"),
    ([0, "1"], TypeError, "an integer is required|cannot be interpreted as an integer"),
])
def test_scatter_rejects_ids_that_name_no_bucket(ids, error, message):
    with pytest.raises(error, match=message):
        _loops.scatter([("a", 1), ("b", 2)], ids, [[], []])


# --- pack_int_pairs: batches of (int, int) records without pickle ------------------------------


int64s = st.integers(-2**63, 2**63 - 1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(int64s, int64s), min_size=1, max_size=50))
def test_a_batch_of_int_pairs_is_packed_and_reads_back_as_the_same_tuples(batch):
    packed = _int_pairs.pack_int_pairs(batch)
    assert packed[0] == 0 and len(packed) == 16 + 16 * len(batch)
    assert exact(dict(enumerate(_int_pairs.unpack_int_pairs(packed)))) == exact(dict(enumerate(batch)))
    for serializer in (record_serializer(True), record_serializer(False)):
        back = serializer.loads(serializer.dumps(batch))
        assert back == batch and all(type(r) is tuple and type(r[0]) is int and type(r[1]) is int for r in back)


@pytest.mark.parametrize("batch", [
    [(1, 2), (3, True)],            # a bool is not an int here: it must come back a bool
    [(1, 2), (3, 2**63)],           # beyond 64 bits
    [(1, 2), (3, 4.0)],
    [(1, 2), [3, 4]],               # a list record must come back a list
    [(1, 2), Pair(3, 4)],           # so must a namedtuple
    [(1, 2, 3)],
    [("a", 1)],
    [],
])
def test_any_other_batch_is_pickled_and_keeps_its_types(batch):
    assert _int_pairs.pack_int_pairs(batch) is None
    serializer = record_serializer()
    back = serializer.loads(serializer.dumps(batch))
    assert back == batch and [type(r) for r in back] == [type(r) for r in batch]
    assert [list(map(type, r)) for r in back] == [list(map(type, r)) for r in batch]


def test_files_a_user_keeps_are_plain_pickle():
    assert PickleSerializer().dumps([(1, 2)])[0] == 0x80


@pytest.mark.parametrize("damage", [lambda b: b[:20], lambda b: b[:8], lambda b: b"\x00\x02" + b[2:]])
def test_a_damaged_batch_of_int_pairs_is_refused(damage):
    with pytest.raises(ValueError, match="int pairs"):
        _int_pairs.unpack_int_pairs(damage(_int_pairs.pack_int_pairs([(1, 2), (3, 4)])))
