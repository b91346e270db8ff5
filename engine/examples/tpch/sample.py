"""A small TPC-H data set, generated in pure Python, so a first query needs no data.

``register_sample_tables(spark)`` registers the eight TPC-H tables as temporary views
(``ember-sql --sample`` does the same). The rows follow the specification's shapes and value
domains — key ranges and sparse order keys, the fixed nations and regions, the part
name/type/container vocabularies, dates from 1992 to 1998 with ship, commit and receipt
dates derived from the order date, return flags and line statuses from the 1995-06-17
cut-off, order status and total price computed from the lines — so the 22 queries in
``ember.examples.tpch`` run and return rows. The random parts (addresses, comments, the
picks) come from a fixed seed, not from dbgen's streams: the values are deterministic but
are not the official ``dbgen`` output, so results differ from published answers.

At scale 0.01 (the default) lineitem has about 60,000 rows and the whole set is generated in
a few seconds, once per process.

>>> tables = generate(0.001)
>>> sorted(tables) == sorted(TABLES)
True
>>> tables["nation"].num_rows, tables["region"].num_rows, tables["part"].num_rows
(25, 5, 200)
"""

from __future__ import annotations

import datetime
import decimal
import functools
import random
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ember.examples.tpch import TABLES

if TYPE_CHECKING:
    from ember.sql.session import SparkSession

__all__ = ["generate", "register_sample_tables"]

_SEED = 20260101
_MONEY = pa.decimal128(15, 2)
_START, _END = datetime.date(1992, 1, 1), datetime.date(1998, 12, 31)
_CURRENT = datetime.date(1995, 6, 17)

REGIONS = ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"]
NATIONS = [("ALGERIA", 0), ("ARGENTINA", 1), ("BRAZIL", 1), ("CANADA", 1), ("EGYPT", 4), ("ETHIOPIA", 0),
           ("FRANCE", 3), ("GERMANY", 3), ("INDIA", 2), ("INDONESIA", 2), ("IRAN", 4), ("IRAQ", 4), ("JAPAN", 2),
           ("JORDAN", 4), ("KENYA", 0), ("MOROCCO", 0), ("MOZAMBIQUE", 0), ("PERU", 1), ("CHINA", 2),
           ("ROMANIA", 3), ("SAUDI ARABIA", 4), ("VIETNAM", 2), ("RUSSIA", 3), ("UNITED KINGDOM", 3),
           ("UNITED STATES", 1)]
SEGMENTS = ["AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"]
PRIORITIES = ["1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"]
INSTRUCTIONS = ["DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"]
MODES = ["REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"]
TYPES = (["STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"],
         ["ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"],
         ["TIN", "NICKEL", "BRASS", "STEEL", "COPPER"])
CONTAINERS = (["SM", "LG", "MED", "JUMBO", "WRAP"], ["CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"])
COLORS = ("almond antique aquamarine azure beige bisque black blanched blue blush brown burlywood burnished "
          "chartreuse chiffon chocolate coral cornflower cornsilk cream cyan dark deep dim dodger drab firebrick "
          "floral forest frosted gainsboro ghost goldenrod green grey honeydew hot indian ivory khaki lace "
          "lavender lawn lemon light lime linen magenta maroon medium metallic midnight mint misty moccasin navajo "
          "navy olive orange orchid pale papaya peach peru pink plum powder puff purple red rose rosy royal "
          "saddle salmon sandy seashell sienna sky slate smoke snow spring steel tan thistle tomato turquoise "
          "violet wheat white yellow").split()
_WORDS = ("furiously quickly carefully blithely slyly regular express final ironic pending bold special even "
          "silent unusual packages requests deposits accounts instructions theodolites pinto beans foxes ideas "
          "dependencies excuses platelets asymptotes courts dolphins sleep wake nag haggle boost use detect "
          "integrate cajole among above along across against").split()


def _comment(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(low, high)))[:high * 8]


def _money(rng: random.Random, low: int, high: int) -> decimal.Decimal:
    """A uniform amount in [low, high] cents, as a two-digit decimal."""
    return decimal.Decimal(rng.randint(low, high)).scaleb(-2)


def _phone(rng: random.Random, nation: int) -> str:
    return f"{nation + 10}-{rng.randint(100, 999)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"


def _address(rng: random.Random) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(10, 40))).strip() or "x"


