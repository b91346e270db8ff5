"""String functions over Arrow's ``utf8_*`` kernels.

Inputs that are not strings are cast to strings first (Spark's implicit input casts). Pattern
arguments (``like``, ``regexp_*``, ``split``) must be literals, which is how they are used in
practice and what lets one compiled pattern serve a whole batch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.errors import AnalysisException
from ember.sql.expressions.base import ArrowValue, Expression, as_array
from ember.sql.expressions.coercion import cast_if_needed
from ember.sql.expressions.literals import Literal

__all__ = [
    "Upper", "Lower", "Length", "Trim", "LTrim", "RTrim", "Substring", "Concat", "ConcatWs",
    "Split", "RegexpReplace", "RegexpExtract", "Like", "RLike", "StartsWith", "EndsWith", "Contains",
]


_ONE_ROW = pa.RecordBatch.from_pydict({"_": [None]})


def _literal_value(expr: Expression, what: str):
    """The value of a constant argument; Spark asks for *foldable* ones, so ``-1`` counts, folded or not."""
    if isinstance(expr, Literal):
        return expr.value
    if not expr.foldable:
        raise AnalysisException(
            "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
            f"The {what} must be a constant, but got \"{expr.sql()}\".",
        )
    value = expr.eval(_ONE_ROW)
    return (value if isinstance(value, pa.Scalar) else value[0]).as_py()


@dataclass(frozen=True, slots=True)
class _StringUnary(Expression):
    child: Expression

    child_fields = ("child",)
    kernel: ClassVar[str] = ""
    result_type: ClassVar[T.DataType] = T.StringType()

    def coerce(self) -> Expression:
        return type(self)(cast_if_needed(self.child, T.StringType()))

    @property
    def data_type(self) -> T.DataType:
        return self.result_type

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return getattr(pc, self.kernel)(self.child.eval(batch))


class Upper(_StringUnary):
    __slots__ = ()
    kernel = "utf8_upper"


class Lower(_StringUnary):
    __slots__ = ()
    kernel = "utf8_lower"


class Length(_StringUnary):
    """Characters in a string (bytes for binary), as an ``int``."""

    __slots__ = ()
    result_type = T.IntegerType()

    def coerce(self) -> Expression:
        if isinstance(self.child.data_type, T.BinaryType):
            return self
        return Length(cast_if_needed(self.child, T.StringType()))

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        value = self.child.eval(batch)
        kernel = pc.binary_length if pa.types.is_binary(value.type) else pc.utf8_length
        return kernel(value).cast(pa.int32())


class Trim(_StringUnary):
    """Strip spaces (only the space character, as Spark does) from both ends."""

    __slots__ = ()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pc.utf8_trim(self.child.eval(batch), " ")


class LTrim(_StringUnary):
    __slots__ = ()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pc.utf8_ltrim(self.child.eval(batch), " ")


class RTrim(_StringUnary):
    __slots__ = ()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pc.utf8_rtrim(self.child.eval(batch), " ")


@dataclass(frozen=True, slots=True)
class Substring(Expression):
    """``substring(str, pos, len)`` with Spark's 1-based, end-relative-when-negative ``pos``."""

    child: Expression
    pos: Expression
    length: Expression
    name: str = "substring"  # ``substr`` names its column ``substr(...)``

    child_fields = ("child", "pos", "length")

    def coerce(self) -> Expression:
        return Substring(cast_if_needed(self.child, T.StringType()), cast_if_needed(self.pos, T.IntegerType()),
                         cast_if_needed(self.length, T.IntegerType()), self.name)

    @property
    def data_type(self) -> T.DataType:
        return T.StringType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        value = self.child.eval(batch)
        if not (isinstance(self.pos, Literal) and isinstance(self.length, Literal)):
            return self._eval_rows(batch, value)
        pos, length = self.pos.value, self.length.value
        if length <= 0:
            return pc.if_else(pc.is_null(value), pa.scalar(None, pa.string()), "")
        start = pos - 1 if pos > 0 else pos
        stop = start + length
        if start < 0 <= stop:
            return pc.utf8_slice_codeunits(value, start)
        return pc.utf8_slice_codeunits(value, start, stop)

    def _eval_rows(self, batch: pa.RecordBatch, value: ArrowValue) -> pa.Array:
        """Positions or lengths given by columns: each row sliced with its own."""
        columns = [as_array(v, batch.num_rows).to_pylist()
                   for v in (value, self.pos.eval(batch), self.length.eval(batch))]
        return pa.array([None if None in row else _substring(*row) for row in zip(*columns)], pa.string())

    def _fmt(self, args: list[str]) -> str:
        return f"{self.name}({', '.join(args)})"


