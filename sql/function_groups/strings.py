"""String functions: case, trimming and padding, substrings, search, regular expressions, formatting,
encodings, URL escaping."""

from __future__ import annotations

import builtins

from typing import Any, Callable

from ember.sql import expressions as E
from ember.sql.column import Column, expression_of, value_expression
from ember.sql.function_groups.builders import (
    call as _call, col_arg as _c, literal_value as _lit_value, name_or_value_arg as _name_or_value, seed_value,
    sql_call as _sql_call, sql_namer, unary as _unary,
)

__all__ = [
    "upper", "lower", "length", "trim", "ltrim", "rtrim", "substring", "substr", "concat", "concat_ws", "split",
    "regexp_replace", "regexp_extract", "regexp_extract_all", "regexp_substr", "regexp_count", "regexp_instr",
    "like", "ilike", "rlike", "regexp_like", "regexp", "startswith", "endswith", "contains", "reverse", "instr",
    "locate", "position", "lpad", "rpad", "repeat", "initcap", "translate", "replace", "left", "right", "ascii",
    "base64", "unbase64", "char", "btrim", "levenshtein", "substring_index", "soundex", "format_number",
    "format_string", "printf", "hex", "unhex", "split_part", "octet_length", "bit_length", "char_length",
    "character_length", "lcase", "ucase", "encode", "decode", "elt", "find_in_set", "url_encode", "url_decode",
    "quote", "str_to_map", "overlay", "sentences", "to_char", "to_varchar", "to_number", "try_to_number", "to_binary",
    "try_to_binary", "to_base32", "from_base32", "is_valid_utf8", "make_valid_utf8", "validate_utf8",
    "try_validate_utf8", "try_url_decode", "jaro_winkler_similarity", "randstr",
]

SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {}
_sql_name = sql_namer(SQL_FUNCTIONS)


@_sql_name()
def upper(col: Any) -> Column:
    return Column(E.Upper(_c(col)))


@_sql_name()
def lower(col: Any) -> Column:
    return Column(E.Lower(_c(col)))


@_sql_name()
def length(col: Any) -> Column:
    return Column(E.Length(_c(col)))


@_sql_name()
def trim(col: Any, trim: Any = None) -> Column:
    """Strip spaces, or the characters of ``trim``, from the string's ends."""
    if trim is None:
        return Column(E.Trim(_c(col)))
    return _call("trim", _c(col), _c(trim))


@_sql_name()
def ltrim(col: Any, trim: Any = None) -> Column:
    """Strip spaces, or the characters of ``trim``, from the string's ends."""
    if trim is None:
        return Column(E.LTrim(_c(col)))
    return _call("ltrim", _c(col), _c(trim))


@_sql_name()
def rtrim(col: Any, trim: Any = None) -> Column:
    """Strip spaces, or the characters of ``trim``, from the string's ends."""
    if trim is None:
        return Column(E.RTrim(_c(col)))
    return _call("rtrim", _c(col), _c(trim))


@_sql_name("substring", "substr")
def substring(str: Any, pos: int, len: int) -> Column:
    return Column(E.Substring(_c(str), _name_or_value(pos), _name_or_value(len)))


@_sql_name()
def concat(*cols: Any) -> Column:
    return Column(E.Concat(tuple(_c(c) for c in cols)))


def concat_ws(sep: str, *cols: Any) -> Column:
    return Column(E.ConcatWs(sep, tuple(_c(c) for c in cols)))


@_sql_name("concat_ws")
def _concat_ws_sql(sep: Any, *cols: Any) -> Column:
    """SQL's ``concat_ws(sep, ...)``: the separator arrives as a literal column."""
    return concat_ws(_lit_value(sep, "The separator of concat_ws"), *cols)


def split(str: Any, pattern: Any, limit: Any = -1) -> Column:
    """``split(str, regex, limit)``; a Column pattern or limit (or a limit given as a column name) varies per row."""
    if isinstance(pattern, builtins.str) and isinstance(limit, int):
        return Column(E.Split(_c(str), pattern, limit))
    return _call("split_rows", _c(str), value_expression(pattern), _name_or_value(limit))


