"""Figures that are costly to work out and may lag what happened by a set time."""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")


def kept_for(key: str, seconds: int, work_out: Callable[[], T]) -> T:
    """What `work_out` gives, from the cache the workers share if it was worked out in
    the last `seconds` under this key. (Django's `cache.get_or_set` does the same, but
    its types make every answer optional.)"""
    kept = cache.get(key)
    if kept is None:
        kept = work_out()
        cache.set(key, kept, seconds)
    return kept
