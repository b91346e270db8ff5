"""Spark SQL's data types, with PySpark's public API.

Each type is a small immutable value: equal when its class and parameters are equal, and
hashable so that schemas can be dictionary keys. ``simpleString()`` gives the DDL spelling
(``int``, ``array<string>``); ``typeName()`` gives the name ``printSchema()`` shows
(``integer``, ``long``). ``_parse_datatype_string`` reads DDL such as ``"a INT, b STRING"``.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

__all__ = [
    "DataType", "NullType", "BooleanType", "ByteType", "ShortType", "IntegerType", "LongType",
    "FloatType", "DoubleType", "DecimalType", "StringType", "BinaryType", "DateType",
    "TimestampType", "TimestampNTZType", "YearMonthIntervalType", "DayTimeIntervalType", "ArrayType", "MapType", "StructField", "StructType",
    "NumericType", "IntegralType", "FractionalType", "AtomicType",
    "CharType", "VarcharType", "TimeType", "CalendarIntervalType", "VariantType", "VariantVal", "Row",
]


class DataType:
    """Base of every Spark SQL type."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._params() == other._params()  # type: ignore[attr-defined]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._params()))

    def _params(self) -> tuple:
        return ()

    @classmethod
    def typeName(cls) -> str:
        return cls.__name__[: -len("Type")].lower()

    def simpleString(self) -> str:
        return self.typeName()

    def needConversion(self) -> bool:
        return False

    def jsonValue(self) -> Any:
        """This type as Spark's JSON schema value (``"integer"``, ``{"type": "array", ...}``)."""
        from ember.sql.type_json import json_value

        return json_value(self)

    def json(self) -> str:
        from ember.sql.type_json import to_json

        return to_json(self)

    @classmethod
    def fromDDL(cls, ddl: str) -> DataType:
        """The type a DDL string describes: a schema (``"a INT, b STRING"``) or one type (``"int"``)."""
        return parse_datatype_string(ddl)


class AtomicType(DataType):
    """A type whose values are not containers."""

    __slots__ = ()


class NumericType(AtomicType):
    __slots__ = ()


class IntegralType(NumericType):
    __slots__ = ()


class FractionalType(NumericType):
    __slots__ = ()


class NullType(DataType):
    """The type of the ``NULL`` literal; PySpark calls it ``void``."""

    __slots__ = ()

    @classmethod
    def typeName(cls) -> str:
        return "void"


class BooleanType(AtomicType):
    __slots__ = ()


class ByteType(IntegralType):
    __slots__ = ()

    def simpleString(self) -> str:
        return "tinyint"


class ShortType(IntegralType):
    __slots__ = ()

    def simpleString(self) -> str:
        return "smallint"


class IntegerType(IntegralType):
    __slots__ = ()

    def simpleString(self) -> str:
        return "int"


class LongType(IntegralType):
    __slots__ = ()

    def simpleString(self) -> str:
        return "bigint"


class FloatType(FractionalType):
    __slots__ = ()


class DoubleType(FractionalType):
    __slots__ = ()


class DecimalType(FractionalType):
    """Fixed-point decimal with ``precision`` digits, ``scale`` of them after the point."""

    __slots__ = ("precision", "scale")

    def __init__(self, precision: int = 10, scale: int = 0):
        if not 0 < precision <= 38 or not 0 <= scale <= precision:
            raise ValueError(f"DecimalType({precision}, {scale}): need 0 < precision <= 38 and 0 <= scale <= precision")
        self.precision = precision
        self.scale = scale

    def _params(self) -> tuple:
        return (self.precision, self.scale)

    def simpleString(self) -> str:
        return f"decimal({self.precision},{self.scale})"

    def __repr__(self) -> str:
        return f"DecimalType({self.precision},{self.scale})"  # PySpark prints no space


class StringType(AtomicType):
    __slots__ = ()


class BinaryType(AtomicType):
    __slots__ = ()


class DateType(AtomicType):
    __slots__ = ()


class TimestampType(AtomicType):
    __slots__ = ()


class TimestampNTZType(AtomicType):
    __slots__ = ()

    @classmethod
    def typeName(cls) -> str:
        return "timestamp_ntz"


