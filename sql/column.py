"""``Column``: PySpark's column API as a thin builder over the expression tree.

A ``Column`` only wraps an (often unresolved) expression; every method returns a new
``Column`` around a new node. Nothing is evaluated or even type-checked here: the analyzer
does that when the column is used in a DataFrame.
"""

from __future__ import annotations

from typing import Any

from ember.sql import types as T
from ember.errors import PySparkAttributeError, PySparkValueError
from ember.sql.errors import EmberTypeError, EmberValueError
from ember.sql.expressions import (
    Add, Alias, And, CaseWhen, Cast, Contains, Divide, DropField, EndsWith,
    EqualNullSafe, EqualTo, Expression, GetItem, GreaterThan, GreaterThanOrEqual, In, IsNotNull, IsNull, LessThan,
    LessThanOrEqual, Like, Literal, Multiply, Not, Or, Remainder, RLike, SortOrder, StartsWith, Substring, Subtract,
    TryCast, UnresolvedAttribute, UnresolvedStar, UpdateFields, WithField,
)
from ember.sql.expressions.function_call import FunctionCall
from ember.sql.expressions.math_more import Negative

__all__ = ["Column"]


def value_expression(value: Any) -> Expression:
    """A Column's expression, or a literal for a plain Python value."""
    if isinstance(value, Column):
        return value._expr
    return Literal.of(value)


def to_expression(value: Any) -> Expression:
    """A Column's expression, or a column reference for a name (``"a"``, ``"*"``)."""
    if isinstance(value, Column):
        return value._expr
    if isinstance(value, str):
        if value == "*":
            return UnresolvedStar()
        if value.endswith(".*"):
            return UnresolvedStar(value[:-2])
        return UnresolvedAttribute(value)
    raise EmberTypeError(
        "NOT_COLUMN_OR_STR", f"Argument `col` should be a Column or str, got {type(value).__name__}."
    )


def _data_type(value: Any) -> T.DataType:
    if isinstance(value, str):
        value = T.parse_datatype_string(value)
    if not isinstance(value, T.DataType):
        raise EmberTypeError("NOT_EXPECTED_TYPE", f"Argument `dataType` should be DataType or str, got "
                             f"{type(value).__name__}.")
    return T.supported_type(value)


def _with_field(struct: Expression, path: list[str], value: Expression) -> Expression:
    if len(path) > 1:
        value = _with_field(GetItem(struct, path[0]), path[1:], value)
    return _add_op(struct, WithField(path[0], value))


def _drop_field(struct: Expression, path: list[str]) -> Expression:
    if len(path) > 1:
        return _add_op(struct, WithField(path[0], _drop_field(GetItem(struct, path[0]), path[1:])))
    return _add_op(struct, DropField(path[0]))


def _add_op(struct: Expression, op: Expression) -> Expression:
    """One ``update_fields`` per struct: a further change to the same struct joins its list."""
    if isinstance(struct, UpdateFields):
        return UpdateFields(struct.struct, struct.ops + (op,))
    return UpdateFields(struct, (op,))


def _binary(cls: type, reverse: bool = False):
    def op(self: Column, other: Any) -> Column:
        left, right = (value_expression(other), self._expr) if reverse else (self._expr, value_expression(other))
        return Column(cls(left, right))

    return op


