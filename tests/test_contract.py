"""The adapter contract, checked over every registered adapter against the installed SDKs."""

from __future__ import annotations

import ast
import importlib
import pathlib

import pytest
import wrapt

from genai_otel._patching.registry import ADAPTERS
from genai_otel.adapter import ProviderAdapter, RequestContent, RequestInfo, ResponseInfo

NAMES = sorted(ADAPTERS)


def adapter_of(name: str) -> ProviderAdapter:
    return importlib.import_module(ADAPTERS[name][1]).ADAPTER


@pytest.mark.parametrize("name", NAMES)
def test_targets_resolve_against_installed_sdk(name: str) -> None:
    adapter = adapter_of(name)
    assert adapter.name == name
    assert adapter.targets
    for target in adapter.targets:
        importlib.import_module(target.module)
        _owner, _attr, original = wrapt.resolve_path(target.module, target.method)
        assert callable(original), target
    for module, attribute, wrapper in adapter.extra_patches:
        importlib.import_module(module)
        assert callable(wrapt.resolve_path(module, attribute)[2])
        assert callable(wrapper)


@pytest.mark.parametrize("name", NAMES)
def test_parse_functions_are_total_on_minimal_input(name: str) -> None:
    adapter = adapter_of(name)
    for target in adapter.targets:
        info = adapter.parse_request(object(), {}, target)
        assert isinstance(info, RequestInfo) and info.provider
        assert isinstance(adapter.request_content(object(), {}, target), RequestContent)
        assert adapter.error_response(RuntimeError("x"), target) is None
        assert adapter.error_type(RuntimeError("x")) is None
        for capture in (False, True):
            assert isinstance(adapter.parse_response(object(), target, capture), ResponseInfo)
            assert isinstance(adapter.parse_response(None, target, capture), ResponseInfo)


@pytest.mark.parametrize("name", NAMES)
def test_accumulators_work_with_zero_chunks(name: str) -> None:
    adapter = adapter_of(name)
    for target in adapter.targets:
        for capture in (False, True):
            assert isinstance(adapter.new_accumulator(target, capture).finish(), ResponseInfo)


@pytest.mark.parametrize("name", NAMES)
def test_adapters_import_no_opentelemetry(name: str) -> None:
    module = importlib.import_module(ADAPTERS[name][1])
    root = pathlib.Path(module.__file__ or "")
    files = sorted(root.parent.glob("*.py")) if root.name == "__init__.py" else [root]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.startswith("opentelemetry") for n in names), (path, names)