class _AnsiIntervalType(AtomicType):
    """An ANSI interval type: a range of ``_fields`` from ``startField`` to ``endField``."""

    __slots__ = ("startField", "endField")
    _fields: tuple[str, ...] = ()

    def __init__(self, startField: int | None = None, endField: int | None = None):
        if startField is None and endField is None:
            startField, endField = 0, len(self._fields) - 1
        elif endField is None:
            endField = startField
        if not 0 <= startField <= endField < len(self._fields):
            raise ValueError(f"{type(self).__name__}({startField}, {endField}): fields must satisfy "
                             f"0 <= startField <= endField <= {len(self._fields) - 1}")
        self.startField = startField
        self.endField = endField

    def _params(self) -> tuple:
        return (self.startField, self.endField)

    def simpleString(self) -> str:
        start, end = self._fields[self.startField], self._fields[self.endField]
        return f"interval {start}" if start == end else f"interval {start} to {end}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.startField}, {self.endField})"


class YearMonthIntervalType(_AnsiIntervalType):
    """``INTERVAL YEAR TO MONTH`` and its sub-ranges: a whole number of months."""

    __slots__ = ()
    YEAR, MONTH = 0, 1
    _fields = ("year", "month")


class DayTimeIntervalType(_AnsiIntervalType):
    """``INTERVAL DAY TO SECOND`` and its sub-ranges: a number of microseconds."""

    __slots__ = ()
    DAY, HOUR, MINUTE, SECOND = 0, 1, 2, 3
    _fields = ("day", "hour", "minute", "second")


class ArrayType(DataType):
    __slots__ = ("elementType", "containsNull")

    def __init__(self, elementType: DataType, containsNull: bool = True):
        if not isinstance(elementType, DataType):
            raise TypeError(f"ArrayType needs a DataType element, got {elementType!r}")
        self.elementType = elementType
        self.containsNull = containsNull

    def _params(self) -> tuple:
        return (self.elementType, self.containsNull)

    def simpleString(self) -> str:
        return f"array<{self.elementType.simpleString()}>"

    def __repr__(self) -> str:
        return f"ArrayType({self.elementType!r}, {self.containsNull})"


class MapType(DataType):
    __slots__ = ("keyType", "valueType", "valueContainsNull")

    def __init__(self, keyType: DataType, valueType: DataType, valueContainsNull: bool = True):
        self.keyType = keyType
        self.valueType = valueType
        self.valueContainsNull = valueContainsNull

    def _params(self) -> tuple:
        return (self.keyType, self.valueType, self.valueContainsNull)

    def simpleString(self) -> str:
        return f"map<{self.keyType.simpleString()},{self.valueType.simpleString()}>"

    def __repr__(self) -> str:
        return f"MapType({self.keyType!r}, {self.valueType!r}, {self.valueContainsNull})"


class StructField(DataType):
    """A named, typed field of a :class:`StructType`."""

    __slots__ = ("name", "dataType", "nullable", "metadata")

    def __init__(self, name: str, dataType: DataType, nullable: bool = True, metadata: dict | None = None):
        if not isinstance(name, str):
            raise TypeError(f"StructField name must be a str, got {name!r}")
        if not isinstance(dataType, DataType):
            raise TypeError(f"StructField {name!r} needs a DataType, got {dataType!r}")
        self.name = name
        self.dataType = dataType
        self.nullable = nullable
        self.metadata = metadata or {}

    def _params(self) -> tuple:
        return (self.name, self.dataType, self.nullable, tuple(sorted(self.metadata.items())))

    def simpleString(self) -> str:
        return f"{self.name}:{self.dataType.simpleString()}"

    def __repr__(self) -> str:
        return f"StructField('{self.name}', {self.dataType!r}, {self.nullable})"


