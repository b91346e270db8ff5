"""``ember.sql``: DataFrames, SQL types and functions over Arrow, with PySpark's API."""

from __future__ import annotations

from ember.sql import functions, types
from ember.sql.column import Column
from ember.sql.dataframe import DataFrame
from ember.sql.errors import AnalysisException, ParseException
from ember.sql.group import GroupedData
from ember.sql.merge_into import MergeIntoWriter
from ember.sql.na import DataFrameNaFunctions
from ember.sql.observation import Observation
from ember.sql.readwriter import DataFrameReader, DataFrameWriter
from ember.sql.row import Row
from ember.sql.session import SparkSession
from ember.sql.session_catalog import SessionCatalog as Catalog  # what ``spark.catalog`` is
from ember.sql.writer_v2 import DataFrameWriterV2
from ember.sql.window import Window, WindowSpec

__all__ = [
    "SparkSession", "DataFrame", "Column", "Row", "GroupedData", "functions", "types",
    "AnalysisException", "ParseException", "DataFrameReader", "DataFrameWriter",
    "DataFrameNaFunctions", "Catalog", "Window", "WindowSpec", "Observation",
    "DataFrameWriterV2", "MergeIntoWriter",
]
