"""Every CAST between 17 types, in ANSI mode and without it, against PySpark 4.3's answers.

``fixtures/cast_matrix.json`` holds what PySpark 4.3 (``spark.sql.session.timeZone=UTC``) gives
for ``CAST(value AS target)`` for a few representative values of each source type (NULL,
boundaries, negatives, fractions, malformed strings, NaN and infinities): the result's type and
value, the runtime error's condition, or the analysis error refusing the pair. It is regenerated
by ``fixtures/capture_cast_matrix.py``; this test needs no JVM. Ember must give the same type and
value, or fail with the same condition.
"""

from __future__ import annotations

import decimal
import importlib.util
import json
from pathlib import Path

import pytest

from ember.errors import AnalysisException, EmberException

FIXTURES = Path(__file__).parent / "fixtures"
MATRIX = json.loads((FIXTURES / "cast_matrix.json").read_text())
_spec = importlib.util.spec_from_file_location("capture_cast_matrix", FIXTURES / "capture_cast_matrix.py")
capture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(capture)

# PySpark computes these, but its Python client cannot collect them: datetimes before year 1 or
# after year 9999 raise ValueError in PySpark's conversion. Nothing to compare against.
UNCOLLECTABLE = "ValueError"


def _outcome(spark, sql: str) -> list[dict]:
    """Each column's type and value, or the query's error condition (as the fixture records them)."""
    try:
        df = spark.sql(sql)
        row = df.collect()[0]
    except EmberException as e:
        return [{"error": e.getCondition(), "message": str(e)}]
    except Exception as e:  # noqa: BLE001 -- a raw error is itself the mismatch to report
        return [{"error": f"raw {type(e).__name__}", "message": str(e)}]
    return [{"type": f.dataType.simpleString(), "value": capture.encode(v)} for f, v in zip(df.schema.fields, row)]


def _select(casts: list[tuple[str, str]]) -> str:
    return "SELECT " + ", ".join(f"CAST(({value}) AS {target}) AS c{i}" for i, (value, target) in enumerate(casts))


def _same(expected: dict, got: dict) -> bool:
    if "error" in expected:
        return got.get("error") == expected["error"]
    return got.get("type") == expected["type"] and json.dumps(got.get("value")) == json.dumps(expected["value"])


def ember_mismatches(spark, ansi: str) -> dict[str, tuple[dict, dict]]:
    """``"ansi|source|target[#i]"`` → (PySpark's outcome, Ember's) wherever they differ."""
    mismatches: dict[str, tuple[dict, dict]] = {}
    for source in MATRIX["types"]:
        values = MATRIX["values"][source]
        computed: list[tuple[str, dict]] = []  # (key, expected) of the casts PySpark computed, run in one query
        for target in MATRIX["types"]:
            key = f"{ansi}|{source}|{target}"
            expected = MATRIX["casts"][key]
            if "analysis_error" in expected:
                wanted = {"error": expected["analysis_error"]}
                got = _outcome(spark, _select([(values[0], target)]))[0]
                if not _same(wanted, got) or _mismatch_text(expected["message"]) != _mismatch_text(got["message"]):
                    mismatches[key] = (expected, got)
                continue
            for i, result in enumerate(expected["results"]):
                if result.get("error") == UNCOLLECTABLE:
                    continue
                if "error" in result:
                    got = _outcome(spark, _select([(values[i], target)]))[0]
                    if not _same(result, got):
                        mismatches[f"{key}#{i}"] = (result, got)
                else:
                    computed.append((f"{key}#{i}", result))
        casts = [(values[int(k.split("#")[1])], k.split("|")[2].split("#")[0]) for k, _ in computed]
        batch = _outcome(spark, _select(casts)) if casts else []
        if len(batch) != len(casts):  # the query failed: find the casts that fail, one at a time
            batch = [_outcome(spark, _select([c]))[0] for c in casts]
        for (key, expected), got in zip(computed, batch):
            if not _same(expected, got):
                mismatches[key] = (expected, got)
    return mismatches


def _mismatch_text(message: str) -> str:
    """The part of a DATATYPE_MISMATCH message after the expression's text: ``cannot cast "A" to "B"...``."""
    return message.split("due to data type mismatch: ", 1)[-1].split(" SQLSTATE")[0].strip()