class StructType(DataType):
    """An ordered list of :class:`StructField`; the schema of a DataFrame.

    >>> from ember.sql.types import StructType, StructField, IntegerType, StringType, ArrayType
    >>> schema = StructType([StructField("id", IntegerType(), False),
    ...                      StructField("tags", ArrayType(StringType()))])
    >>> schema.simpleString()
    'struct<id:int,tags:array<string>>'
    >>> schema["tags"].dataType, schema.fieldNames()
    (ArrayType(StringType(), True), ['id', 'tags'])
    >>> StructType.fromDDL("id INT NOT NULL, tags ARRAY<STRING>") == schema
    True
    >>> spark.createDataFrame([(1, ["a"])], schema).schema == schema
    True
    """

    __slots__ = ("fields", "names")

    def __init__(self, fields: list[StructField] | None = None):
        self.fields: list[StructField] = list(fields or [])
        for f in self.fields:
            if not isinstance(f, StructField):
                raise TypeError(f"StructType takes StructFields, got {f!r}")
        self.names = [f.name for f in self.fields]

    def _params(self) -> tuple:
        return tuple(self.fields)

    def add(self, field: str | StructField, data_type: str | DataType | None = None,
            nullable: bool = True, metadata: dict | None = None) -> StructType:
        """Append a field (in place, as PySpark does) and return ``self``."""
        if isinstance(field, StructField):
            self.fields.append(field)
        else:
            if data_type is None:
                raise ValueError(f"add({field!r}) needs a data_type")
            if isinstance(data_type, str):
                data_type = parse_datatype_string(data_type)
            self.fields.append(StructField(field, data_type, nullable, metadata))
        self.names = [f.name for f in self.fields]
        return self

    def fieldNames(self) -> list[str]:
        return list(self.names)

    def __iter__(self) -> Iterator[StructField]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def __getitem__(self, key: str | int | slice) -> Any:
        if isinstance(key, str):
            for f in self.fields:
                if f.name == key:
                    return f
            raise KeyError(f"No StructField named {key}")
        if isinstance(key, int):
            return self.fields[key]
        if isinstance(key, slice):
            return StructType(self.fields[key])
        raise TypeError(f"StructType index must be str, int or slice, not {type(key).__name__}")

    def simpleString(self) -> str:
        return "struct<" + ",".join(f.simpleString() for f in self.fields) + ">"

    def __repr__(self) -> str:
        return "StructType([" + ", ".join(repr(f) for f in self.fields) + "])"

    @classmethod
    def fromJson(cls, json: dict[str, Any]) -> StructType:
        """The schema a ``jsonValue()`` dict describes."""
        from ember.sql.type_json import from_json_value

        return from_json_value(json)

    def toDDL(self) -> str:
        """The schema as DDL text (``a INT,b STRING NOT NULL``), as Spark writes it."""
        from ember.sql.type_json import to_ddl

        return to_ddl(self)

    def toNullable(self) -> StructType:
        """This schema with every field, at every depth, nullable."""
        from ember.sql.type_json import to_nullable

        return to_nullable(self)

    def treeString(self, level: int | None = None) -> str:
        """The text ``printSchema()`` prints."""
        from ember.sql.display import schema_tree_string

        return schema_tree_string(self, level)


class _SizedStringType(AtomicType):
    """A string type with a declared length, ``char(n)`` or ``varchar(n)``."""

    __slots__ = ("length",)

    def __init__(self, length: int):
        self.length = length

    def _params(self) -> tuple:
        return (self.length,)

    def simpleString(self) -> str:
        return f"{type(self).typeName()}({self.length})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.length})"


class CharType(_SizedStringType):
    """``CHAR(n)``: Spark reads it as ``STRING`` wherever a value is made (casts, schemas), so Ember does too."""

    __slots__ = ()


class VarcharType(_SizedStringType):
    """``VARCHAR(n)``: read as ``STRING`` wherever a value is made, as Spark does outside table columns."""

    __slots__ = ()


class TimeType(AtomicType):
    """``TIME(p)``, a time of day; a type name only: Ember refuses it in a plan."""

    __slots__ = ("precision",)

    def __init__(self, precision: int = 6):
        self.precision = precision

    def _params(self) -> tuple:
        return (self.precision,)

    def simpleString(self) -> str:
        return f"time({self.precision})"

    def __repr__(self) -> str:
        return f"TimeType({self.precision})"


