"""Error containment: everything of ours runs inside ``guard(label)``.

An exception inside a guard is swallowed, logged at WARNING the first time its label fails and
at DEBUG afterwards, and handed to every registered sink (the test suite registers one that
turns any swallowed error into a test failure). A guard never wraps the user's call and never
returns a value the user receives: callers read results they set inside the block.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType

logger = logging.getLogger("genai_otel")

InternalErrorSink = Callable[[str, BaseException], None]

_sinks: list[InternalErrorSink] = []
_warned: set[str] = set()


def add_sink(sink: InternalErrorSink) -> None:
    _sinks.append(sink)


def remove_sink(sink: InternalErrorSink) -> None:
    if sink in _sinks:
        _sinks.remove(sink)


def report(label: str, exc: BaseException) -> None:
    """Record a swallowed internal error. Never raises."""
    try:
        if label in _warned:
            logger.debug("genai_otel: %s failed", label, exc_info=exc)
        else:
            _warned.add(label)
            logger.warning(
                "genai_otel: %s failed; telemetry for this call may be incomplete "
                "(the application is not affected; further failures are logged at DEBUG)",
                label,
                exc_info=exc,
            )
        for sink in tuple(_sinks):
            sink(label, exc)
    except Exception:  # a broken sink or logging handler must not escape either
        pass


class guard:
    """``with guard("parse response"):`` swallows and reports ``Exception`` (not BaseException:
    KeyboardInterrupt and cancellation still propagate)."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool:
        if exc is None or not isinstance(exc, Exception):
            return False
        report(self.label, exc)
        return True
