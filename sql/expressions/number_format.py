"""Spark's number format patterns: ``to_char``/``to_varchar`` print a number with one,
``to_number``/``try_to_number`` read one, as ``FunctionSpec``s (see ``function_call.py``).

A format is ``[MI|S] [$] [0|9|G|,]* [.|D] [0|9]* [$] [PR|MI|S]`` (upper-cased; ``G`` is ``,``
and ``D`` is ``.``). Printing: a value with more integer digits than the format becomes ``#``s;
shorter integer parts are padded with ``0`` where the format's digits start with ``0`` and with
spaces otherwise; the fraction is rounded half up to the format's digits; ``S`` prints ``+``/``-``
just before the first digit, ``MI`` a ``-`` or a space, ``PR`` angle brackets or two spaces.
Reading: the result is DECIMAL(all the format's digits, its fraction digits); a digit group that
starts with ``0`` before the point needs exactly as many digits, ``9``s take as many or fewer, and
text that does not match is an error (``try_to_number``: NULL).
"""

from __future__ import annotations

import decimal
import re
from dataclasses import dataclass

from ember.sql import types as T
from ember.sql.errors import AnalysisException, IllegalArgumentException
from ember.sql.expressions.base import Expression
from ember.sql.expressions.coercion import cast_if_needed, is_numeric
from ember.sql.expressions.function_call import ANY, FunctionCall, FunctionSpec, register

__all__: list[str] = []

S = T.StringType()
_STRUCTURE = ("the structure of the format string must match: `[MI|S]` `[$]` `[0|9|G|,]*` `[.|D]` `[0|9]*` `[$]` "
              "`[PR|MI|S]`")


@dataclass(frozen=True)
class NumberFormat:
    """A parsed number format: the parts around its digits."""

    text: str
    leading_sign: str  # "", "S" or "MI"
    dollar: bool
    integer: str  # the 0/9/, characters before the point
    point: bool
    fraction: str  # the 0/9 characters after it
    trailing_sign: str  # "", "S", "MI" or "PR"

    @property
    def precision(self) -> int:
        return sum(c in "09" for c in self.integer) + len(self.fraction)


_PATTERN = re.compile(r"(MI|S)?(\$)?([09,]*)(\.)?([09]*)(\$)?(PR|MI|S)?")


def parse_format(text: str) -> NumberFormat:
    """The format ``text`` means, or Spark's ``INVALID_FORMAT`` error."""
    upper = text.upper().replace("G", ",").replace("D", ".")
    shown = f"'{text.upper()}'"
    if upper.count(".") > 1:
        raise AnalysisException("INVALID_FORMAT.WRONG_NUM_TOKEN", f"The format is invalid: {shown}. At most one . "
                                "or D is allowed in the number format.", "42601")
    match = _PATTERN.fullmatch(upper)
    if match is None:
        bad = next((c for c in text.upper() if c not in "09,G.D$SMIPR"), text.upper()[0] if text else "")
        raise AnalysisException("INVALID_FORMAT.UNEXPECTED_TOKEN", f"The format is invalid: {shown}. Found the "
                                f"unexpected character '{bad}'' in the format string; {_STRUCTURE}.", "42601")
    lead, dollar, integer, point, fraction, dollar2, trail = match.groups()
    if lead and trail:
        raise AnalysisException("INVALID_FORMAT.WRONG_NUM_TOKEN", f"The format is invalid: {shown}. At most one "
                                "sign is allowed in the number format.", "42601")
    if not (integer + fraction).strip(","):
        raise AnalysisException("INVALID_FORMAT.WRONG_NUM_DIGIT", f"The format is invalid: {shown}. The format "
                                "string requires at least one number digit.", "42601")
    return NumberFormat(text, lead or "", bool(dollar or dollar2), integer, bool(point), fraction, trail or "")


def _format_literal(call: FunctionCall) -> NumberFormat:
    from ember.sql.expressions.literals import Literal

    fmt = call.args[1]
    if not isinstance(fmt, Literal) or not isinstance(fmt.value, str):
        raise AnalysisException("DATATYPE_MISMATCH.NON_FOLDABLE_INPUT", f"Cannot resolve \"{call.sql()}\" due to "
                                "data type mismatch: the input format should be a foldable \"STRING\" expression; "
                                f"however, got {fmt.sql()}.", "42K09")
    return parse_format(fmt.value)


# ---------------------------------------------------------------- printing
def _to_char_args(call: FunctionCall) -> tuple[Expression, ...]:
    value = call.args[0]
    if not (is_numeric(value.data_type) or isinstance(value.data_type, T.NullType)):
        raise AnalysisException("UNSUPPORTED_FEATURE", f"{call.name} of a {value.data_type.simpleString().upper()} "
                                "value is not supported: Ember formats numbers only.")
    _format_literal(call)
    return (value, cast_if_needed(call.args[1], S))