class CalendarIntervalType(DataType):
    """Spark's legacy ``INTERVAL`` of months, days and microseconds; a type name only in Ember."""

    __slots__ = ()

    @classmethod
    def typeName(cls) -> str:
        return "interval"


class VariantType(AtomicType):
    """``VARIANT``, semi-structured values; a type name only: Ember refuses it in a plan."""

    __slots__ = ()


class VariantVal:
    """A ``VARIANT`` value as Spark encodes it (value and metadata bytes).

    Ember has no VARIANT support, so it holds the bytes but cannot decode or encode them.
    """

    def __init__(self, value: bytes, metadata: bytes):
        self.value = value
        self.metadata = metadata

    def __repr__(self) -> str:
        return f"VariantVal({self.value!r}, {self.metadata!r})"

    def _unsupported(self, what: str) -> Any:
        from ember.sql.errors import EmberTypeError

        raise EmberTypeError("UNSUPPORTED_DATATYPE", f"VariantVal.{what}: the VARIANT type is not supported by Ember.")

    def __str__(self) -> str:
        return self._unsupported("__str__")

    def toPython(self) -> Any:
        return self._unsupported("toPython")

    def toJson(self, zone_id: str = "UTC") -> str:
        return self._unsupported("toJson")

    @classmethod
    def parseJson(cls, json_str: str) -> VariantVal:
        return cls(b"", b"")._unsupported("parseJson")


# Types PySpark names but Ember's engine cannot hold; refused where a plan would use them.
UNSUPPORTED_BY_ENGINE = (TimeType, CalendarIntervalType, VariantType)


def supported_type(dt: DataType) -> DataType:
    """``dt`` with ``CHAR``/``VARCHAR`` read as ``STRING`` (as Spark does); an error for a type Ember cannot run."""
    if isinstance(dt, (CharType, VarcharType)):
        return StringType()
    if isinstance(dt, UNSUPPORTED_BY_ENGINE):
        from ember.sql.errors import EmberTypeError

        raise EmberTypeError("UNSUPPORTED_DATATYPE", f"The data type {dt.simpleString().upper()} is not supported "
                             "by Ember's engine.")
    if isinstance(dt, ArrayType):
        return ArrayType(supported_type(dt.elementType), dt.containsNull)
    if isinstance(dt, MapType):
        return MapType(supported_type(dt.keyType), supported_type(dt.valueType), dt.valueContainsNull)
    if isinstance(dt, StructType):
        return StructType([StructField(f.name, supported_type(f.dataType), f.nullable, dict(f.metadata))
                           for f in dt.fields])
    return dt


# --------------------------------------------------------------------------- DDL parsing

_ATOMIC_NAMES: dict[str, DataType] = {
    "void": NullType(), "null": NullType(),
    "boolean": BooleanType(), "bool": BooleanType(),
    "tinyint": ByteType(), "byte": ByteType(),
    "smallint": ShortType(), "short": ShortType(),
    "int": IntegerType(), "integer": IntegerType(),
    "bigint": LongType(), "long": LongType(),
    "float": FloatType(), "real": FloatType(),
    "double": DoubleType(),
    "string": StringType(), "varchar": StringType(), "char": StringType(),
    "binary": BinaryType(),
    "date": DateType(),
    "timestamp": TimestampType(), "timestamp_ltz": TimestampType(),
    "timestamp_ntz": TimestampNTZType(),
    "variant": VariantType(),
}

_TOKEN = re.compile(r"\s*(?:(`[^`]*`)|([A-Za-z_][A-Za-z0-9_]*)|(\d+)|(\S))")


