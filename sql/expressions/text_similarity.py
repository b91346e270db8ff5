"""``jaro_winkler_similarity`` and ``sentences``, as ``FunctionSpec``s (see ``function_call.py``).

``jaro_winkler_similarity`` is Apache Commons Text's ``JaroWinklerSimilarity``, which Spark
calls: matches within half the longer string's length, half the transpositions, a prefix of up
to four characters scaled by 0.1 once the Jaro similarity reaches 0.7.

``sentences`` follows the JDK's sentence and word ``BreakIterator`` that Spark uses, for the
text it is meant for: a sentence ends at ``?`` or ``!``, and at ``.`` before an upper-case
letter or the end; a word is letters and digits, joined across a single ``.``, ``'``
or ``-`` between them (``3.5``, ``o'clock``, ``e-mail``); other characters separate words.
The language and country arguments are accepted and, as for Spark's English rules, unused.
"""

from __future__ import annotations

import re

from ember.sql import types as T
from ember.sql.expressions.function_call import FunctionSpec, register

__all__: list[str] = []

S = T.StringType()


def _jaro_matches(first: str, second: str) -> tuple[int, int, int]:
    longer, shorter = (first, second) if len(first) > len(second) else (second, first)
    window = max(len(longer) // 2 - 1, 0)
    match_index = [-1] * len(shorter)
    matched = [False] * len(longer)
    matches = 0
    for i, char in enumerate(shorter):
        for j in range(max(i - window, 0), min(i + window + 1, len(longer))):
            if not matched[j] and char == longer[j]:
                match_index[i], matched[j] = j, True
                matches += 1
                break
    in_shorter = [c for c, j in zip(shorter, match_index) if j != -1]
    in_longer = [c for c, m in zip(longer, matched) if m]
    transpositions = sum(a != b for a, b in zip(in_shorter, in_longer))
    prefix = 0
    for a, b in zip(first[:4], second[:4]):
        if a != b:
            break
        prefix += 1
    return matches, transpositions // 2, prefix


def _jaro_winkler(left: str, right: str) -> float:
    if left == right:
        return 1.0
    matches, half_transpositions, prefix = _jaro_matches(left, right)
    if matches == 0:
        return 0.0
    jaro = (matches / len(left) + matches / len(right) + (matches - half_transpositions) / matches) / 3
    return jaro if jaro < 0.7 else jaro + 0.1 * prefix * (1.0 - jaro)


_SENTENCE_END = re.compile(r"[?!]+\s*|\.+\s+(?=[^\w]*[A-Z])|\.+\s*$")
_WORD = re.compile(r"[^\W_]+(?:[.'\-][^\W_]+)*")


def _sentences(text: str, language: str | None = None, country: str | None = None) -> list[list[str]]:
    out, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        out.append(_WORD.findall(text[start:end.end()]))
        start = end.end()
    out.append(_WORD.findall(text[start:]))
    return [words for words in out if words]


register(FunctionSpec("jaro_winkler_similarity", (S, S), T.DoubleType(), row=_jaro_winkler))
register(FunctionSpec("sentences", (S, S, S), T.ArrayType(T.ArrayType(S, True), True), min_args=1,
                      row=_sentences, fmt=lambda a: f"sentences({', '.join(a + ['', ''][len(a) - 1:])})"))
