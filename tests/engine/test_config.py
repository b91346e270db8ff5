"""Every configuration entry is documented, and the README's table says what the code does."""

from __future__ import annotations

import pathlib

import pytest

from ember import SparkConf, config

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def test_every_entry_has_a_doc_and_a_row_in_the_readme_table():
    text = README.read_text()
    for key, entry in config.ENTRIES.items():
        assert entry.doc.strip(), key
        row = next((line for line in text.splitlines() if line.startswith(f"| `{key}` |")), None)
        assert row is not None, f"README.md configuration table has no row for {key}"
        assert entry.doc in row, f"README.md row for {key} does not carry its doc: {entry.doc!r}"


def test_readme_table_names_no_unknown_key():
    rows = [line for line in README.read_text().splitlines() if line.startswith("| `spark.") or line.startswith("| `ember.")]
    keys = {row.split("`")[1] for row in rows}
    assert keys == set(config.ENTRIES)


@pytest.mark.parametrize("text, expected", [("512m", 512 << 20), ("2g", 2 << 30), ("1024", 1024), ("64k", 64 << 10)])
def test_sizes_parse_like_spark(text, expected):
    assert config.parse_bytes(text) == expected


def test_a_bad_value_names_the_key():
    conf = SparkConf().set("spark.task.maxFailures", "many")
    with pytest.raises(ValueError, match="spark.task.maxFailures"):
        config.TASK_MAX_FAILURES.read(conf)
