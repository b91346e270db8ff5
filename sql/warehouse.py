"""The warehouse: databases and managed tables kept in files, so they outlive the session.

Layout under ``spark.sql.warehouse.dir`` (default ``./spark-warehouse``, as Spark's)::

    _ember_catalog.json          databases and tables (the catalog)
    .ember_catalog.lock          taken (fcntl) around every change of the catalog
    <table>/…                    Parquet files of a table of ``default``
    <db>.db/<table>/k=v/…        a table of database ``db``, partitioned by ``k``

The catalog records each table's schema, partition columns and the exact list of its data
files. A write adds new files beside the old ones (under the commit protocol of
``ember.rdd.commit``) and then, holding the lock, replaces the table's file list in one
atomic rename of the catalog. Readers use only the listed files, so a write that is killed
at any point — during its job, while moving files, before the catalog changes — leaves the
table exactly as it was; files it left behind are listed nowhere. Two sessions on one
warehouse serialise their changes through the lock and each re-reads the catalog under it,
so neither loses the other's change. An ``INSERT OVERWRITE`` deletes the replaced files only
after the new list is in place.

This module stores and loads metadata; ``sql/managed_tables.py`` reads and writes the data.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Iterator

from ember.sql import types as T
from ember.sql.errors import AnalysisException

__all__ = ["Warehouse", "TableInfo", "DEFAULT_DATABASE", "CATALOG_NAME", "schema_not_found",
           "table_not_found_in", "table_already_exists", "qualified", "columns_of"]

DEFAULT_DATABASE = "default"
CATALOG_NAME = "spark_catalog"
_CATALOG_FILE = "_ember_catalog.json"
_LOCK_FILE = ".ember_catalog.lock"
_FORMAT_VERSION = 1


def qualified(database: str, name: str) -> str:
    return f"`{CATALOG_NAME}`.`{database}`.`{name}`"


def schema_not_found(name: str) -> AnalysisException:
    return AnalysisException(
        "SCHEMA_NOT_FOUND",
        f"The schema `{CATALOG_NAME}`.`{name}` cannot be found. Verify the spelling and correctness of the "
        "schema and catalog.\nIf you did not qualify the name with a catalog, verify the current_schema() "
        "output, or qualify the name with the correct catalog.\nTo tolerate the error on drop use DROP SCHEMA "
        "IF EXISTS.", "42704")


def table_not_found_in(database: str, name: str) -> AnalysisException:
    return AnalysisException(
        "TABLE_OR_VIEW_NOT_FOUND",
        f"The table or view {qualified(database, name)} cannot be found. Verify the spelling and correctness "
        f"of the schema and catalog.\nSearch path: [`{CATALOG_NAME}`.`{database}`].\nIf you did not qualify "
        "the name with a schema, verify the current_schema() output, or qualify the name with the correct "
        "schema and catalog.\nTo tolerate the error on drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS.",
        "42P01")


def table_already_exists(qualified_name: str) -> AnalysisException:
    return AnalysisException(
        "TABLE_OR_VIEW_ALREADY_EXISTS", f"Cannot create table or view {qualified_name} because it already exists.\n"
        "Choose a different name, drop or replace the existing object, or add the IF NOT EXISTS clause to "
        "tolerate pre-existing objects.", "42P07")


@dataclass(frozen=True, slots=True)
class TableInfo:
    """One managed table: where it lives, its columns (partition columns last) and its files."""

    database: str
    name: str
    provider: str
    columns: tuple[tuple[str, str, bool], ...]  # (name, type's simpleString, nullable)
    partition_columns: tuple[str, ...]
    location: str
    files: tuple[str, ...] = ()  # relative to location
    table_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created: float = field(default_factory=time.time)
    description: str | None = None  # COMMENT, or createTable's description
    properties: tuple[tuple[str, str], ...] = ()  # as getTableProperties shows them

    def __post_init__(self) -> None:
        names = [c[0].lower() for c in self.columns]
        if len(set(names)) != len(names):
            raise AnalysisException("COLUMN_ALREADY_EXISTS", f"The column `{_first_duplicate(names)}` already "
                                    "exists. Choose another name or rename the existing column.", "42711")

    @property
    def schema(self) -> T.StructType:
        return T.StructType([T.StructField(n, T.parse_datatype_string(t), nullable)
                             for n, t, nullable in self.columns])

    @property
    def data_schema(self) -> T.StructType:
        parts = {p.lower() for p in self.partition_columns}
        return T.StructType([f for f in self.schema.fields if f.name.lower() not in parts])

    @property
    def partition_schema(self) -> T.StructType:
        by_name = {f.name.lower(): f for f in self.schema.fields}
        return T.StructType([by_name[p.lower()] for p in self.partition_columns])

    @property
    def qualified_name(self) -> str:
        return qualified(self.database, self.name)

    def to_json(self) -> dict[str, Any]:
        return {"database": self.database, "name": self.name, "provider": self.provider,
                "columns": [list(c) for c in self.columns], "partition_columns": list(self.partition_columns),
                "location": self.location, "files": list(self.files), "table_id": self.table_id,
                "created": self.created, "description": self.description,
                "properties": [list(p) for p in self.properties]}

    @staticmethod
    def from_json(data: dict[str, Any]) -> TableInfo:
        return TableInfo(data["database"], data["name"], data["provider"],
                         tuple((n, t, bool(nullable)) for n, t, nullable in data["columns"]),
                         tuple(data["partition_columns"]), data["location"], tuple(data["files"]),
                         data["table_id"], data["created"], data.get("description"),
                         tuple((k, v) for k, v in data.get("properties", ())))


def _first_duplicate(names: list[str]) -> str:
    seen: set[str] = set()
    for n in names:
        if n in seen:
            return n
        seen.add(n)
    return ""


def columns_of(schema: T.StructType) -> tuple[tuple[str, str, bool], ...]:
    """A schema as ``TableInfo.columns``; refuses types whose text does not read back."""
    out = []
    for f in schema.fields:
        text = f.dataType.simpleString()
        try:
            ok = T.parse_datatype_string(text) == f.dataType
        except Exception:
            ok = False
        if not ok:
            raise AnalysisException("UNSUPPORTED_DATATYPE", f"Column `{f.name}` of type {text} cannot be stored "
                                    "in a warehouse table (nested field names must be plain identifiers).")
        out.append((f.name, text, f.nullable))
    return tuple(out)


class Warehouse:
    """The catalog file of one warehouse directory; every change holds the lock and re-reads it."""

    def __init__(self, root: str):
        self.root = os.path.abspath(root.removeprefix("file:"))

    # ------------------------------------------------------------------ reading
    def _load(self) -> dict[str, Any]:
        try:
            with open(os.path.join(self.root, _CATALOG_FILE), encoding="utf-8") as f:
                state = json.load(f)
        except FileNotFoundError:
            return {"version": _FORMAT_VERSION, "databases": {DEFAULT_DATABASE: {"description": "default database"}},
                    "tables": {}}
        if state.get("version") != _FORMAT_VERSION:
            raise AnalysisException("UNSUPPORTED_FEATURE", f"The warehouse catalog {self.root}/{_CATALOG_FILE} "
                                    f"has format version {state.get('version')}, this Ember reads {_FORMAT_VERSION}.")
        return state

    def database_location(self, name: str) -> str:
        return self.root if name == DEFAULT_DATABASE else os.path.join(self.root, f"{name}.db")

    def databases(self) -> dict[str, str]:
        """Database name → description."""
        return {name: entry.get("description", "") for name, entry in self._load()["databases"].items()}

    def database_exists(self, name: str) -> bool:
        return name.lower() in self._load()["databases"]

    def table(self, database: str, name: str) -> TableInfo | None:
        entry = self._load()["tables"].get(database.lower(), {}).get(name.lower())
        return TableInfo.from_json(entry) if entry is not None else None

    def tables(self, database: str) -> list[TableInfo]:
        entries = self._load()["tables"].get(database.lower(), {})
        return [TableInfo.from_json(entries[k]) for k in sorted(entries)]

    # ------------------------------------------------------------------ changing
    @contextlib.contextmanager
    def _changing(self) -> Iterator[dict[str, Any]]:
        """The catalog, locked against other sessions; saved atomically when the block ends."""
        os.makedirs(self.root, exist_ok=True)
        with open(os.path.join(self.root, _LOCK_FILE), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                state = self._load()
                yield state
                self._save(state)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _save(self, state: dict[str, Any]) -> None:
        path = os.path.join(self.root, _CATALOG_FILE)
        temporary = f"{path}.{uuid.uuid4().hex}.tmp"
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(state, f, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)

    def create_database(self, name: str, if_not_exists: bool, description: str = "") -> None:
        with self._changing() as state:
            if name.lower() in state["databases"]:
                if if_not_exists:
                    return
                raise AnalysisException(
                    "SCHEMA_ALREADY_EXISTS", f"Cannot create schema `{name}` because it already exists.\nChoose a "
                    "different name, drop the existing schema, or add the IF NOT EXISTS clause to tolerate "
                    "pre-existing schema.", "42P06")
            state["databases"][name.lower()] = {"description": description}
            os.makedirs(self.database_location(name.lower()), exist_ok=True)

    def drop_database(self, name: str, if_exists: bool, cascade: bool) -> list[TableInfo]:
        """Forget database ``name``; returns its tables (dropped with ``cascade``) for their files to go."""
        key = name.lower()
        with self._changing() as state:
            if key not in state["databases"]:
                if if_exists:
                    return []
                raise schema_not_found(name)
            if key == DEFAULT_DATABASE:
                raise AnalysisException("UNSUPPORTED_FEATURE.DROP_DATABASE", "Drop the default database "
                                        "`spark_catalog`.`default` is not allowed.", "0A000")
            tables = [TableInfo.from_json(t) for t in state["tables"].get(key, {}).values()]
            if tables and not cascade:
                raise AnalysisException("SCHEMA_NOT_EMPTY", f"Cannot drop a schema `{name}` because it contains "
                                        "objects.\nUse DROP SCHEMA ... CASCADE to drop the schema and all its "
                                        "objects.", "2BP01")
            del state["databases"][key]
            state["tables"].pop(key, None)
        return tables

    def create_table(self, info: TableInfo, if_not_exists: bool = False) -> bool:
        """Register ``info``; ``False`` when it exists and ``if_not_exists`` (nothing changes)."""
        with self._changing() as state:
            if info.database not in state["databases"]:
                raise schema_not_found(info.database)
            tables = state["tables"].setdefault(info.database, {})
            if info.name.lower() in tables:
                if if_not_exists:
                    return False
                raise table_already_exists(info.qualified_name)
            tables[info.name.lower()] = info.to_json()
        return True

    def commit_files(self, info: TableInfo, added: list[str], overwrite: bool) -> list[str]:
        """Make ``added`` part of the table (replacing its files when ``overwrite``); returns the
        files no longer listed, for the caller to delete."""
        with self._changing() as state:
            entry = state["tables"].get(info.database, {}).get(info.name.lower())
            if entry is None or entry["table_id"] != info.table_id:
                raise AnalysisException("CONCURRENT_MODIFICATION", f"The table {info.qualified_name} was dropped "
                                        "or replaced by another session while this write ran; nothing was written.")
            current = TableInfo.from_json(entry)
            kept = () if overwrite else current.files
            state["tables"][info.database][info.name.lower()] = replace(current, files=kept + tuple(added)).to_json()
        return [f for f in current.files if f not in kept]

    def drop_table(self, database: str, name: str) -> TableInfo | None:
        with self._changing() as state:
            entry = state["tables"].get(database, {}).pop(name.lower(), None)
        return TableInfo.from_json(entry) if entry is not None else None
