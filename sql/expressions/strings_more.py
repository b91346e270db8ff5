"""String functions beyond the ``utf8_*`` basics, as ``FunctionSpec``s (see ``function_call.py``).

Arrow kernels compute those that have one (``reverse``, ``repeat``, and ``lpad``/``rpad``/
``left``/``right`` when the length is the same on every row); the rest follow Spark's
definitions per row: ``lpad`` with a multi-character pad, ``initcap`` splitting on spaces only,
``substring_index``, ``translate``, ``levenshtein``, ``soundex``, Java's ``format_string``.
"""

from __future__ import annotations

import base64
import binascii
import decimal
import re
import urllib.parse
from typing import Callable

import pyarrow as pa
import pyarrow.compute as pc

from ember.sql import types as T
from ember.sql.errors import AnalysisException, IllegalArgumentException, SparkRuntimeException
from ember.sql.expressions.coercion import cast_if_needed
from ember.sql.expressions.function_call import ANY, NUMERIC, FunctionCall, FunctionSpec, register
from ember.sql.expressions.like_patterns import escape_char, like_regex

__all__: list[str] = []

S, I, L = T.StringType(), T.IntegerType(), T.LongType()


def url_decode(text: str) -> str:
    """Java's ``URLDecoder``: ``+`` is a space, ``%xy`` a byte, and a ``%`` escaping nothing an error."""
    if re.search(r"%(?![0-9A-Fa-f]{2})", text):
        raise IllegalArgumentException("CANNOT_DECODE_URL", f"The provided URL cannot be decoded: {text}. Please "
                                       "ensure that the URL is properly formatted and try again.", "22546")
    return urllib.parse.unquote_plus(text)


