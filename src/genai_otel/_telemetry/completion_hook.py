"""Completion hooks: the ``opentelemetry_genai_completion_hook`` entry-point group.

A hook receives the instructions, inputs and outputs before serialisation, with the span, and
may change them. It runs whether or not content capture is on; the engine calls it inside a
guard.

Two contracts meet here. A hook of ``opentelemetry-util-genai``'s (loaded by name from its
entry-point group, like its ``upload`` hook, or an instance of one of util-genai's own classes)
expects util-genai's message dataclasses (``InputMessage``, ``TextPart`` ...), as util-genai's
instrumentations pass them: ``UtilGenAIHook`` converts the semconv-shaped dicts for it, and reads
back what it changed. Any other hook object or function receives the dicts themselves.
"""

from __future__ import annotations

import dataclasses
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
                return UtilGenAIHook(entry_point.load()())
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


def for_util_genai(hook: Any) -> Any:
    """``hook``, wrapped in ``UtilGenAIHook`` when it is one of util-genai's own classes."""
    if hook is None or isinstance(hook, UtilGenAIHook):
        return hook
    module = type(hook).__module__ or ""
    return UtilGenAIHook(hook) if module.startswith("opentelemetry.util.genai") else hook


class UtilGenAIHook:
    """A hook of util-genai's contract: it gets util-genai's dataclasses (when util-genai is
    installed; the dicts otherwise), and a change it makes is written back into the dicts."""

    def __init__(self, hook: Any) -> None:
        self.hook = hook

    def on_completion(self, **kwargs: Any) -> None:
        try:
            from opentelemetry.util.genai import types
        except ImportError:
            run_completion_hook(self.hook, **kwargs)
            return
        lists = {key: kwargs[key] for key in _KINDS if kwargs.get(key) is not None}
        given = {
            key: [_to_dataclass(types, _KINDS[key], item) for item in items] for key, items in lists.items()
        }
        run_completion_hook(self.hook, **{**kwargs, **given})
        for key, items in lists.items():
            unchanged = [_to_dataclass(types, _KINDS[key], item) for item in items]
            if given[key] != unchanged:
                items[:] = [_to_dict(obj) for obj in given[key]]


#: keyword -> what its items are: a message (input/output) or a part / tool definition
_KINDS = {
    "inputs": "InputMessage",
    "outputs": "OutputMessage",
    "system_instruction": "",
    "tool_definitions": "",
}
#: semconv part or tool-definition ``type`` -> util-genai class name
_PART_CLASSES = {
    "text": "TextPart",
    "reasoning": "ReasoningPart",
    "tool_call": "ToolCallRequestPart",
    "tool_call_response": "ToolCallResponsePart",
    "server_tool_call": "ServerToolCallPart",
    "server_tool_call_response": "ServerToolCallResponsePart",
    "blob": "BlobPart",
    "file": "FilePart",
    "uri": "UriPart",
    "compaction": "CompactionPart",
    "function": "FunctionToolDefinition",
}


def _to_dataclass(types: Any, kind: str, item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    if kind:  # a message: its parts converted too
        item = {**item, "parts": [_to_dataclass(types, "", part) for part in item.get("parts", ())]}
        cls = getattr(types, kind)
    else:
        cls = getattr(types, _PART_CLASSES.get(str(item.get("type")), ""), None)
    names = {f.name for f in dataclasses.fields(cls)} if cls is not None else set()
    if cls is None or not set(item) <= names:
        # a generic part (or one with fields util-genai lacks): a dataclass of exactly its fields
        cls = dataclasses.make_dataclass("GenericPart", [(str(k), Any) for k in item])
        names = set(item)
    return cls(**{name: item.get(name) for name in names})


def _to_dict(obj: Any) -> Any:
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return obj
    out = dataclasses.asdict(obj)
    return {k: v for k, v in out.items() if v is not None or k in ("id",)}
