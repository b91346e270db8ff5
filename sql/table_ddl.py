"""``SHOW CREATE TABLE`` text of a warehouse table, as Spark 4.3 prints it (``getCreateTableString``)."""

from __future__ import annotations

import re

from ember.sql import types as T
from ember.sql.warehouse import CATALOG_NAME, TableInfo

__all__ = ["create_table_string", "sql_type"]

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _name(name: str) -> str:
    return name if _PLAIN.fullmatch(name) else "`" + name.replace("`", "``") + "`"


def sql_type(dt: T.DataType) -> str:
    """A type in Spark's DDL, strings with their (only) collation: ``MAP<STRING COLLATE UTF8_BINARY, INT>``."""
    if isinstance(dt, T.StringType):
        return "STRING COLLATE UTF8_BINARY"
    if isinstance(dt, T.ArrayType):
        return f"ARRAY<{sql_type(dt.elementType)}>"
    if isinstance(dt, T.MapType):
        return f"MAP<{sql_type(dt.keyType)}, {sql_type(dt.valueType)}>"
    if isinstance(dt, T.StructType):
        return "STRUCT<" + ", ".join(f"{_name(f.name)}: {sql_type(f.dataType)}" for f in dt.fields) + ">"
    return dt.simpleString().upper()


def _quoted(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def create_table_string(info: TableInfo) -> str:
    """The statement that creates ``info``: columns, provider, options, partitioning and comment."""
    columns = ",\n".join(f"  {_name(f.name)} {sql_type(f.dataType)}" for f in info.schema.fields)
    text = f"CREATE TABLE {CATALOG_NAME}.{info.database}.{info.name} (\n{columns})\nUSING {info.provider}\n"
    options = [(k.removeprefix("option."), v) for k, v in info.properties if k.startswith("option.")]
    if options:
        text += "OPTIONS (\n" + ",\n".join(f"  {_quoted(k)} = {_quoted(v)}" for k, v in options) + ")\n"
    if info.partition_columns:
        text += f"PARTITIONED BY ({', '.join(_name(p) for p in info.partition_columns)})\n"
    if info.description:
        text += f"COMMENT {_quoted(info.description)}\n"
    return text
