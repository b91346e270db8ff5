"""Bytes and text functions (to_binary, base32, the UTF-8 checks, try_url_decode, hmac) and
jaro_winkler_similarity and sentences: expected names, types, values and error classes captured
from PySpark 4.3 on the same SQL."""

from __future__ import annotations

import pytest

from tests.sql.captured_cases import assert_sql_gives, assert_sql_raises


# (SQL expression, PySpark 4.3's column names, types and rows for SELECT <expression>)
CASES = [
    ("sentences('Hi there! Good morning.')", ['sentences(Hi there! Good morning., , )'], ['array<array<string>>'], [([['Hi', 'there'], ['Good', 'morning']],)]),
    ("sentences('Hi there! Good morning.', 'en', 'US')", ['sentences(Hi there! Good morning., en, US)'], ['array<array<string>>'], [([['Hi', 'there'], ['Good', 'morning']],)]),
    ("sentences('Hello, world. How are you? I am fine; thanks.  Yes')", ['sentences(Hello, world. How are you? I am fine; thanks.  Yes, , )'], ['array<array<string>>'], [([['Hello', 'world'], ['How', 'are', 'you'], ['I', 'am', 'fine', 'thanks'], ['Yes']],)]),
    ('sentences(NULL)', ['sentences(NULL, , )'], ['array<array<string>>'], [(None,)]),
    ("sentences('')", ['sentences(, , )'], ['array<array<string>>'], [([],)]),
    ("sentences('a. b')", ['sentences(a. b, , )'], ['array<array<string>>'], [([['a', 'b']],)]),
    ("to_binary('abc', 'utf-8')", ['to_binary(abc, utf-8)'], ['binary'], [(b'abc',)]),
    ("to_binary('616263', 'hex')", ['to_binary(616263, hex)'], ['binary'], [(b'abc',)]),
    ("to_binary('YWJj', 'base64')", ['to_binary(YWJj, base64)'], ['binary'], [(b'abc',)]),
    ("to_binary('abc')", ['to_binary(abc)'], ['binary'], [(b'\n\xbc',)]),
    ("to_binary('616', 'hex')", ['to_binary(616, hex)'], ['binary'], [(b'\x06\x16',)]),
    ("to_binary('abc', 'hex')", ['to_binary(abc, hex)'], ['binary'], [(b'\n\xbc',)]),
    ("try_to_binary('abc', 'hex')", ['try_to_binary(abc, hex)'], ['binary'], [(b'\n\xbc',)]),
    ("to_binary('abc', 'utf8')", ['to_binary(abc, utf8)'], ['binary'], [(b'abc',)]),
    ("to_binary('abc', 'UTF-8')", ['to_binary(abc, UTF-8)'], ['binary'], [(b'abc',)]),
    ("try_to_binary('abc', 'foo')", ['try_to_binary(abc, foo)'], ['binary'], [(None,)]),
    ("to_binary(NULL, 'hex')", ['to_binary(NULL, hex)'], ['binary'], [(None,)]),
    ("to_base32('abc')", ['to_base32(abc)'], ['string'], [('MFRGG===',)]),
    ("from_base32('MFRGG===')", ['from_base32(MFRGG===)'], ['binary'], [(b'abc',)]),
    ("hmac('Spark', 'key')", ['hmac(Spark, key, SHA-256)'], ['binary'], [(b'\xce\xbe\xf3\xac\xa2oOE-!\x05]\x05E\xd4\xba\xe3\xc7@\xa5\xa4\xbe\xd3\xbc\x15\xb8\x08\xf2\xac\xb2\x04q',)]),
    ("hmac('Spark', 'key', 'SHA-256')", ['hmac(Spark, key, SHA-256)'], ['binary'], [(b'\xce\xbe\xf3\xac\xa2oOE-!\x05]\x05E\xd4\xba\xe3\xc7@\xa5\xa4\xbe\xd3\xbc\x15\xb8\x08\xf2\xac\xb2\x04q',)]),
    ("hmac('Spark', 'key', 'SHA-512')", ['hmac(Spark, key, SHA-512)'], ['binary'], [(b'\xf9\x05 \xfa\xdeC#\x91D\xab*a\xe5\x0bR\xe8\xf4\x96\xc2\xe7\xef\x9d\xe1\x0b@&2\xeb\x11\x02we\xb7\nz\xda\\\xdf\x00\xe9\x8fj\xf7\xb3K\x12y\x19D\xd9-%WW\xf9\xeaqK/t\xc4\r\x92\x9d',)]),
    ("hmac('Spark', 'key', 'SHA-1')", ['hmac(Spark, key, SHA-1)'], ['binary'], [(b'\xb8|\x14\xb6Na\x91I\x9cN\x90\xbeV\xf9y\xd3\xdd\xf7\x05\xa6',)]),
    ("hmac('Spark', 'key', 'MD5')", ['hmac(Spark, key, MD5)'], ['binary'], [(b'\x95\xc0H\xd5c\xf1\xfbl$p\x96\x8bU=\x0cB',)]),
    ("hmac(NULL, 'key')", ['hmac(NULL, key, SHA-256)'], ['binary'], [(None,)]),
    ("hmac(x'00ff', x'01')", ["hmac(X'00FF', X'01', SHA-256)"], ['binary'], [(b'\x07\xc7\xee\xd3F12\x81\x13\xfe\xf8A\r\t(\xde8\xab\xf4\x1bc\x86\xad\x0e\x16[\x05"\x1a\x8f\xbf\xb9',)]),
    ("jaro_winkler_similarity('MARTHA', 'MARHTA')", ['jaro_winkler_similarity(MARTHA, MARHTA)'], ['double'], [(0.9611111111111111,)]),
    ("jaro_winkler_similarity('abc', 'abc')", ['jaro_winkler_similarity(abc, abc)'], ['double'], [(1.0,)]),
    ("jaro_winkler_similarity('', '')", ['jaro_winkler_similarity(, )'], ['double'], [(1.0,)]),
    ("jaro_winkler_similarity('abc', '')", ['jaro_winkler_similarity(abc, )'], ['double'], [(0.0,)]),
    ("jaro_winkler_similarity('DIXON', 'DICKSONX')", ['jaro_winkler_similarity(DIXON, DICKSONX)'], ['double'], [(0.8133333333333332,)]),
    ("jaro_winkler_similarity(NULL, 'a')", ['jaro_winkler_similarity(NULL, a)'], ['double'], [(None,)]),
    ("jaro_winkler_similarity('crate', 'trace')", ['jaro_winkler_similarity(crate, trace)'], ['double'], [(0.7333333333333334,)]),
    ("is_valid_utf8('abc'), is_valid_utf8(x'61ff'), is_valid_utf8(NULL)", ['is_valid_utf8(abc)', "is_valid_utf8(X'61FF')", 'is_valid_utf8(NULL)'], ['boolean', 'boolean', 'boolean'], [(True, False, None)]),
    ("make_valid_utf8('abc'), make_valid_utf8(x'61ff62'), make_valid_utf8(x'61c0af'), make_valid_utf8(x'e282')", ['make_valid_utf8(abc)', "make_valid_utf8(X'61FF62')", "make_valid_utf8(X'61C0AF')", "make_valid_utf8(X'E282')"], ['string', 'string', 'string', 'string'], [('abc', 'a�b', 'a��', '�')]),
    ("validate_utf8('abc')", ['validate_utf8(abc)'], ['string'], [('abc',)]),
    ("try_validate_utf8(x'61ff'), try_validate_utf8('abc')", ["try_validate_utf8(X'61FF')", 'try_validate_utf8(abc)'], ['string', 'string'], [(None, 'abc')]),
    ("try_url_decode('http%3A%2F%2Fspark.apache.org%2Fpath%3Fquery%3D1'), try_url_decode('a%2'), try_url_decode('a+b'), try_url_decode(NULL)", ['try_url_decode(http%3A%2F%2Fspark.apache.org%2Fpath%3Fquery%3D1)', 'try_url_decode(a%2)', 'try_url_decode(a+b)', 'try_url_decode(NULL)'], ['string', 'string', 'string', 'string'], [('http://spark.apache.org/path?query=1', None, 'a b', None)]),
]

# (SQL expression, PySpark 4.3's error class)
ERRORS = [
    ("to_binary('abc', 'foo')", 'DATATYPE_MISMATCH.INVALID_ARG_VALUE'),
    ("validate_utf8(x'61ff')", 'INVALID_UTF8_STRING'),
    ("url_decode('a%2')", 'CANNOT_DECODE_URL'),
]


@pytest.mark.parametrize("sql, names, types, rows", CASES, ids=[c[0][:60] for c in CASES])
def test_sql_gives_pysparks_names_types_and_rows(spark, sql, names, types, rows):
    assert_sql_gives(spark, sql, names, types, rows)


@pytest.mark.parametrize("sql, error_class", ERRORS, ids=[e[0][:60] for e in ERRORS])
def test_sql_raises_pysparks_error_class(spark, sql, error_class):
    assert_sql_raises(spark, sql, error_class)