def _pad(left: bool):
    def pad(s: str, n: int, p: str = " ") -> str:
        if n <= 0:
            return ""
        if len(s) >= n or not p:
            return s[:n]
        fill = (p * (n // len(p) + 1))[: n - len(s)]
        return fill + s if left else s + fill
    return pad


def _constant(values: pa.Array):
    """The one value every row holds (no NULLs), else ``None``: kernels take such arguments."""
    if len(values) == 0 or values.null_count:
        return None
    first = values[0].as_py()
    return first if pc.all(pc.equal(values, first)).as_py() else None


def _rows(fn, out_type: pa.DataType, *arrays: pa.Array) -> pa.Array:
    columns = [a.to_pylist() for a in arrays]
    return pa.array([None if None in row else fn(*row) for row in zip(*columns)], out_type)


def _pad_vector(left: bool):
    """``lpad``/``rpad``: Arrow's pad kernel for one width and a one-character pad, else per row."""
    row = _pad(left)

    def run(s: pa.Array, n: pa.Array, p: pa.Array | None = None) -> pa.Array:
        width = _constant(n)
        pad = " " if p is None else _constant(p)
        if width is None or pad is None or len(pad) != 1 or width <= 0:
            return _rows(row, pa.string(), s, n, *(() if p is None else (p,)))
        padded = (pc.utf8_lpad if left else pc.utf8_rpad)(s, width=width, padding=pad)
        return pc.utf8_slice_codeunits(padded, 0, width)
    return run


def _slice_vector(from_left: bool):
    """``left``/``right``: Arrow's slice kernel for one length, else per row."""
    def row(s: str, n: int) -> str:
        return "" if n <= 0 else s[:n] if from_left else s[-n:]

    def run(s: pa.Array, n: pa.Array) -> pa.Array:
        length = _constant(n)
        if length is None:
            return _rows(row, pa.string(), s, n)
        if length <= 0:
            return pc.if_else(pc.is_null(s), pa.scalar(None, pa.string()), "")
        return pc.utf8_slice_codeunits(s, 0, length) if from_left else pc.utf8_slice_codeunits(s, -length)
    return run


def _repeat(s: pa.Array, n: pa.Array) -> pa.Array:
    return pc.binary_repeat(s, pc.max_element_wise(n.cast(pa.int64()), 0))


def _split_part(s: str, delimiter: str, part: int) -> str:
    if part == 0:
        raise SparkRuntimeException("INVALID_INDEX_OF_ZERO", "The index 0 is invalid. An index shall be either < 0 "
                                    "or > 0 (the first element has index 1).", "22003")
    pieces = s.split(delimiter) if delimiter else [s]
    index = part - 1 if part > 0 else len(pieces) + part
    return pieces[index] if 0 <= index < len(pieces) else ""


def _regexp_substr(s: str, pattern: str) -> str | None:
    match = re.search(pattern, s)
    return None if match is None else match.group(0)


def _elt(n, *values):
    if n is None:
        return None
    if not 1 <= n <= len(values):
        raise SparkRuntimeException(
            "INVALID_ARRAY_INDEX", f"The index {n} is out of bounds. The array has {len(values)} elements. Use the "
            "SQL function `get()` to tolerate accessing element at invalid index and return NULL instead.", "22003")
    return values[n - 1]


def _find_in_set(s: str, items: str) -> int:
    if "," in s:
        return 0
    parts = items.split(",")
    return parts.index(s) + 1 if s in parts else 0


def _str_to_map(s: str, pair_delim: str = ",", key_delim: str = ":") -> list:
    pairs = []
    for item in re.split(pair_delim, s):
        key, *value = re.split(key_delim, item, maxsplit=1)
        if any(k == key for k, _ in pairs):
            raise SparkRuntimeException(
                "DUPLICATED_MAP_KEY", f"Duplicate map key {key} was found, please check the input data.")
        pairs.append((key, value[0] if value else None))
    return pairs


def _split_rows(s: str, pattern: str, limit: int = -1) -> list[str]:
    """``split`` with a pattern or limit that varies per row: Java's ``String.split(regex, limit)``
    (at most ``limit`` pieces when positive; trailing empty pieces kept)."""
    if limit == 1:
        return [s]
    return re.split(pattern, s, maxsplit=limit - 1 if limit > 1 else 0)


def _java_replacement(replacement: str) -> Callable[[re.Match], str]:
    """Java's replacement text: ``$n`` is group n, a backslash makes the next character literal."""
    def expand(match: re.Match) -> str:
        out, i = [], 0
        while i < len(replacement):
            ch = replacement[i]
            if ch == "\\" and i + 1 < len(replacement):
                out.append(replacement[i + 1])
                i += 2
            elif ch == "$" and i + 1 < len(replacement) and replacement[i + 1].isdigit():
                out.append(match.group(int(replacement[i + 1])) or "")
                i += 2
            else:
                out.append(ch)
                i += 1
        return "".join(out)
    return expand


def _regexp_replace_rows(s: str, pattern: str, replacement: str, position: int = 1) -> str:
    """``regexp_replace`` with a pattern, replacement or position that is not a constant string."""
    if position <= 0:
        raise AnalysisException(
            "DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
            f"Cannot resolve \"regexp_replace\" due to data type mismatch: The position must be between "
            f"(0, 2147483647] (current value = {position}).", "42K09")
    start = position - 1
    return s[:start] + re.sub(pattern, _java_replacement(replacement), s[start:])


def _regexp_instr(s: str, pattern: str, idx: int = 0) -> int:
    """Where the first match starts (1-based; 0 if none). Spark takes ``idx`` but, whatever it is,
    gives the start of the whole match."""
    match = re.search(pattern, s)
    return 0 if match is None else match.start() + 1


def _overlay(s: str, replacement: str, pos: int, length: int = -1) -> str:
    length = len(replacement) if length < 0 else length
    start = max(pos - 1, 0)
    return s[:start] + replacement + s[start + length:]


def _initcap(s: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in s.lower().split(" "))


def _translate(s: str, matching: str, replace: str) -> str:
    table: dict[str, str | None] = {}
    for i, ch in enumerate(matching):
        table.setdefault(ch, replace[i] if i < len(replace) else None)
    return "".join(table.get(ch, ch) or "" for ch in s)


def _substring_index(s: str, delim: str, count: int) -> str:
    if count == 0 or not delim:
        return ""
    parts = s.split(delim)
    return delim.join(parts[:count]) if count > 0 else delim.join(parts[count:])


def _levenshtein(a: str, b: str, threshold: int | None = None) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    distance = previous[-1]
    return -1 if threshold is not None and distance > threshold else distance


def _soundex(s: str) -> str:
    if not s or not s[0].isalpha() or not s[0].isascii():
        return s
    codes = {c: str(d) for d, letters in enumerate(
        ["AEIOUY", "BFPV", "CGJKQSXZ", "DT", "L", "MN", "R"]) for c in letters}
    out, last = s[0].upper(), codes.get(s[0].upper(), "")
    for ch in s[1:].upper():
        if ch in "HW":
            continue
        code = codes.get(ch)
        if code is None:
            last = ""
            continue
        if code != "0" and code != last:
            out += code
        last = code
        if len(out) == 4:
            break
    return out.ljust(4, "0")


def _format_number(x, d):
    if isinstance(d, str):
        raise NotImplementedError("format_number with a pattern")
    if d < 0:
        return None
    value = decimal.Decimal(repr(x) if isinstance(x, float) else x)
    quantized = value.quantize(decimal.Decimal(1).scaleb(-d), rounding=decimal.ROUND_HALF_EVEN)
    return f"{quantized:,.{d}f}"


_FORMAT_SPEC = re.compile(r"%(\d+\$)?([-#+ 0,(]*)(\d+)?(\.\d+)?([a-zA-Z%])")


def _format_one(arg, flags: str, width: str, precision: str, conversion: str) -> str:
    """One ``%`` conversion of Java's formatter: NULL prints ``null`` (``false`` for ``%b``)."""
    conv = conversion.lower()
    if arg is None:
        arg, conv = ("false" if conv == "b" else "null"), "s"
    elif conv == "b":
        arg, conv = str(bool(arg)).lower(), "s"
    if "," in flags and isinstance(arg, (int, float)) and conv in "df":
        return format(arg, f"{flags.replace(',', '').replace('(', '')}{width},{precision}{conv}")
    return f"%{flags.replace(',', '')}{width}{precision}{conv}" % (arg,)


def _format_string(fmt, *args):
    """Java's ``String.format`` for the common conversions; a NULL argument prints ``null``
    (cut to the precision, as Java does: ``printf('%.2f', NULL)`` is ``nu``)."""
    if fmt is None:
        return None
    out, position, last = [], 0, 0
    for m in _FORMAT_SPEC.finditer(fmt):
        out.append(fmt[last:m.start()])
        last = m.end()
        index, flags, width, precision, conversion = m.groups()
        if conversion == "%":
            out.append("%")
            continue
        if conversion == "n":
            out.append("\n")
            continue
        if index:
            arg = args[int(index[:-1]) - 1]
        else:
            arg = args[position]
            position += 1
        text = _format_one(arg, flags, width or "", precision or "", conversion)
        out.append(text.upper() if conversion in "SXEGB" else text)
    out.append(fmt[last:])
    return "".join(out)


def _chr(n: int) -> str:
    return "" if n < 0 else chr(n % 256)


def _to_bytes(v) -> bytes:
    return v.encode() if isinstance(v, str) else v


def _unbase64(s: str) -> bytes:
    return base64.b64decode(s + "=" * (-len(s) % 4))


def _regexp_extract_all(s: str, pattern: str, idx: int = 1) -> list[str]:
    compiled = re.compile(pattern)
    if idx > compiled.groups:
        raise AnalysisException(
            "INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX",
            f"The value of parameter `idx` in `regexp_extract_all` is invalid: expects group index between 0 "
            f"and {compiled.groups}, but got {idx}.",
        )
    return [m.group(idx) or "" for m in compiled.finditer(s)]


def _hex(v) -> str:
    if isinstance(v, (bytes, str)):
        return _to_bytes(v).hex().upper()
    return format(v & 0xFFFFFFFFFFFFFFFF, "X")


def _unhex(s: str) -> bytes | None:
    try:
        return binascii.unhexlify(("0" + s) if len(s) % 2 else s)
    except (binascii.Error, ValueError):
        return None


def _string_or_array(call: FunctionCall) -> tuple:
    """``reverse`` takes an array as it is and anything else as a string."""
    arg = call.args[0]
    if isinstance(arg.data_type, T.ArrayType):
        return (arg,)
    if isinstance(arg.data_type, (T.MapType, T.StructType)):
        raise AnalysisException(
            "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
            f"Cannot resolve \"{call.sql()}\" due to data type mismatch: The first parameter requires the "
            f"(\"STRING\" or \"ARRAY\") type, however \"{arg.sql()}\" has the type "
            f"\"{arg.data_type.simpleString().upper()}\".")
    return (cast_if_needed(arg, S),)


def _reverse(values: pa.Array) -> pa.Array:
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return pc.utf8_reverse(values)
    return pa.array([None if v is None else v[::-1] for v in values.to_pylist()], values.type)


def _url_encode(text: str) -> str:
    """Java's ``URLEncoder.encode(text, UTF-8)``: only letters, digits and ``.-*_`` stay; space is ``+``."""
    return urllib.parse.quote_plus(text, safe="*").replace("~", "%7E")


def _like(text: str, pattern: str, escape: str = "\\", flags: int = 0) -> bool:
    return re.fullmatch(like_regex(pattern, escape_char(escape)), text, flags) is not None


for spec in [
    FunctionSpec("instr", (S, S), I, row=lambda s, sub: s.find(sub) + 1),
    FunctionSpec("split_part", (S, S, I), S, row=_split_part),
    FunctionSpec("overlay", (S, S, I, I), S, min_args=3, row=_overlay,
                 fmt=lambda a: f"overlay({', '.join(a if len(a) == 4 else a + ['-1'])})"),
    FunctionSpec("elt", (I, S), S, variadic=True, min_args=2, null_safe=True, row=_elt),
    FunctionSpec("find_in_set", (S, S), I, row=_find_in_set),
    FunctionSpec("url_encode", (S,), S, row=_url_encode),
    FunctionSpec("url_decode", (S,), S, row=url_decode),
    FunctionSpec("quote", (S,), S, row=lambda s: "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"),
    FunctionSpec("str_to_map", (S, S, S), T.MapType(S, S, True), min_args=1, row=_str_to_map,
                 fmt=lambda a: f"str_to_map({', '.join(a + [',', ':'][len(a) - 1:])})"),
    FunctionSpec("split_rows", (S, S, I), T.ArrayType(S, False), row=_split_rows,
                 fmt=lambda a: f"split({', '.join(a)})"),
    FunctionSpec("regexp_replace_rows", (S, S, S, I), S, row=_regexp_replace_rows,
                 fmt=lambda a: f"regexp_replace({', '.join(a)})"),
    FunctionSpec("regexp_instr", (S, S, I), I, min_args=2, row=_regexp_instr,
                 fmt=lambda a: f"regexp_instr({', '.join(a if len(a) == 3 else a + ['0'])})"),
    FunctionSpec("regexp_substr", (S, S), S, row=_regexp_substr),
    FunctionSpec("regexp_count", (S, S), I, row=lambda s, p: len(re.findall(p, s))),
    FunctionSpec("octet_length", (S,), I, vector=lambda s: pc.binary_length(s).cast(pa.int32())),
    FunctionSpec("bit_length", (S,), I, vector=lambda s: pc.multiply(pc.binary_length(s).cast(pa.int32()), 8)),
    FunctionSpec("char_length", (S,), I, vector=lambda s: pc.utf8_length(s).cast(pa.int32())),
    FunctionSpec("character_length", (S,), I, vector=lambda s: pc.utf8_length(s).cast(pa.int32())),
    FunctionSpec("lcase", (S,), S, vector=pc.utf8_lower),
    FunctionSpec("ucase", (S,), S, vector=pc.utf8_upper),
    FunctionSpec("encode", (S, S), T.BinaryType(), row=lambda s, charset: s.encode(charset)),
    FunctionSpec("decode", (T.BinaryType(), S), S, row=lambda b, charset: bytes(b).decode(charset)),
    FunctionSpec("locate", (S, S, I), I, min_args=2, null_safe=True,
                 row=lambda sub, s, pos=1: None if sub is None or s is None else
                 (0 if pos is None or pos < 1 else s.find(sub, pos - 1) + 1)),
    FunctionSpec("lpad", (S, I, S), S, min_args=2, vector=_pad_vector(True)),
    FunctionSpec("rpad", (S, I, S), S, min_args=2, vector=_pad_vector(False)),
    FunctionSpec("repeat", (S, I), S, vector=_repeat),
    FunctionSpec("initcap", (S,), S, row=_initcap),
    FunctionSpec("translate", (S, S, S), S, row=_translate),
    FunctionSpec("replace", (S, S, S), S, min_args=2,
                 row=lambda s, search, rep="": s.replace(search, rep) if search else s),
    FunctionSpec("left", (S, I), S, vector=_slice_vector(True)),
    FunctionSpec("right", (S, I), S, vector=_slice_vector(False)),
    FunctionSpec("ascii", (S,), I, row=lambda s: ord(s[0]) if s else 0),
    FunctionSpec("base64", (ANY,), S, row=lambda b: base64.b64encode(_to_bytes(b)).decode()),
    FunctionSpec("unbase64", (S,), T.BinaryType(), row=_unbase64),
    FunctionSpec("btrim", (S, S), S, min_args=1, row=lambda s, chars=" ": s.strip(chars)),
    FunctionSpec("trim", (S, S), S, min_args=1, row=lambda s, chars=" ": s.strip(chars),
                 fmt=lambda a: f"trim({a[0]})" if len(a) == 1 else f"TRIM(BOTH {a[1]} FROM {a[0]})"),
    FunctionSpec("ltrim", (S, S), S, min_args=1, row=lambda s, chars=" ": s.lstrip(chars),
                 fmt=lambda a: f"ltrim({a[0]})" if len(a) == 1 else f"TRIM(LEADING {a[1]} FROM {a[0]})"),
    FunctionSpec("rtrim", (S, S), S, min_args=1, row=lambda s, chars=" ": s.rstrip(chars),
                 fmt=lambda a: f"rtrim({a[0]})" if len(a) == 1 else f"TRIM(TRAILING {a[1]} FROM {a[0]})"),
    FunctionSpec("char", (L,), S, row=_chr),
    FunctionSpec("chr", (L,), S, row=_chr),
    FunctionSpec("levenshtein", (S, S, I), I, min_args=2, row=_levenshtein),
    FunctionSpec("substring_index", (S, S, I), S, row=_substring_index),
    FunctionSpec("soundex", (S,), S, row=_soundex),
    FunctionSpec("format_number", (NUMERIC, ANY), S, row=_format_number),
    FunctionSpec("format_string", (S, ANY), S, min_args=1, variadic=True, null_safe=True, row=_format_string),
    FunctionSpec("printf", (S, ANY), S, min_args=1, variadic=True, null_safe=True, row=_format_string),
    FunctionSpec("regexp_extract_all", (S, S, I), T.ArrayType(S, True), min_args=2, row=_regexp_extract_all),
    FunctionSpec("hex", (ANY,), S, row=_hex),
    FunctionSpec("unhex", (S,), T.BinaryType(), row=_unhex),
    FunctionSpec("reverse", (ANY,), lambda t: t[0], coerce_args=_string_or_array, vector=_reverse),
    FunctionSpec("ilike", (S, S, S), T.BooleanType(), min_args=2,
                 row=lambda s, p, escape="\\": _like(s, p, escape, re.IGNORECASE),
                 fmt=lambda a: f"ilike({a[0]}, {a[1]})"),  # Spark's name leaves the escape out
    FunctionSpec("like_escape", (S, S, S), T.BooleanType(), row=_like,
                 fmt=lambda a: f"{a[0]} LIKE {a[1]} ESCAPE '{a[2]}'"),
]:
    register(spec)
