"""Putting things in the organiser's order: moving one item up or down a list (questions, speakers, links)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def moved(items: Sequence[T], item: T, offset: int) -> list[T]:
    """The list with `item` moved `offset` places (negative: up), stopping at either end.

    Raises ValueError when `item` is not in the list.
    """
    order = list(items)
    index = order.index(item)
    target = max(0, min(len(order) - 1, index + offset))
    order.insert(target, order.pop(index))
    return order