class Column:
    """A column expression in a DataFrame, e.g. ``df.a + 1`` or ``F.col("a").alias("b")``.

    >>> from ember.sql import functions as F
    >>> df = spark.createDataFrame([(2, "Alice", None), (5, "Bob", 1.5)], ["age", "name", "score"])
    >>> df.select((df.age + 1).alias("next"), df["name"].startswith("A"), (F.col("age") * 2).cast("string")).show()
    +----+-------------------+-------------------------+
    |next|startswith(name, A)|CAST((age * 2) AS STRING)|
    +----+-------------------+-------------------------+
    |   3|               true|                        4|
    |   6|              false|                       10|
    +----+-------------------+-------------------------+
    <BLANKLINE>
    >>> df.filter(df.age.between(3, 6) & df.score.isNotNull()).select("name").collect()
    [Row(name='Bob')]
    >>> df.select(F.when(df.age > 3, "old").otherwise("young").alias("band"), df.name.isin("Bob", "Tom")).collect()
    [Row(band='young', (name IN (Bob, Tom))=False), Row(band='old', (name IN (Bob, Tom))=True)]
    >>> df.orderBy(df.score.desc_nulls_last()).select("name").collect()
    [Row(name='Bob'), Row(name='Alice')]
    >>> s = spark.createDataFrame([([1, 2], {"k": "v"}, (1, "x"))], "a array<int>, m map<string,string>, s struct<n:int,t:string>")
    >>> s.select(s.a[1], s.m["k"], s.s.getField("t"), s.a.getItem(0)).collect()
    [Row(a[1]=2, m[k]='v', s.t='x', a[0]=1)]
    """

    __slots__ = ("_expr",)

    def __init__(self, expr: Expression):
        self._expr = expr

    # arithmetic
    __add__ = _binary(Add)
    __radd__ = _binary(Add, reverse=True)
    __sub__ = _binary(Subtract)
    __rsub__ = _binary(Subtract, reverse=True)
    __mul__ = _binary(Multiply)
    __rmul__ = _binary(Multiply, reverse=True)
    __truediv__ = _binary(Divide)
    __rtruediv__ = _binary(Divide, reverse=True)
    __mod__ = _binary(Remainder)
    __rmod__ = _binary(Remainder, reverse=True)

    def __neg__(self) -> Column:
        return Column(Negative(self._expr))

    def __pow__(self, other: Any) -> Column:
        from ember.sql.expressions import Pow

        return Column(Pow(self._expr, value_expression(other)))

    # comparison
    __eq__ = _binary(EqualTo)  # type: ignore[assignment]
    __lt__ = _binary(LessThan)
    __le__ = _binary(LessThanOrEqual)
    __gt__ = _binary(GreaterThan)
    __ge__ = _binary(GreaterThanOrEqual)
    eqNullSafe = _binary(EqualNullSafe)

    def __ne__(self, other: Any) -> Column:  # type: ignore[override]
        return Column(Not(EqualTo(self._expr, value_expression(other))))

    __hash__ = None  # type: ignore[assignment]

    # boolean logic
    __and__ = _binary(And)
    __rand__ = _binary(And, reverse=True)
    __or__ = _binary(Or)
    __ror__ = _binary(Or, reverse=True)

    def __invert__(self) -> Column:
        return Column(Not(self._expr))

    def __bool__(self) -> bool:
        raise EmberValueError(
            "CANNOT_CONVERT_COLUMN_INTO_BOOL",
            "Cannot convert column into bool: please use '&' for 'and', '|' for 'or', '~' for 'not' when "
            "building DataFrame boolean expressions.",
        )

    # naming and types
    def alias(self, *alias: str, **kwargs: Any) -> Column:
        """This column under a new name; ``metadata=`` gives it that ``StructField.metadata``."""
        metadata = kwargs.pop("metadata", None)
        assert not kwargs, "Unexpected kwargs where passed: %s" % kwargs
        if len(alias) != 1:
            if metadata is not None:
                raise PySparkValueError("ONLY_ALLOWED_FOR_SINGLE_COLUMN", "Argument `metadata` can only be "
                                        "provided for a single column.")
            raise EmberValueError("ONLY_SINGLE_ALIAS", "Column.alias takes exactly one name here.")
        return Column(Alias.make(self._expr, alias[0], metadata))

    name = alias

    def outer(self) -> Column:
        """This column as a reference to the enclosing query's column, for a DataFrame used as a
        subquery (``lateralJoin``, ``scalar()``, ``exists()``)."""
        from ember.sql.expressions.lazy_outer import LazyOuterReference

        return Column(LazyOuterReference(self._expr))

    def cast(self, dataType: T.DataType | str) -> Column:
        return Column(Cast(self._expr, _data_type(dataType)))

    astype = cast

    def try_cast(self, dataType: T.DataType | str) -> Column:
        """Like ``cast``, but NULL where the value cannot be converted (instead of an error)."""
        return Column(TryCast(self._expr, _data_type(dataType)))

    def isNaN(self) -> Column:
        """True where the value is NaN (false for NULL and for every other value)."""
        return Column(FunctionCall("isnan", (self._expr,)))

    # bitwise operators of integral columns (SQL's ``&``, ``|``, ``^``)
    def bitwiseAND(self, other: Any) -> Column:
        return Column(FunctionCall("&", (self._expr, value_expression(other))))

    def bitwiseOR(self, other: Any) -> Column:
        return Column(FunctionCall("|", (self._expr, value_expression(other))))

    def bitwiseXOR(self, other: Any) -> Column:
        return Column(FunctionCall("^", (self._expr, value_expression(other))))

    def transform(self, f: Any) -> Column:
        """``f(self)``: apply a function of a Column, for chaining."""
        return f(self)

    # struct fields
    def withField(self, fieldName: str, col: Column) -> Column:
        """This struct with field ``fieldName`` (``"a.b"`` reaches into nested structs) set to ``col``,
        replacing a field of that name or appended after the others."""
        if not isinstance(fieldName, str):
            raise EmberTypeError("NOT_EXPECTED_TYPE", f"Argument `fieldName` should be str, got "
                                 f"{type(fieldName).__name__}.")
        if not isinstance(col, Column):
            raise EmberTypeError("NOT_EXPECTED_TYPE", f"Argument `col` should be Column, got {type(col).__name__}.")
        return Column(_with_field(self._expr, fieldName.split("."), col._expr))

    def dropFields(self, *fieldNames: str) -> Column:
        """This struct without the fields named (``"a.b"`` reaches into nested structs)."""
        expr = self._expr
        for name in fieldNames:
            if not isinstance(name, str):
                raise EmberTypeError("NOT_EXPECTED_TYPE", f"Argument `fieldName` should be str, got "
                                     f"{type(name).__name__}.")
            expr = _drop_field(expr, name.split("."))
        return Column(expr)

    # null tests and membership
    def isNull(self) -> Column:
        return Column(IsNull(self._expr))

    def isNotNull(self) -> Column:
        return Column(IsNotNull(self._expr))

    def isin(self, *cols: Any) -> Column:
        """Whether the value is one of ``cols``, or one of a DataFrame's rows (an IN subquery; a
        ``struct(a, b)`` value matches a two-column DataFrame)."""
        from ember.sql.dataframe import DataFrame, plan_of
        from ember.sql.expressions import CreateStruct, InSubquery

        if len(cols) == 1 and isinstance(cols[0], DataFrame):
            values = self._expr.items if isinstance(self._expr, CreateStruct) else (self._expr,)
            return Column(InSubquery(plan_of(cols[0]), values=tuple(values)))
        if len(cols) == 1 and isinstance(cols[0], (list, set, tuple)):
            cols = tuple(cols[0])
        return Column(In(self._expr, tuple(value_expression(c) for c in cols)))

    def between(self, lowerBound: Any, upperBound: Any) -> Column:
        return (self >= lowerBound) & (self <= upperBound)

    # strings
    def like(self, other: str) -> Column:
        return Column(Like(self._expr, value_expression(other)))

    def rlike(self, other: str) -> Column:
        return Column(RLike(self._expr, value_expression(other)))

    def startswith(self, other: Any) -> Column:
        return Column(StartsWith(self._expr, value_expression(other)))

    def endswith(self, other: Any) -> Column:
        return Column(EndsWith(self._expr, value_expression(other)))

    def contains(self, other: Any) -> Column:
        return Column(Contains(self._expr, value_expression(other)))

    def substr(self, startPos: int | Column, length: int | Column) -> Column:
        if isinstance(startPos, Column) != isinstance(length, Column):
            raise EmberTypeError(
                "NOT_SAME_TYPE", "Argument `startPos` and `length` should be the same type, got "
                f"{type(startPos).__name__} and {type(length).__name__}.")
        return Column(Substring(self._expr, value_expression(startPos), value_expression(length), "substr"))

    def ilike(self, other: str) -> Column:
        return Column(FunctionCall("ilike", (self._expr, value_expression(other))))

    # element access
    def getItem(self, key: Any) -> Column:
        return Column(GetItem(self._expr, key))

    def getField(self, name: str) -> Column:
        return Column(GetItem(self._expr, name))

    def __getattr__(self, name: str) -> Column:
        """``df.s.a`` is the struct field ``a`` of ``df.s``, as ``df.s["a"]`` (dunder names are refused)."""
        if name.startswith("__") or name == "_expr":  # _expr: unset only while unpickling
            raise PySparkAttributeError("CANNOT_ACCESS_TO_DUNDER", "Dunder(double underscore) attribute is for "
                                        "internal use only.")
        return self[name]

    def __getitem__(self, key: Any) -> Column:
        if isinstance(key, slice):
            return self.substr(key.start, key.stop)
        return self.getItem(key)

    # ordering
    def asc(self) -> Column:
        return Column(SortOrder(self._expr, True))

    def asc_nulls_first(self) -> Column:
        return Column(SortOrder(self._expr, True, True))

    def asc_nulls_last(self) -> Column:
        return Column(SortOrder(self._expr, True, False))

    def desc(self) -> Column:
        return Column(SortOrder(self._expr, False))

    def desc_nulls_first(self) -> Column:
        return Column(SortOrder(self._expr, False, True))

    def desc_nulls_last(self) -> Column:
        return Column(SortOrder(self._expr, False, False))

    # CASE WHEN
    def when(self, condition: Column, value: Any) -> Column:
        e = self._expr
        if not isinstance(e, CaseWhen) or e.else_value is not None:
            raise EmberValueError(
                "INVALID_WHEN_USAGE",
                "when() can only be applied on a Column previously generated by when() function, and "
                "cannot be applied once otherwise() is applied.",
            )
        return Column(CaseWhen(e.conditions + (value_expression(condition),), e.values + (value_expression(value),)))

    def otherwise(self, value: Any) -> Column:
        e = self._expr
        if not isinstance(e, CaseWhen) or e.else_value is not None:
            raise EmberValueError(
                "INVALID_OTHERWISE_USAGE",
                "otherwise() can only be applied on a Column previously generated by when(), once.",
            )
        return Column(CaseWhen(e.conditions, e.values, value_expression(value)))

    # windows
    def over(self, window: Any) -> Column:
        """This function evaluated over ``window`` (a ``WindowSpec``), e.g. ``F.rank().over(w)``."""
        from ember.sql.expressions.windows import WindowExpression
        from ember.sql.window import WindowSpec, spec_of

        if not isinstance(window, WindowSpec):
            raise EmberTypeError("NOT_WINDOWSPEC", f"Argument `window` should be a WindowSpec, got "
                                 f"{type(window).__name__}.")
        return Column(WindowExpression(self._expr, spec_of(window)))

    def __repr__(self) -> str:
        return f"Column<'{self._expr.sql()}'>"

    def __iter__(self):
        raise EmberTypeError("NOT_ITERABLE", "Column is not iterable")


def expression_of(column: Column) -> Expression:
    """The expression ``column`` wraps (kept off ``Column``'s namespace, which is PySpark's)."""
    return column._expr
