"""Tools: the definitions a request declares (``config.tools``) and the Python functions the SDK
runs itself with automatic function calling (``execute_tool`` spans)."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from genai_otel.adapter import PatchTarget, ToolCall

from .._values import get, text
from ._convert import plain, sdk


def parse_tool(instance: Any, kwargs: Mapping[str, Any], target: PatchTarget) -> ToolCall | None:
    function = kwargs.get("function_to_invoke")
    if function is None:
        return None
    name = getattr(function, "__name__", None)
    doc = getattr(function, "__doc__", None)
    lines = [line.strip() for line in doc.strip().splitlines()] if isinstance(doc, str) else []
    return ToolCall(
        name=name if isinstance(name, str) else type(function).__name__,
        description=lines[0] if lines else None,
        tool_type="function",
        arguments=kwargs.get("args"),
    )


def tool_definitions(tools: Any, client: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for tool in tools if isinstance(tools, (list, tuple)) else ():
        if isinstance(tool, (Mapping, sdk()[1].Tool)):
            out.extend(_tool_definitions(tool))
        elif inspect.isfunction(tool) or inspect.ismethod(tool):  # what the SDK declares itself
            out.append(_callable_definition(tool, client))
        elif hasattr(tool, "inputSchema"):  # an MCP tool (mcp.types.Tool)
            mcp = {"name": getattr(tool, "name", None), "description": getattr(tool, "description", None)}
            out.append(_function_definition({**mcp, "parameters_json_schema": tool.inputSchema}))
        else:  # an MCP client session (its tools are listed only when the SDK calls it), or unknown
            out.append(
                {
                    "type": type(tool).__name__,
                    "name": text(getattr(tool, "name", None)) or type(tool).__name__,
                }
            )
    return out


def _tool_definitions(tool: Any) -> list[dict[str, Any]]:
    out = [_function_definition(d) for d in get(tool, "function_declarations") or ()]
    names = tool.keys() if isinstance(tool, Mapping) else type(tool).model_fields
    out += [
        {"type": n, "name": n} for n in names if n != "function_declarations" and get(tool, n) is not None
    ]
    return out


def _function_definition(declaration: Any) -> dict[str, Any]:
    schema = get(declaration, "parameters_json_schema")
    definition = {
        "type": "function",
        "name": text(get(declaration, "name")) or "",
        "description": text(get(declaration, "description")),
        "parameters": plain(schema if schema is not None else get(declaration, "parameters")),
    }
    return {k: v for k, v in definition.items() if v is not None}


def _callable_definition(function: Any, client: Any) -> dict[str, Any]:
    """A Python function the SDK declares (and runs, with automatic function calling); declared
    the way the SDK declares it to this client, or by name and docstring if that fails."""
    try:
        declaration = sdk()[1].FunctionDeclaration.from_callable(
            client=client, callable=function, use_json_schema=True
        )
        return _function_definition(declaration)
    except Exception:  # the SDK raises the same to the caller when it declares the function
        name = getattr(function, "__name__", None) or type(function).__name__
        return {
            k: v for k, v in (("type", "function"), ("name", name), ("description", function.__doc__)) if v
        }