def regexp_replace(string: Any, pattern: Any, replacement: Any, position: Any = None) -> Column:
    """Every match of ``pattern`` replaced (Java's ``$1`` group references), from ``position`` (1-based) on."""
    if isinstance(pattern, str) and isinstance(replacement, str) and position is None:
        return Column(E.RegexpReplace(_c(string), pattern, replacement))
    return _call("regexp_replace_rows", _c(string), value_expression(pattern), value_expression(replacement),
                 value_expression(1 if position is None else position))


def regexp_extract(str: Any, pattern: str, idx: int) -> Column:
    return Column(E.RegexpExtract(_c(str), pattern, idx))


def like(str: Any, pattern: Any, escapeChar: Any = None) -> Column:
    """``str LIKE pattern [ESCAPE escapeChar]``; as in PySpark, a pattern given as a string names a column."""
    if escapeChar is not None:
        return _call("like_escape", _c(str), _c(pattern), E.Literal.of(_escape(escapeChar)))
    return Column(E.Like(_c(str), _c(pattern)))


def _escape(value: Any) -> str:
    from ember.sql.expressions.like_patterns import escape_char

    return escape_char(_lit_value(value, "escapeChar"))


def rlike(str: Any, regexp: Any) -> Column:
    """``str RLIKE regexp``; as in PySpark, a regexp given as a string names a column."""
    return Column(E.RLike(_c(str), _c(regexp)))


regexp_like = regexp = rlike


def startswith(str: Any, prefix: Any) -> Column:
    return Column(E.StartsWith(_c(str), _c(prefix)))


def endswith(str: Any, suffix: Any) -> Column:
    return Column(E.EndsWith(_c(str), _c(suffix)))


def contains(left: Any, right: Any) -> Column:
    return Column(E.Contains(_c(left), _c(right)))


for _name in (
    "instr", "lpad", "rpad", "repeat", "initcap", "translate", "replace", "left", "right", "ascii", "base64",
    "unbase64", "btrim", "char", "chr", "levenshtein", "substring_index", "soundex", "format_number",
    "format_string", "printf", "regexp_extract_all", "hex", "unhex", "ilike", "split_part", "regexp_substr",
    "regexp_count", "octet_length", "bit_length", "char_length", "character_length", "lcase", "ucase", "encode",
    "decode", "elt", "find_in_set", "url_encode", "url_decode", "quote", "str_to_map", "regexp_instr", "overlay",
):
    SQL_FUNCTIONS[_name] = _sql_call(_name)
for _alias, _name in {"to_base64": "base64", "from_base64": "unbase64", "format": "format_string"}.items():
    SQL_FUNCTIONS[_alias] = _sql_call(_name)
SQL_FUNCTIONS["contains"] = contains
SQL_FUNCTIONS["startswith"] = SQL_FUNCTIONS["starts_with"] = startswith
SQL_FUNCTIONS["endswith"] = SQL_FUNCTIONS["ends_with"] = endswith


@_sql_name("str_position")
def _str_position_sql(string: Column, substr: Column, pos: Column | None = None) -> Column:
    """sqlglot's one node for ``instr(str, substr)`` and ``locate(substr, str[, pos])``."""
    if pos is None:
        return _call("instr", expression_of(string), expression_of(substr))
    return _call("locate", expression_of(substr), expression_of(string), expression_of(pos))


@_sql_name("pad")
def _pad_sql(string: Column, length: Column, *rest: Column) -> Column:
    """sqlglot's one node for ``lpad``/``rpad``: the last argument says which."""
    *fill, is_left = rest
    return _call("lpad" if _lit_value(is_left, "side") else "rpad", expression_of(string), expression_of(length),
                 *(expression_of(f) for f in fill))


@_sql_name("reverse")
def reverse(col: Any) -> Column:
    """A string's characters, or an array's elements, in reverse order."""
    return _call("reverse", _c(col))


def instr(str: Any, substr: Any) -> Column:
    return _call("instr", _c(str), value_expression(substr))


def locate(substr: str, str: Any, pos: int = 1) -> Column:
    return _call("locate", value_expression(substr), _c(str), value_expression(pos))


def lpad(col: Any, len: Any, pad: Any) -> Column:
    return _call("lpad", _c(col), value_expression(len), value_expression(pad))


