"""Completion hooks: the ``opentelemetry_genai_completion_hook`` entry-point group.

A hook compatible with ``opentelemetry-util-genai`` (e.g. its ``upload`` hook) receives the
instructions, inputs and outputs before serialisation, with the span, and may change them. It
runs whether or not content capture is on; the engine calls it inside a guard.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("genai_otel")

GROUP = "opentelemetry_genai_completion_hook"


def load_completion_hook(name: str | None) -> Any:
    """The hook the entry point ``name`` makes (entry points are factories), or ``None``."""
    if not name:
        return None
    from importlib.metadata import entry_points

    for entry_point in entry_points(group=GROUP):
        if entry_point.name == name:
            try:
                return entry_point.load()()
            except Exception:
                logger.warning("genai_otel: completion hook %r failed to load", name, exc_info=True)
                return None
    logger.warning("genai_otel: no completion hook named %r in group %s", name, GROUP)
    return None


def run_completion_hook(
    hook: Any,
    inputs: list[Any],
    outputs: list[Any],
    system_instruction: list[Any],
    tool_definitions: list[Any],
    span: Any,
    log_record: Any,
) -> None:
    """Call ``hook.on_completion`` (or the hook itself, if it is a plain callable)."""
    on_completion: Callable[..., Any] = hook.on_completion if hasattr(hook, "on_completion") else hook
    on_completion(
        inputs=inputs,
        outputs=outputs,
        system_instruction=system_instruction,
        tool_definitions=tool_definitions,
        span=span,
        log_record=log_record,
    )