class _DDLParser:
    """Recursive-descent reader for Spark's DDL type syntax."""

    def __init__(self, text: str):
        self.text = text
        self.tokens: list[str] = []
        pos = 0
        text = text.rstrip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m:
                break
            self.tokens.append(next(g for g in m.groups() if g is not None))
            pos = m.end()
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok.lower() != expected):
            from ember.sql.errors import ParseException

            want = f"'{expected}'" if expected else "more input"
            raise ParseException(
                "PARSE_SYNTAX_ERROR",
                f"Syntax error at or near {tok!r}: expected {want} in type string {self.text!r}.",
            )
        self.i += 1
        return tok

    def at_end(self) -> bool:
        return self.i >= len(self.tokens)

    def data_type(self) -> DataType:
        name = self.take().lower()
        if name == "array":
            self.take("<")
            element = self.data_type()
            self.take(">")
            return ArrayType(element)
        if name == "map":
            self.take("<")
            key = self.data_type()
            self.take(",")
            value = self.data_type()
            self.take(">")
            return MapType(key, value)
        if name == "struct":
            self.take("<")
            fields = [] if self.peek() == ">" else self.fields(closing=">")
            self.take(">")
            return StructType(fields)
        if name in ("decimal", "dec", "numeric"):
            if self.peek() == "(":
                self.take("(")
                precision = int(self.take())
                scale = 0
                if self.peek() == ",":
                    self.take(",")
                    scale = int(self.take())
                self.take(")")
                return DecimalType(precision, scale)
            return DecimalType(10, 0)
        if name == "interval":
            return self.interval_type() if self.peek() not in (None, ",", ">", ")") else CalendarIntervalType()
        if name == "time":
            if self.peek() != "(":
                return TimeType()
            self.take("(")
            precision = int(self.take())
            self.take(")")
            return TimeType(precision)
        if name in ("varchar", "char") and self.peek() == "(":
            self.take("(")
            self.take()
            self.take(")")
        if name not in _ATOMIC_NAMES:
            from ember.sql.errors import ParseException

            raise ParseException("UNSUPPORTED_DATATYPE", f"Unsupported data type \"{name.upper()}\".")
        return _ATOMIC_NAMES[name]

    def interval_type(self) -> DataType:
        """``INTERVAL <start> [TO <end>]`` after the word ``interval``."""
        start = self.take().lower()
        end = start
        if self.peek() and self.peek().lower() == "to":
            self.take("to")
            end = self.take().lower()
        for cls in (YearMonthIntervalType, DayTimeIntervalType):
            if start in cls._fields and end in cls._fields:
                return cls(cls._fields.index(start), cls._fields.index(end))
        from ember.sql.errors import ParseException

        raise ParseException("UNSUPPORTED_DATATYPE", f"Unsupported data type \"INTERVAL {start.upper()} TO {end.upper()}\".")

    def fields(self, closing: str | None = None) -> list[StructField]:
        out = [self.field()]
        while self.peek() == ",":
            self.take(",")
            out.append(self.field())
        return out

    def field(self) -> StructField:
        name = self.take().strip("`")
        if self.peek() == ":":
            self.take(":")
        dtype = self.data_type()
        nullable = True
        if self.peek() and self.peek().lower() == "not":
            self.take("not")
            self.take("null")
            nullable = False
        if self.peek() and self.peek().lower() == "comment":
            self.take("comment")
            self.take()
        return StructField(name, dtype, nullable)


def _starts_a_type(word: str) -> bool:
    return word.lower() in _ATOMIC_NAMES or word.lower() in (
        "array", "map", "struct", "decimal", "dec", "numeric", "interval", "char", "varchar", "time")


def parse_datatype_string(text: str) -> DataType:
    """Parse DDL: a schema (``"a INT, b STRING"``, ``"a: int"``) or one type (``"array<int>"``)."""
    from ember.sql.errors import ParseException

    field_error: ParseException | None = None
    try:
        parser = _DDLParser(text)
        fields = parser.fields()
        if parser.at_end():
            return StructType(fields)
    except ParseException as e:
        field_error = e
    parser = _DDLParser(text)
    first = parser.peek()
    if field_error is not None and first is not None and not _starts_a_type(first):
        raise field_error  # "a intt": a field list whose type is wrong, not a type named "a"
    dtype = parser.data_type()
    if not parser.at_end():
        raise ParseException(
            "PARSE_SYNTAX_ERROR", f"Syntax error at or near {parser.peek()!r} in type string {text!r}."
        )
    return dtype


