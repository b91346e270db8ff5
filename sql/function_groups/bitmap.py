"""Bitmap functions: ``bitmap_bit_position``, ``bitmap_bucket_number``, ``bitmap_count`` and the
aggregates ``bitmap_construct_agg``, ``bitmap_or_agg``, ``bitmap_and_agg``."""

from __future__ import annotations

from typing import Any, Callable

from ember.sql.column import Column
from ember.sql.function_groups.builders import col_arg, sql_call, unary

__all__ = [
    "bitmap_bit_position", "bitmap_bucket_number", "bitmap_count", "bitmap_construct_agg", "bitmap_or_agg",
    "bitmap_and_agg",
]

bitmap_bit_position = unary("bitmap_bit_position")
bitmap_bucket_number = unary("bitmap_bucket_number")
bitmap_count = unary("bitmap_count")


def _aggregate(name: str) -> Callable[[Any], Column]:
    def fn(col: Any) -> Column:
        from ember.sql.expressions.bitmaps import BitmapAggregate

        return Column(BitmapAggregate(col_arg(col), name))

    fn.__name__ = fn.__qualname__ = name
    return fn


bitmap_construct_agg = _aggregate("bitmap_construct_agg")
bitmap_or_agg = _aggregate("bitmap_or_agg")
bitmap_and_agg = _aggregate("bitmap_and_agg")
bitmap_construct_agg.__doc__ = "A bitmap with the bit at each of the group's positions set."
bitmap_or_agg.__doc__ = "The bitwise OR of the group's bitmaps."
bitmap_and_agg.__doc__ = "The bitwise AND of the group's bitmaps."

SQL_FUNCTIONS: dict[str, Callable[..., Column]] = {
    **{name: sql_call(name) for name in ("bitmap_bit_position", "bitmap_bucket_number", "bitmap_count")},
    "bitmap_construct_agg": bitmap_construct_agg, "bitmap_or_agg": bitmap_or_agg, "bitmap_and_agg": bitmap_and_agg,
}