def to_char(value: object, fmt_text: str) -> str:
    fmt = parse_format(fmt_text)
    number = decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)
    negative = number < 0
    places = len(fmt.fraction)
    number = abs(number).quantize(decimal.Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP)
    whole, _, frac = f"{number:f}".partition(".")
    digit_slots = sum(c in "09" for c in fmt.integer)
    if len(whole) > digit_slots and not (whole == "0" and digit_slots == 0):
        body = re.sub("[09]", "#", fmt.integer) + ("." if fmt.point else "") + "#" * places
        return _signed(fmt, body.replace(",", ","), negative, 0)
    digits = list(whole if whole != "0" or digit_slots else "")
    out, pad, started = [], 0, False
    first_digit = next((c for c in fmt.integer if c in "09"), "9")
    remaining = digit_slots
    for c in fmt.integer:
        if c == ",":
            out.append("," if started else ("," if first_digit == "0" else " "))
            pad += not started and first_digit != "0"
            continue
        if remaining > len(digits):
            if first_digit == "0":
                out.append("0")
                started = True
            else:
                out.append(" ")
                pad += 1
        else:
            out.append(digits[len(digits) - remaining])
            started = True
        remaining -= 1
    body = "".join(out)
    if fmt.point:
        body += "." + (frac or "")
    return _signed(fmt, body, negative, pad)


def _signed(fmt: NumberFormat, body: str, negative: bool, pad: int) -> str:
    lead, digits = body[:pad], body[pad:]
    if fmt.dollar:
        digits = "$" + digits
    if fmt.leading_sign == "S":
        digits = ("-" if negative else "+") + digits
    elif fmt.leading_sign == "MI":
        digits = ("-" if negative else " ") + digits
    text = lead + digits
    if fmt.trailing_sign == "S":
        return text + ("-" if negative else "+")
    if fmt.trailing_sign == "MI":
        return text + ("-" if negative else " ")
    if fmt.trailing_sign == "PR":
        return f"<{text}>" if negative else text + "  "
    return text


# ---------------------------------------------------------------- reading
def _to_number_args(call: FunctionCall) -> tuple[Expression, ...]:
    _format_literal(call)
    return (cast_if_needed(call.args[0], S), cast_if_needed(call.args[1], S))


def _to_number_type(args: list[Expression]) -> T.DataType:
    from ember.sql.expressions.literals import Literal

    fmt = args[1]
    if isinstance(fmt, Literal) and isinstance(fmt.value, str):
        parsed = parse_format(fmt.value)
        return T.DecimalType(max(parsed.precision, 1), len(parsed.fraction))
    return T.DecimalType(38, 18)


def _mismatch(text: str, fmt: str) -> IllegalArgumentException:
    return IllegalArgumentException("INVALID_FORMAT.MISMATCH_INPUT", f"The format is invalid: {fmt}. The input "
                                    f"\"STRING\" {text} does not match the format.", "42601")


def to_number(text: str, fmt_text: str) -> decimal.Decimal:
    fmt = parse_format(fmt_text)
    rest, negative = text.strip(), False
    if fmt.trailing_sign == "PR" and rest.startswith("<") and rest.endswith(">"):
        rest, negative = rest[1:-1], True
    for sign in (fmt.leading_sign, fmt.trailing_sign):
        if sign in ("S", "MI"):
            if rest[:1] in "+-" and rest and sign == fmt.leading_sign:
                negative, rest = rest[0] == "-", rest[1:]
            elif rest[-1:] in ("+", "-") and rest and sign == fmt.trailing_sign:
                negative, rest = rest[-1] == "-", rest[:-1]
    if fmt.dollar:
        if "$" not in rest:
            raise _mismatch(text, fmt_text)
        rest = rest.replace("$", "", 1)
    whole, point, frac = rest.partition(".")
    if (point and not fmt.point) or not re.fullmatch(r"[0-9,]*", whole) or not re.fullmatch(r"[0-9]*", frac):
        raise _mismatch(text, fmt_text)
    if not whole.replace(",", "") and not frac:
        raise _mismatch(text, fmt_text)
    if len(frac) > len(fmt.fraction) or not _integer_fits(whole, fmt.integer):
        raise _mismatch(text, fmt_text)
    value = decimal.Decimal((whole.replace(",", "") or "0") + ("." + frac if frac else ""))
    value = value.quantize(decimal.Decimal(1).scaleb(-len(fmt.fraction)))
    return -value if negative else value


def _integer_fits(whole: str, pattern: str) -> bool:
    """Whether the integer digits (with any grouping commas) fit the format's integer part."""
    digits = whole.replace(",", "")
    slots = pattern.replace(",", "")
    if len(digits) > len(slots) or (slots.startswith("0") and len(digits) != len(slots)):
        return False
    if "," not in whole:
        return True
    wanted = [len(g) for g in pattern.split(",")][1:]
    given = [len(g) for g in whole.split(",")][1:]
    return given == wanted[len(wanted) - len(given):] and bool(whole.split(",")[0])


def _try_to_number(text: str, fmt_text: str) -> decimal.Decimal | None:
    try:
        return to_number(text, fmt_text)
    except IllegalArgumentException:
        return None


for _spec in (
    FunctionSpec("to_char", (ANY, S), S, coerce_args=_to_char_args, row=to_char),
    FunctionSpec("to_varchar", (ANY, S), S, coerce_args=_to_char_args, row=to_char,
                 fmt=lambda a: f"to_char({', '.join(a)})"),
    FunctionSpec("to_number", (S, S), _to_number_type, typed_by_args=True, coerce_args=_to_number_args,
                 row=to_number),
    FunctionSpec("try_to_number", (S, S), _to_number_type, typed_by_args=True, coerce_args=_to_number_args,
                 row=_try_to_number),
):
    register(_spec)