def _substring(s: str, pos: int, length: int) -> str:
    """Spark's substring of one value: 1-based ``pos``, counted from the end when negative."""
    if length <= 0:
        return ""
    start = pos - 1 if pos > 0 else len(s) + pos if pos < 0 else 0
    stop = start + length
    return s[max(start, 0):max(stop, 0)]


@dataclass(frozen=True, slots=True)
class Concat(Expression):
    """``concat(a, b, ...)``: NULL if any input is NULL."""

    items: tuple[Expression, ...]

    child_fields = ("items",)

    def coerce(self) -> Expression:
        if self.items and all(isinstance(i.data_type, T.ArrayType) for i in self.items):
            from ember.sql.expressions.function_call import FunctionCall

            return FunctionCall("array_concat", self.items).coerce()
        if self.items and all(isinstance(i.data_type, T.BinaryType) for i in self.items):
            return self
        return Concat(tuple(cast_if_needed(i, T.StringType()) for i in self.items))

    @property
    def data_type(self) -> T.DataType:
        if self.items and all(isinstance(i.data_type, T.BinaryType) for i in self.items):
            return T.BinaryType()
        return T.StringType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        values = [i.eval(batch) for i in self.items]
        separator = b"" if isinstance(self.data_type, T.BinaryType) else ""
        return pc.binary_join_element_wise(*values, separator, null_handling="emit_null")


@dataclass(frozen=True, slots=True)
class ConcatWs(Expression):
    """``concat_ws(sep, a, b, ...)``: NULL inputs are skipped."""

    sep: str
    items: tuple[Expression, ...]

    child_fields = ("items",)

    def coerce(self) -> Expression:
        return ConcatWs(self.sep, tuple(cast_if_needed(i, T.StringType()) for i in self.items))

    @property
    def data_type(self) -> T.DataType:
        return T.StringType()

    @property
    def nullable(self) -> bool:
        return False

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        values = [i.eval(batch) for i in self.items]
        return pc.binary_join_element_wise(*values, self.sep, null_handling="skip")

    def _fmt(self, args: list[str]) -> str:
        return f"concat_ws({', '.join([self.sep] + args)})"


@dataclass(frozen=True, slots=True)
class Split(Expression):
    """``split(str, regex, limit)``: an array of the pieces between matches."""

    child: Expression
    pattern: str
    limit: int = -1

    child_fields = ("child",)

    def coerce(self) -> Expression:
        return Split(cast_if_needed(self.child, T.StringType()), self.pattern, self.limit)

    @property
    def data_type(self) -> T.DataType:
        return T.ArrayType(T.StringType(), False)

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        max_splits = self.limit - 1 if self.limit > 0 else None
        return pc.split_pattern_regex(self.child.eval(batch), self.pattern, max_splits=max_splits)

    def _fmt(self, args: list[str]) -> str:
        return f"split({args[0]}, {self.pattern}, {self.limit})"


def _java_replacement(replacement: str) -> str:
    """Java's ``$1`` group references in RE2's ``\\1`` spelling."""
    return re.sub(r"\$(\d+)", r"\\\1", replacement.replace("\\", "\\\\"))


@dataclass(frozen=True, slots=True)
class RegexpReplace(Expression):
    child: Expression
    pattern: str
    replacement: str

    child_fields = ("child",)

    def coerce(self) -> Expression:
        return RegexpReplace(cast_if_needed(self.child, T.StringType()), self.pattern, self.replacement)

    @property
    def data_type(self) -> T.DataType:
        return T.StringType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        return pc.replace_substring_regex(
            self.child.eval(batch), self.pattern, _java_replacement(self.replacement))

    def _fmt(self, args: list[str]) -> str:
        return f"regexp_replace({args[0]}, {self.pattern}, {self.replacement}, 1)"


