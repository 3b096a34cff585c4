"""What is supported, when it is patched, and how it is undone: the only code that calls wrapt.

``ADAPTERS`` maps an adapter name to the SDK module whose import triggers it and the adapter
module to load then. ``instrument()`` imports no SDK: it registers a post-import hook per SDK,
and an SDK already imported is patched at once. Each target is installed under its own guard
and version gate, so one missing method skips only that target; a hook never raises into the
user's ``import``.
"""

from __future__ import annotations

import importlib
import logging
import sys
from dataclasses import dataclass
from typing import Any

import wrapt

from .._guard import guard
from .._telemetry.telemetry import Telemetry
from ..adapter import ProviderAdapter
from .wrapper import make_wrapper

logger = logging.getLogger("genai_otel")

#: adapter name -> (SDK module that triggers it, adapter module)
ADAPTERS: dict[str, tuple[str, str]] = {
    "openai": ("openai", "genai_otel.providers.openai"),
    "anthropic": ("anthropic", "genai_otel.providers.anthropic"),
}


@dataclass(slots=True)
class _Patch:
    owner: Any
    attribute: str
    original: Any


class Registry:
    """Holds the patches of the current ``instrument()``; hooks consult it when they fire."""

    def __init__(self) -> None:
        self.telemetry: Telemetry | None = None
        self.patches: list[_Patch] = []
        self.installed: set[str] = set()
        self._hooked: set[str] = set()

    # --- public -----------------------------------------------------------------------------------
    def install(self, telemetry: Telemetry) -> None:
        self.telemetry = telemetry
        for name, (sdk_module, _) in ADAPTERS.items():
            if not telemetry.settings.wants(name):
                continue
            if sdk_module in sys.modules:
                self._on_import(name)
            elif sdk_module not in self._hooked:
                self._hooked.add(sdk_module)
                wrapt.register_post_import_hook(self._hook_for(name), sdk_module)

    def uninstall(self) -> None:
        for patch in reversed(self.patches):
            with guard("uninstrument"):
                setattr(patch.owner, patch.attribute, patch.original)
        self.patches.clear()
        self.installed.clear()
        self.telemetry = None

    # --- internals --------------------------------------------------------------------------------
    def _hook_for(self, name: str) -> Any:
        def hook(_module: Any) -> None:
            with guard(f"{name}: post-import hook"):
                self._on_import(name)

        return hook

    def _on_import(self, name: str) -> None:
        tel = self.telemetry
        if tel is None or name in self.installed or not tel.settings.wants(name):
            return
        self.installed.add(name)
        adapter: ProviderAdapter | None = None
        with guard(f"{name}: load adapter"):
            adapter = importlib.import_module(ADAPTERS[name][1]).ADAPTER
        if adapter is None:
            return
        version = _distribution_version(adapter.distribution)
        for target in adapter.targets:
            if not _version_ok(version, target.min_version):
                logger.info(
                    "genai_otel: %s %s < %s; %s is not instrumented",
                    adapter.distribution,
                    version,
                    target.min_version,
                    target.method,
                )
                continue
            with guard(f"{name}: patch {target.module}:{target.method}"):
                self._patch(target.module, target.method, make_wrapper(tel, adapter, target))
        for module, attribute, extra in adapter.extra_patches:
            with guard(f"{name}: patch {module}:{attribute}"):
                self._patch(module, attribute, extra)
        if adapter.install_note:
            logger.info("genai_otel: %s", adapter.install_note)

    def _patch(self, module: str, path: str, wrapper: Any) -> None:
        importlib.import_module(module)
        owner, attribute, original = wrapt.resolve_path(module, path)
        if isinstance(original, wrapt.FunctionWrapper) and getattr(original, "_self_genai_otel", False):
            return  # already ours (a second instrument() without uninstrument())
        patched = wrapt.FunctionWrapper(original, wrapper)
        patched._self_genai_otel = True  # type: ignore[attr-defined]
        wrapt.apply_patch(owner, attribute, patched)
        self.patches.append(_Patch(owner, attribute, original))


def _distribution_version(distribution: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(distribution)
    except Exception:
        return None


def _version_ok(installed: str | None, minimum: str | None) -> bool:
    if minimum is None or installed is None:
        return True
    try:
        from packaging.version import Version

        return Version(installed) >= Version(minimum)
    except Exception:
        return True


REGISTRY = Registry()
