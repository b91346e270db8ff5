"""Hash functions give Spark's exact values: ``hash`` (Murmur3) and ``xxhash64`` (XXH64), seeded
with 42, per type; ``md5``, ``sha1``, ``sha2``, ``crc32``. Expected values were taken from PySpark 4.3."""

from __future__ import annotations

import pytest

from ember.errors import AnalysisException
from ember.sql import functions as F

COLUMNS = ["i", "l", "d", "z", "s", "u", "b", "a", "n"]
NAMES = ['hash(i)', 'hash(l)', 'hash(d)', 'hash(z)', 'hash(s)', 'hash(u)', 'hash(b)', 'hash(a)', 'hash(n)',
 'hash(i, s, n, d)', 'xxhash64(i)', 'xxhash64(l)', 'xxhash64(d)', 'xxhash64(z)', 'xxhash64(s)', 'xxhash64(u)',
 'xxhash64(b)', 'xxhash64(a)', 'xxhash64(n)', 'xxhash64(i, s, n, d)', 'md5(s)', 'sha1(u)', 'sha2(s, 256)',
 'sha2(s, 384)', 'crc32(u)']
ROWS = [
    (-559580957, -1596767687, 1290763749, -1670924195, 1322437556, 1314255310, -559580957, -222940379, 42,
 -1702017628, -6698625589789238999, 1821704621099523357, 7738255526519901366, -5252525462095825812,
 1423657621850124518, 2406465911071473609, -6698625589789238999, -8133857028838179022, 42,
 -9141143154296765076, '900150983cd24fb0d6963f7d28e17f72', 'd7f0f6e13ec8f844b9a4ec8d21c613b9ba9d7b57',
 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
 1719268189),
    (-1618159745, -939490007, -1281358385, -1320637846, 142593372, -80340190, 933211791, 42, 1023896466,
 -682073200, 4987848727247274714, 3858142552250413010, -3127944061524951246, -8073554725560254556,
 -7444071767201028348, -5636050478767222463, 3614696996920510707, 42, 504019808641096632,
 -5285458150026303287, 'd41d8cd98f00b204e9800998ecf8427e', '11f6ad8ec52a2984abaafd7c3b516503785c2072',
 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
 '38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b',
 2363233923),
]


@pytest.fixture(scope="module")
def df(spark):
    return spark.createDataFrame(
        [(1, 2**40, 1.5, -0.0, "abc", "héllo wörld, a longer string of 40+ bytes!!", True, [1, 2], None),
         (-7, -1, float("nan"), 3.25, "", "x", False, [], 5)],
        "i int, l bigint, d double, z double, s string, u string, b boolean, a array<int>, n int")


def test_hashes_of_each_type_match_spark(df):
    out = df.select(*[F.hash(c) for c in COLUMNS], F.hash("i", "s", "n", "d"), *[F.xxhash64(c) for c in COLUMNS],
                    F.xxhash64("i", "s", "n", "d"), F.md5("s"), F.sha1("u"), F.sha2("s", 256), F.sha2("s", 384),
                    F.crc32("u"))
    assert out.columns == NAMES
    assert [tuple(r) for r in out.collect()] == ROWS


def test_hashes_in_sql_match_spark(spark):
    row = spark.sql("SELECT hash(1), hash('Spark'), xxhash64('Spark', array(123), 2), hash(NULL), md5('Spark'), "
                    "sha2('a', 7), xxhash64(true), hash(array(1, NULL)), hash(cast(1 as bigint))").collect()[0]
    assert tuple(row) == (-559580957, 228093765, 5602566077635097486, 42, "8cde774d6f7333752ed72cacddb05126", None,
                          -6698625589789238999, -559580957, -1712319331)


def test_hash_of_a_map_is_refused_with_sparks_error_class(spark):
    with pytest.raises(AnalysisException, match="HASH_MAP_TYPE"):
        spark.sql("SELECT hash(map(1, 2))")


def test_sha2_with_an_unknown_length_is_refused(df):
    with pytest.raises(ValueError, match="VALUE_NOT_ALLOWED"):
        F.sha2("s", 7)