def infer_type(value: Any) -> DataType:
    """The Spark type PySpark infers for one Python value (``createDataFrame`` without a schema):
    a list is an array, a dict a map, and a tuple, namedtuple, Row or plain object a struct."""
    import datetime
    import decimal
    from functools import reduce

    if value is None:
        return NullType()
    for python_type, spark_type in ((bool, BooleanType), (int, LongType), (float, DoubleType), (str, StringType),
                                    ((bytes, bytearray), BinaryType), (datetime.timedelta, DayTimeIntervalType),
                                    (datetime.datetime, TimestampType), (datetime.date, DateType)):
        if isinstance(value, python_type):
            return spark_type()
    if isinstance(value, decimal.Decimal):
        return DecimalType(38, 18)  # the precision and scale may differ from row to row
    if isinstance(value, dict):
        keys = reduce(merge_types, (infer_type(k) for k in value if k is not None), NullType())
        values = reduce(merge_types, (infer_type(v) for v in value.values() if v is not None), NullType())
        return MapType(keys, values)
    if isinstance(value, list):
        return ArrayType(reduce(merge_types, map(infer_type, value), NullType()))
    fields = _struct_items(value)
    if fields is None:
        raise _type_error("UNSUPPORTED_DATA_TYPE", f"Unsupported DataType `{type(value).__name__}`.")
    return _infer_struct(fields)


def _struct_items(row: Any, names: list[str] | None = None) -> list[tuple[str, Any]] | None:
    """The (name, value) pairs PySpark reads a struct from: a dict's sorted items, a Row's or
    namedtuple's fields, a tuple's values as ``_1, _2…`` (or ``names``), an object's attributes."""
    from ember.sql.row import Row

    if isinstance(row, dict):
        return sorted(row.items())
    if isinstance(row, Row) and has_field_names(row):
        return list(zip(row.__fields__, row))
    if isinstance(row, tuple) and hasattr(row, "_fields"):
        return list(zip(row._fields, row))
    if isinstance(row, (tuple, list)):
        names = list(names or [])
        return list(zip(names + [f"_{i}" for i in range(len(names) + 1, len(row) + 1)], row))
    if hasattr(row, "__dict__"):
        return sorted(vars(row).items())
    return None


def _infer_struct(items: list[tuple[str, Any]]) -> StructType:
    fields = []
    for name, value in items:
        try:
            fields.append(StructField(name, infer_type(value)))
        except TypeError:
            raise _type_error("CANNOT_INFER_TYPE_FOR_FIELD", f"Unable to infer the type of the field `{name}`.") from None
    return StructType(fields)


def infer_schema(row: Any, names: list[str] | None = None) -> StructType:
    """The struct PySpark infers for one top-level row of ``createDataFrame``."""
    items = _struct_items(row, names)
    if items is None:
        raise _type_error("CANNOT_INFER_SCHEMA_FOR_TYPE", f"Can not infer schema for type: `{type(row).__name__}`.")
    return _infer_struct(items)


def merge_types(a: DataType, b: DataType) -> DataType:
    """Two inferred types as one, as PySpark's inference merges them across rows and elements:
    NULL takes the other type, a string absorbs any atomic type, other differing types are an error."""
    if isinstance(a, NullType):
        return b
    if isinstance(b, NullType):
        return a
    if isinstance(a, AtomicType) and isinstance(b, StringType):
        return b
    if isinstance(a, StringType) and isinstance(b, AtomicType):
        return a
    if type(a) is not type(b):
        raise _type_error("CANNOT_MERGE_TYPE", f"Can not merge type `{type(a).__name__}` and `{type(b).__name__}`.")
    if isinstance(a, StructType):
        theirs = {f.name: f.dataType for f in b.fields}
        fields = [StructField(f.name, merge_types(f.dataType, theirs.get(f.name, NullType()))) for f in a.fields]
        ours = set(a.names)
        return StructType(fields + [StructField(f.name, f.dataType) for f in b.fields if f.name not in ours])
    if isinstance(a, ArrayType):
        return ArrayType(merge_types(a.elementType, b.elementType))
    if isinstance(a, MapType):
        return MapType(merge_types(a.keyType, b.keyType), merge_types(a.valueType, b.valueType))
    return a


def _type_error(error_class: str, message: str) -> Exception:
    from ember.sql.errors import EmberTypeError

    return EmberTypeError(error_class, message)


from ember.sql.row import Row, has_field_names