def _nations_and_regions() -> dict[str, dict[str, list]]:
    rng = random.Random(_SEED)
    return {
        "region": {"r_regionkey": list(range(5)), "r_name": REGIONS,
                   "r_comment": [_comment(rng, 5, 15) for _ in REGIONS]},
        "nation": {"n_nationkey": list(range(25)), "n_name": [n for n, _ in NATIONS],
                   "n_regionkey": [r for _, r in NATIONS], "n_comment": [_comment(rng, 5, 15) for _ in NATIONS]},
    }


def _suppliers(count: int) -> dict[str, list]:
    rng = random.Random(_SEED + 1)
    nations = [rng.randint(0, 24) for _ in range(count)]
    comments = [_comment(rng, 5, 12) for _ in range(count)]
    for i in rng.sample(range(count), max(1, count // 200)):  # Q16 looks for complaints
        comments[i] = f"{comments[i]} Customer slyly Complaints"
    return {"s_suppkey": list(range(1, count + 1)), "s_name": [f"Supplier#{k:09d}" for k in range(1, count + 1)],
            "s_address": [_address(rng) for _ in range(count)], "s_nationkey": nations,
            "s_phone": [_phone(rng, n) for n in nations],
            "s_acctbal": [_money(rng, -99999, 999999) for _ in range(count)], "s_comment": comments}


def _customers(count: int) -> dict[str, list]:
    rng = random.Random(_SEED + 2)
    nations = [rng.randint(0, 24) for _ in range(count)]
    return {"c_custkey": list(range(1, count + 1)), "c_name": [f"Customer#{k:09d}" for k in range(1, count + 1)],
            "c_address": [_address(rng) for _ in range(count)], "c_nationkey": nations,
            "c_phone": [_phone(rng, n) for n in nations],
            "c_acctbal": [_money(rng, -99999, 999999) for _ in range(count)],
            "c_mktsegment": [rng.choice(SEGMENTS) for _ in range(count)],
            "c_comment": [_comment(rng, 5, 15) for _ in range(count)]}


def _retail_price(partkey: int) -> decimal.Decimal:
    return decimal.Decimal(90000 + (partkey // 10) % 20001 + 100 * (partkey % 1000)).scaleb(-2)


def _parts(count: int) -> dict[str, list]:
    rng = random.Random(_SEED + 3)
    keys = list(range(1, count + 1))
    manufacturers = [rng.randint(1, 5) for _ in keys]
    return {"p_partkey": keys, "p_name": [" ".join(rng.sample(COLORS, 5)) for _ in keys],
            "p_mfgr": [f"Manufacturer#{m}" for m in manufacturers],
            "p_brand": [f"Brand#{m}{rng.randint(1, 5)}" for m in manufacturers],
            "p_type": [" ".join(rng.choice(words) for words in TYPES) for _ in keys],
            "p_size": [rng.randint(1, 50) for _ in keys],
            "p_container": [" ".join(rng.choice(words) for words in CONTAINERS) for _ in keys],
            "p_retailprice": [_retail_price(k) for k in keys], "p_comment": [_comment(rng, 1, 4) for _ in keys]}


def _part_suppliers(partkey: int, suppliers: int) -> list[int]:
    """The specification's four suppliers of a part."""
    return [(partkey + i * (suppliers // 4 + (partkey - 1) // suppliers)) % suppliers + 1 for i in range(4)]


def _partsupp(parts: int, suppliers: int) -> dict[str, list]:
    rng = random.Random(_SEED + 4)
    rows = [(p, s) for p in range(1, parts + 1) for s in _part_suppliers(p, suppliers)]
    return {"ps_partkey": [p for p, _ in rows], "ps_suppkey": [s for _, s in rows],
            "ps_availqty": [rng.randint(1, 9999) for _ in rows],
            "ps_supplycost": [_money(rng, 100, 100000) for _ in rows],
            "ps_comment": [_comment(rng, 10, 25) for _ in rows]}


def _orders_and_lines(orders: int, customers: int, parts: int, suppliers: int, clerks: int) -> dict[str, dict]:
    rng = random.Random(_SEED + 5)
    o: dict[str, list] = {k: [] for k in ("o_orderkey", "o_custkey", "o_orderstatus", "o_totalprice", "o_orderdate",
                                          "o_orderpriority", "o_clerk", "o_shippriority", "o_comment")}
    lines: dict[str, list] = {k: [] for k in (
        "l_orderkey", "l_partkey", "l_suppkey", "l_linenumber", "l_quantity", "l_extendedprice", "l_discount",
        "l_tax", "l_returnflag", "l_linestatus", "l_shipdate", "l_commitdate", "l_receiptdate", "l_shipinstruct",
        "l_shipmode", "l_comment")}
    buyers = [c for c in range(1, customers + 1) if c % 3 != 0]  # a third of the customers never order
    span = (_END - _START).days - 151
    for i in range(orders):
        key = (i // 8) * 32 + i % 8 + 1  # sparse keys, as the specification's
        ordered = _START + datetime.timedelta(days=rng.randint(0, span))
        total, statuses = decimal.Decimal(0), set()
        for number in range(1, rng.randint(1, 7) + 1):
            part = rng.randint(1, parts)
            quantity = rng.randint(1, 50)
            price = _retail_price(part) * quantity
            discount, tax = _money(rng, 0, 10), _money(rng, 0, 8)
            shipped = ordered + datetime.timedelta(days=rng.randint(1, 121))
            received = shipped + datetime.timedelta(days=rng.randint(1, 30))
            status = "O" if shipped > _CURRENT else "F"
            statuses.add(status)
            total += (price * (1 + tax) * (1 - discount)).quantize(decimal.Decimal("0.01"))
            for name, value in (("l_orderkey", key), ("l_partkey", part),
                                ("l_suppkey", rng.choice(_part_suppliers(part, suppliers))),
                                ("l_linenumber", number), ("l_quantity", decimal.Decimal(quantity).scaleb(0)),
                                ("l_extendedprice", price), ("l_discount", discount), ("l_tax", tax),
                                ("l_returnflag", rng.choice("RA") if received <= _CURRENT else "N"),
                                ("l_linestatus", status), ("l_shipdate", shipped),
                                ("l_commitdate", ordered + datetime.timedelta(days=rng.randint(30, 90))),
                                ("l_receiptdate", received), ("l_shipinstruct", rng.choice(INSTRUCTIONS)),
                                ("l_shipmode", rng.choice(MODES)), ("l_comment", _comment(rng, 2, 6))):
                lines[name].append(value)
        for name, value in (("o_orderkey", key), ("o_custkey", rng.choice(buyers)),
                            ("o_orderstatus", statuses.pop() if len(statuses) == 1 else "P"),
                            ("o_totalprice", total), ("o_orderdate", ordered),
                            ("o_orderpriority", rng.choice(PRIORITIES)),
                            ("o_clerk", f"Clerk#{rng.randint(1, clerks):09d}"), ("o_shippriority", 0),
                            ("o_comment", _comment(rng, 3, 10))):
            o[name].append(value)
    return {"orders": o, "lineitem": lines}


_INT_COLUMNS = {"l_linenumber", "p_size", "ps_availqty", "o_shippriority"}


def _arrow(columns: dict[str, list]) -> pa.Table:
    """Columns as tpchgen-cli's Parquet types them: bigint keys, decimal(15,2) money, dates."""
    arrays = {}
    for name, values in columns.items():
        first = values[0]
        if name in _INT_COLUMNS:
            kind = pa.int32()
        elif isinstance(first, decimal.Decimal):
            kind = _MONEY
        elif isinstance(first, datetime.date):
            kind = pa.date32()
        elif isinstance(first, int):
            kind = pa.int64()
        else:
            kind = pa.string()
        arrays[name] = pa.array(values, kind)
    return pa.table(arrays)


@functools.lru_cache(maxsize=2)
def generate(scale: float = 0.01) -> dict[str, pa.Table]:
    """The eight tables at ``scale`` (SF 1 would be 6 million lineitems: keep it small)."""
    if not 0 < scale <= 0.1:
        raise ValueError(f"the sample is for small scales (0 < scale <= 0.1), not {scale!r}")
    suppliers, customers = max(4, round(10000 * scale)), max(3, round(150000 * scale))
    parts, orders = max(1, round(200000 * scale)), max(1, round(1500000 * scale))
    tables: dict[str, Any] = {**_nations_and_regions(), "supplier": _suppliers(suppliers),
                              "customer": _customers(customers), "part": _parts(parts),
                              "partsupp": _partsupp(parts, suppliers)}
    tables.update(_orders_and_lines(orders, customers, parts, suppliers, max(1, round(1000 * scale))))
    return {name: _arrow(tables[name]) for name in TABLES}


def register_sample_tables(spark: SparkSession, scale: float = 0.01) -> list[str]:
    """Register the sample TPC-H tables as temporary views of ``spark``; returns their names.

    Then ``spark.sql(ember.examples.tpch.query(1))`` runs TPC-H's first query.
    """
    for name, table in generate(scale).items():
        spark.createDataFrame(table).createOrReplaceTempView(name)
    return list(TABLES)