def rpad(col: Any, len: Any, pad: Any) -> Column:
    return _call("rpad", _c(col), value_expression(len), value_expression(pad))


def repeat(col: Any, n: Any) -> Column:
    return _call("repeat", _c(col), _c(n) if isinstance(n, (str, Column)) else value_expression(n))


def initcap(col: Any) -> Column:
    return _call("initcap", _c(col))


def translate(srcCol: Any, matching: str, replace: str) -> Column:
    return _call("translate", _c(srcCol), value_expression(matching), value_expression(replace))


def replace(src: Any, search: Any, replace: Any = None) -> Column:
    extra = () if replace is None else (_c(replace),)
    return _call("replace", _c(src), _c(search), *extra)


def left(str: Any, len: Any) -> Column:
    return _call("left", _c(str), _c(len))


def right(str: Any, len: Any) -> Column:
    return _call("right", _c(str), _c(len))


ascii = _unary("ascii")
base64 = _unary("base64")
unbase64 = _unary("unbase64")
char = _unary("char")
soundex = _unary("soundex")
hex = _unary("hex")
unhex = _unary("unhex")


octet_length, bit_length = _unary("octet_length"), _unary("bit_length")
char_length, character_length = _unary("char_length"), _unary("character_length")
lcase, ucase = _unary("lcase"), _unary("ucase")
url_encode, url_decode, quote = _unary("url_encode"), _unary("url_decode"), _unary("quote")


def chr(n: Any) -> Column:
    return _call("chr", _c(n))


def btrim(str: Any, trim: Any = None) -> Column:
    return _call("btrim", _c(str), *(() if trim is None else (_c(trim),)))


def levenshtein(left: Any, right: Any, threshold: int | None = None) -> Column:
    return _call("levenshtein", _c(left), _c(right), *(() if threshold is None else (value_expression(threshold),)))


def substring_index(str: Any, delim: str, count: int) -> Column:
    return _call("substring_index", _c(str), value_expression(delim), value_expression(count))


def format_number(col: Any, d: int) -> Column:
    return _call("format_number", _c(col), value_expression(d))


def format_string(format: str, *cols: Any) -> Column:
    return _call("format_string", value_expression(format), *(_c(c) for c in cols))


def printf(format: Any, *cols: Any) -> Column:
    return _call("printf", _c(format), *(_c(c) for c in cols))


def regexp_extract_all(str: Any, regexp: Any, idx: Any = None) -> Column:
    return _call("regexp_extract_all", _c(str), _c(regexp), value_expression(1 if idx is None else idx))


@_sql_name("regexp_extract_all")
def _regexp_extract_all_sql(str: Column, regexp: Column, idx: Column | None = None) -> Column:
    return regexp_extract_all(str, regexp, idx)


def ilike(str: Any, pattern: Any, escapeChar: Any = None) -> Column:
    if escapeChar is not None:
        return _call("ilike", _c(str), _c(pattern), E.Literal.of(_escape(escapeChar)))
    return _call("ilike", _c(str), _c(pattern))


def substr(str: Any, pos: Any, len: Any = None) -> Column:
    """``substring`` with the position and length given as columns (or names)."""
    length = E.Literal.of(2147483647) if len is None else _c(len)
    return Column(E.Substring(_c(str), _c(pos), length, "substr"))


@_sql_name("split", "regexp_split")
def _split_sql(str: Column, regex: Column, limit: Column | None = None) -> Column:
    return split(str, _lit_value(regex, "The pattern of split"), -1 if limit is None else _lit_value(limit, "limit"))


def split_part(src: Any, delimiter: Any, partNum: Any) -> Column:
    return _call("split_part", _c(src), _c(delimiter), _c(partNum))


def regexp_substr(str: Any, regexp: Any) -> Column:
    return _call("regexp_substr", _c(str), _c(regexp))


def regexp_count(str: Any, regexp: Any) -> Column:
    return _call("regexp_count", _c(str), _c(regexp))


def encode(col: Any, charset: str) -> Column:
    return _call("encode", _c(col), value_expression(charset))


def decode(col: Any, charset: str) -> Column:
    return _call("decode", _c(col), value_expression(charset))


def elt(*inputs: Any) -> Column:
    return _call("elt", *(_c(c) for c in inputs))