@pytest.fixture(params=["true", "false"], ids=["ansi", "legacy"])
def ansi_mode(spark, request):
    before = spark.conf.get("spark.sql.ansi.enabled")
    spark.conf.set("spark.sql.ansi.enabled", request.param)
    try:
        yield request.param
    finally:
        if before is None:
            spark.conf.unset("spark.sql.ansi.enabled")
        else:
            spark.conf.set("spark.sql.ansi.enabled", before)


def test_every_cast_gives_pyspark_value_type_or_error(spark, ansi_mode):
    assert ember_mismatches(spark, ansi_mode) == {}


def test_a_timestamp_is_whole_seconds_as_an_integer_and_exact_seconds_otherwise(spark):
    row = spark.sql("SELECT CAST(TIMESTAMP '2020-01-01 10:00:00.5' AS LONG) AS l, "
                    "CAST(TIMESTAMP '1969-12-31 23:59:59.5' AS LONG) AS floor, "
                    "CAST(TIMESTAMP '2020-01-01 10:00:00.5' AS INT) AS i, "
                    "CAST(TIMESTAMP '2020-01-01 10:00:00.5' AS DOUBLE) AS d, "
                    "CAST(TIMESTAMP '2020-01-01 10:00:00.5' AS DECIMAL(20,3)) AS dec").collect()[0]
    # PySpark 4.3: 1577872800, -1, 1577872800, 1577872800.5, Decimal('1577872800.500')
    assert tuple(row) == (1577872800, -1, 1577872800, 1577872800.5, decimal.Decimal("1577872800.500"))


def test_a_timestamp_ntz_to_bigint_is_refused_with_spark_message(spark):
    with pytest.raises(AnalysisException) as info:
        spark.sql("SELECT CAST(TIMESTAMP_NTZ '2020-01-01 00:00:00' AS BIGINT)")
    # PySpark 4.3's message, up to its SQLSTATE
    assert str(info.value).split(" SQLSTATE")[0] == (
        "[DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION] Cannot resolve \"CAST(TIMESTAMP_NTZ '2020-01-01 00:00:00' AS "
        "BIGINT)\" due to data type mismatch: cannot cast \"TIMESTAMP_NTZ\" to \"BIGINT\".")


def test_a_column_cast_is_checked_when_the_dataframe_is_built(spark):
    df = spark.sql("SELECT DATE '2020-01-01' AS d")
    with pytest.raises(AnalysisException, match="CAST_WITH_FUNC_SUGGESTION") as info:
        df.select(df.d.cast("int"))
    # PySpark 4.3: the suggested function
    assert "you can use the functions `UNIX_DATE` instead" in str(info.value)


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC", "GMT", "Z", "+00:00", "UTC+00:00"])
def test_a_utc_session_time_zone_is_accepted(spark, zone):
    try:
        spark.conf.set("spark.sql.session.timeZone", zone)
        assert spark.sql("SELECT hour(TIMESTAMP '2020-01-01 10:00:00')").collect()[0][0] == 10
    finally:
        spark.conf.unset("spark.sql.session.timeZone")


def test_another_session_time_zone_is_refused_when_a_query_is_analysed_and_utc_restores_it(spark):
    df = spark.sql("SELECT TIMESTAMP '2020-01-01 10:00:00' AS t")
    try:
        spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")  # accepted, as in PySpark
        assert spark.conf.get("spark.sql.session.timeZone") == "America/Los_Angeles"
        with pytest.raises(AnalysisException, match="UNSUPPORTED_FEATURE") as info:
            spark.sql("SELECT hour(TIMESTAMP '2020-01-01 10:00:00')")
        assert "spark.sql.session.timeZone" in str(info.value) and "'America/Los_Angeles'" in str(info.value)
        assert "UTC" in str(info.value)
        with pytest.raises(AnalysisException, match="UNSUPPORTED_FEATURE"):
            df.collect()  # built before the zone changed: refused when it runs
        spark.conf.set("spark.sql.session.timeZone", "UTC")
        assert df.selectExpr("hour(t)").collect()[0][0] == 10
    finally:
        spark.conf.unset("spark.sql.session.timeZone")
