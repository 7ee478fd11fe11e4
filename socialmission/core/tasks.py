"""Temporary interface shim (helper `tasks` owns the real module): run tasks immediately."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class _Task:
    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)

    def enqueue(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)


def task(
    function: Callable[..., Any] | None = None, *, priority: int = 0, queue_name: str = "default"
) -> Any:
    def wrap(func: Callable[..., Any]) -> _Task:
        return _Task(func)

    return wrap(function) if function is not None else wrap