def find_in_set(str: Any, str_array: Any) -> Column:
    return _call("find_in_set", _c(str), _c(str_array))


def str_to_map(text: Any, pairDelim: Any = None, keyValueDelim: Any = None) -> Column:
    return _call("str_to_map", _c(text), value_expression(pairDelim) if pairDelim is not None else E.Literal.of(","),
                 value_expression(keyValueDelim) if keyValueDelim is not None else E.Literal.of(":"))


def regexp_instr(str: Any, regexp: Any, idx: Any = None) -> Column:
    return _call("regexp_instr", _c(str), _c(regexp), value_expression(0 if idx is None else idx))


@_sql_name("position")
def position(substr: Any, str: Any, start: Any = None) -> Column:
    """``locate`` with the start last, named ``position(substr, str, start)``."""
    return Column(E.FunctionCall("locate", (_c(substr), _c(str), value_expression(1) if start is None else _c(start))))


def overlay(src: Any, replace: Any, pos: Any, len: Any = -1) -> Column:
    """``src`` with ``len`` characters from ``pos`` (1-based) replaced by ``replace`` (``len`` -1: its length)."""
    return _call("overlay", _c(src), _c(replace), value_expression(pos) if isinstance(pos, int) else _c(pos),
                 value_expression(len) if isinstance(len, int) else _c(len))


# ---------------------------------------------------------------- number formats, bytes and text, similarity
for _name in ("sentences", "to_char", "to_varchar", "to_number", "try_to_number", "to_binary", "try_to_binary",
              "to_base32", "from_base32", "is_valid_utf8", "make_valid_utf8", "validate_utf8", "try_validate_utf8",
              "try_url_decode", "jaro_winkler_similarity"):
    SQL_FUNCTIONS[_name] = _sql_call(_name)
to_base32, from_base32, try_url_decode = _unary("to_base32"), _unary("from_base32"), _unary("try_url_decode")
is_valid_utf8, make_valid_utf8 = _unary("is_valid_utf8"), _unary("make_valid_utf8")
validate_utf8, try_validate_utf8 = _unary("validate_utf8"), _unary("try_validate_utf8")


def sentences(string: Any, language: Any = None, country: Any = None) -> Column:
    """The text's sentences, each an array of its words (``language``/``country`` as in Spark, unused)."""
    rest = [_c(a) for a in (language, country) if a is not None]
    return _call("sentences", _c(string), *rest)


def to_char(col: Any, format: Any) -> Column:
    """The number printed with Spark's number format (``9 0 . , $ S MI PR``, ``D``/``G``)."""
    return _call("to_char", _c(col), _c(format))


def to_varchar(col: Any, format: Any) -> Column:
    """``to_char`` under its other name."""
    return _call("to_varchar", _c(col), _c(format))


def to_number(col: Any, format: Any) -> Column:
    """The string read as a decimal with Spark's number format; an error where it does not match."""
    return _call("to_number", _c(col), _c(format))


def try_to_number(col: Any, format: Any) -> Column:
    """``to_number``, but NULL where the string does not match the format."""
    return _call("try_to_number", _c(col), _c(format))


def to_binary(col: Any, format: Any = None) -> Column:
    """The string's bytes read as ``hex`` (the default), ``base64``, ``utf-8`` or ``utf8``."""
    return _call("to_binary", _c(col), *(() if format is None else (_c(format),)))


def try_to_binary(col: Any, format: Any = None) -> Column:
    """``to_binary``, but NULL for text the format cannot read or an unknown format."""
    return _call("try_to_binary", _c(col), *(() if format is None else (_c(format),)))


def jaro_winkler_similarity(left: Any, right: Any) -> Column:
    """The Jaro-Winkler similarity of two strings, from 0.0 to 1.0."""
    return _call("jaro_winkler_similarity", _c(left), _c(right))


def randstr(length: Any, seed: Any = None) -> Column:
    """A random string of ``length`` letters and digits per row; deterministic per ``seed`` and
    partition, but numpy's draws, not Spark's."""
    from ember.sql.expressions.random_values import RandStr

    return Column(RandStr(seed_value(seed), value_expression(length), seed is not None))


SQL_FUNCTIONS["randstr"] = randstr
