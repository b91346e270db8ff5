"""Python data sources (PySpark's ``pyspark.sql.datasource``): the batch reading half.

A user subclasses ``DataSource`` and ``DataSourceReader``, registers the source with
``spark.dataSource.register(MySource)`` and reads it with
``spark.read.format(MySource.name()).load()``. On the driver Ember builds the source with the
reader's options, fixes the schema (the reader's, else ``DataSource.schema()``) and asks the
reader for its partitions; each partition is then read by one task (``read(partition)``),
whose tuples, Rows or Arrow record batches become the DataFrame's rows
(``ember.sql.io.python_source``). Writing to a Python data source, streaming, and filter
pushdown are not supported and are refused by name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import UserDict
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from ember.errors import PySparkNotImplementedError
from ember.sql.errors import AnalysisException, EmberTypeError

if TYPE_CHECKING:
    from ember.sql import types as T
    from ember.sql.session import SparkSession

__all__ = ["DataSource", "DataSourceReader", "InputPartition", "DataSourceRegistration", "CaseInsensitiveDict"]


class CaseInsensitiveDict(UserDict):
    """The options a data source gets: keys match whatever their case."""

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key.lower(), value)

    def __getitem__(self, key: str) -> Any:
        return super().__getitem__(key.lower())

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def copy(self) -> CaseInsensitiveDict:
        return CaseInsensitiveDict(self.data)


class DataSource(ABC):
    """A source of rows, built with the reader's options; subclasses implement ``reader``."""

    def __init__(self, options: CaseInsensitiveDict) -> None:
        self.options = options

    @classmethod
    def name(cls) -> str:
        """The format name ``spark.read.format(...)`` uses; the class name unless overridden."""
        return cls.__name__

    def schema(self) -> T.StructType | str:
        """The rows' schema, used when the reader was given none."""
        raise PySparkNotImplementedError("NOT_IMPLEMENTED", "schema is not implemented.")

    def reader(self, schema: T.StructType) -> DataSourceReader:
        """A reader of rows of ``schema``."""
        raise PySparkNotImplementedError("NOT_IMPLEMENTED", "reader is not implemented.")

    def writer(self, schema: T.StructType, overwrite: bool) -> Any:
        raise PySparkNotImplementedError("NOT_IMPLEMENTED", "writer is not implemented.")


class InputPartition:
    """One piece of a source, read by one task; ``value`` is whatever the reader needs."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        attributes = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({attributes})"


class DataSourceReader(ABC):
    """Reads a source: ``partitions()`` on the driver, ``read(partition)`` in the tasks."""

    def partitions(self) -> Sequence[InputPartition]:
        """The pieces to read in parallel; one partition (of value ``None``) unless overridden."""
        raise PySparkNotImplementedError("NOT_IMPLEMENTED", "partitions is not implemented.")

    @abstractmethod
    def read(self, partition: InputPartition) -> Iterator[Any]:
        """The rows of one partition: tuples, lists, Rows, or ``pyarrow.RecordBatch``es."""


class DataSourceRegistration:
    """``spark.dataSource``: the session's Python data sources, by lower-cased name."""

    def __init__(self, sparkSession: SparkSession) -> None:
        self.sparkSession = sparkSession
        self._sources: dict[str, type[DataSource]] = {}

    def register(self, dataSource: type[DataSource]) -> None:
        """Make ``spark.read.format(dataSource.name())`` read through ``dataSource``."""
        if not (isinstance(dataSource, type) and issubclass(dataSource, DataSource)):
            raise EmberTypeError("DATA_SOURCE_TYPE_MISMATCH", "Expected a subclass of DataSource, but got "
                                 f"'{type(dataSource).__name__}'.")
        self._sources[dataSource.name().lower()] = dataSource

    def lookup(self, name: str) -> type[DataSource] | None:
        """The source registered as ``name`` (any case), or None."""
        return self._sources.get(name.lower())


def unsupported_write(name: str) -> AnalysisException:
    return AnalysisException("UNSUPPORTED_FEATURE", f"Writing to the Python data source '{name}' is not supported "
                             "by Ember (only batch reads are).")
