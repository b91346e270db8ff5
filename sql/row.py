"""PySpark's ``Row``: a tuple whose fields also have names.

``Row(a=1, b=2)`` is the tuple ``(1, 2)`` with ``__fields__ == ["a", "b"]``, so it compares
equal to ``(1, 2)``; ``Row("a", "b")`` makes a row *class* that is called with the values.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Row"]


class Row(tuple):
    """A row of a DataFrame: fields by position (``row[0]``), name (``row["a"]``, ``row.a``).

    >>> from ember.sql import Row
    >>> row = Row(name="Alice", age=11)
    >>> row
    Row(name='Alice', age=11)
    >>> row.name, row["age"], row[1], "name" in row
    ('Alice', 11, 11, True)
    >>> Person = Row("name", "age")
    >>> Person("Bob", 5)
    Row(name='Bob', age=5)
    >>> Row(1, 2) == (1, 2)
    True
    """

    __fields__: list[str]

    def __new__(cls, *args: Any, **kwargs: Any) -> Row:
        if args and kwargs:
            raise ValueError("Can not use both args and kwargs to create Row")
        if kwargs:
            row = tuple.__new__(cls, kwargs.values())
            row.__fields__ = list(kwargs)
            return row
        return tuple.__new__(cls, args)

    @classmethod
    def _from_fields(cls, names: list[str], values: tuple | list) -> Row:
        """Build a named row without going through keyword arguments (names may repeat)."""
        row = tuple.__new__(cls, values)
        row.__fields__ = list(names)
        return row

    def _has_fields(self) -> bool:
        return "__fields__" in self.__dict__

    def asDict(self, recursive: bool = False) -> dict[str, Any]:
        """The row as a ``dict``; with ``recursive``, nested rows (also in lists and dicts) too.

        >>> from ember.sql import Row
        >>> Row(key=1, value=Row(name="a", age=2)).asDict(True)
        {'key': 1, 'value': {'name': 'a', 'age': 2}}
        """
        if not self._has_fields():
            raise TypeError("Cannot convert a Row class into dict")
        if not recursive:
            return dict(zip(self.__fields__, self))
        return {k: _as_dict_value(v) for k, v in zip(self.__fields__, self)}

    def __call__(self, *values: Any) -> Row:
        """A row made from the row class ``self`` (``Row("a", "b")(1, 2)``)."""
        if len(values) > len(self):
            raise ValueError(f"Can not create Row with fields {self}, expected {len(self)} values but got {values}")
        return Row._from_fields(list(self), values)

    def __contains__(self, item: Any) -> bool:
        if self._has_fields():
            return item in self.__fields__
        return super().__contains__(item)

    def __getitem__(self, item: Any) -> Any:
        if isinstance(item, (int, slice)):
            return super().__getitem__(item)
        try:
            return super().__getitem__(self.__fields__.index(item))
        except (AttributeError, ValueError):
            raise ValueError(item) from None

    def __getattr__(self, item: str) -> Any:
        if item.startswith("__"):
            raise AttributeError(item)
        try:
            return self[self.__fields__.index(item)]
        except (KeyError, ValueError):
            raise AttributeError(item) from None

    def __setattr__(self, key: str, value: Any) -> None:
        if key != "__fields__":
            raise RuntimeError("Row is read-only")
        self.__dict__[key] = value

    def __reduce__(self):
        if self._has_fields():
            return (Row._from_fields, (self.__fields__, tuple(self)))
        return (Row, tuple(self))

    def __repr__(self) -> str:
        if self._has_fields():
            return "Row(" + ", ".join(f"{k}={v!r}" for k, v in zip(self.__fields__, self)) + ")"
        return "<Row(" + ", ".join(repr(v) for v in self) + ")>"


def _as_dict_value(value: Any) -> Any:
    if isinstance(value, Row) and value._has_fields():
        return value.asDict(True)
    if isinstance(value, list):
        return [_as_dict_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_dict_value(v) for k, v in value.items()}
    return value


def row_from_fields(names: list[str], values: tuple | list) -> Row:
    """A named row built without keyword arguments (so names may repeat)."""
    return Row._from_fields(names, values)


def has_field_names(row: Row) -> bool:
    """Whether ``row`` has field names (``Row(a=1)``) rather than positions only (``Row(1)``)."""
    return row._has_fields()