def _name_groups(pattern: str) -> tuple[str, int]:
    """Rewrite unnamed capture groups as ``(?P<gN>`` so Arrow's ``extract_regex`` can return them."""
    out, count, i, in_class = [], 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "(" and not in_class and not pattern.startswith("(?", i):
            count += 1
            out.append(f"(?P<g{count}>")
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out), count


@dataclass(frozen=True, slots=True)
class RegexpExtract(Expression):
    """``regexp_extract(str, regex, idx)``: group ``idx`` of the first match, ``""`` if none."""

    child: Expression
    pattern: str
    idx: int = 1

    child_fields = ("child",)

    def coerce(self) -> Expression:
        return RegexpExtract(cast_if_needed(self.child, T.StringType()), self.pattern, self.idx)

    @property
    def data_type(self) -> T.DataType:
        return T.StringType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        named, groups = _name_groups(self.pattern)
        if self.idx > groups:
            raise AnalysisException(
                "INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX",
                f"The value of parameter `idx` in `regexp_extract` is invalid: expects group index "
                f"between 0 and {groups}, but got {self.idx}.",
            )
        named = f"(?P<g0>{named})"
        value = self.child.eval(batch)
        extracted = pc.struct_field(pc.extract_regex(value, named), f"g{self.idx}")
        return pc.if_else(pc.is_null(value), pa.scalar(None, pa.string()), pc.fill_null(extracted, ""))

    def _fmt(self, args: list[str]) -> str:
        return f"regexp_extract({args[0]}, {self.pattern}, {self.idx})"


@dataclass(frozen=True, slots=True)
class _StringPredicate(Expression):
    child: Expression
    pattern: Expression

    child_fields = ("child", "pattern")

    def coerce(self) -> Expression:
        return type(self)(cast_if_needed(self.child, T.StringType()), cast_if_needed(self.pattern, T.StringType()))

    @property
    def data_type(self) -> T.DataType:
        return T.BooleanType()

    def eval(self, batch: pa.RecordBatch) -> ArrowValue:
        value = self.child.eval(batch)
        if not isinstance(self.pattern, Literal):
            return self._match_rows(as_array(value, batch.num_rows), as_array(self.pattern.eval(batch), batch.num_rows))
        pattern = self.pattern.value
        if pattern is None:
            return pa.nulls(len(value), pa.bool_()) if not isinstance(value, pa.Scalar) else pa.scalar(None, pa.bool_())
        return self._match(value, pattern)

    def _match(self, value: ArrowValue, pattern: str) -> ArrowValue:
        raise NotImplementedError

    def _match_rows(self, values: pa.Array, patterns: pa.Array) -> pa.Array:
        """A pattern that differs per row (a column): each row matched with its own pattern."""
        out = [None if v is None or p is None else self._match(pa.array([v], values.type), p)[0].as_py()
               for v, p in zip(values.to_pylist(), patterns.to_pylist())]
        return pa.array(out, pa.bool_())


class Like(_StringPredicate):
    __slots__ = ()

    def _match(self, value: ArrowValue, pattern: str) -> ArrowValue:
        from ember.sql.expressions.like_patterns import like_regex

        return pc.match_substring_regex(value, f"^{like_regex(pattern)}$")  # Spark's escape rules, not Arrow's

    def _fmt(self, args: list[str]) -> str:
        return f"{args[0]} LIKE {args[1]}"


class RLike(_StringPredicate):
    __slots__ = ()

    def _match(self, value: ArrowValue, pattern: str) -> ArrowValue:
        return pc.match_substring_regex(value, pattern)

    def _fmt(self, args: list[str]) -> str:
        return f"RLIKE({args[0]}, {args[1]})"


class StartsWith(_StringPredicate):
    __slots__ = ()

    def _match(self, value: ArrowValue, pattern: str) -> ArrowValue:
        return pc.starts_with(value, pattern)


class EndsWith(_StringPredicate):
    __slots__ = ()

    def _match(self, value: ArrowValue, pattern: str) -> ArrowValue:
        return pc.ends_with(value, pattern)


class Contains(_StringPredicate):
    __slots__ = ()

    def _match(self, value: ArrowValue, pattern: str) -> ArrowValue:
        return pc.match_substring(value, pattern)


