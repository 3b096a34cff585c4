"""When what is supported is patched, and how it is undone: the only code that calls wrapt.

``ADAPTERS`` maps an adapter name to the SDK module whose import triggers it and the adapter
module to load then: the support table (``genai_otel._support``), plus the adapters of other
packages added by ``register()`` (``genai_otel.register_adapter``). ``instrument()`` imports no
SDK: it registers a post-import hook per SDK, and an SDK already imported is patched at once.
Each target is installed under its own guard and version gate, so one missing method skips only
that target; a hook never raises into the user's ``import``.

Adapters are switched on and off one by one: ``install(telemetry, names)`` adds adapters to
the active set (every active adapter reports through the one ``Telemetry``), and
``uninstall(names)`` removes only theirs. That is what lets one ``opentelemetry_instrumentor``
entry point per provider instrument and uninstrument its provider alone.

Another instrumentation of the same calls (``peers.PEERS``) is kept underneath genai_otel's
wrappers and called past: its ``instrument()``/``uninstrument()`` are wrapped so that
genai_otel's targets are lifted off while it (un)wraps the SDK and put back on top afterwards.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import wrapt

from .._guard import guard
from .._support import SUPPORT, Peer
from .._telemetry.telemetry import Telemetry
from ..adapter import ProviderAdapter
from .peers import PASS_THROUGH, PEERS, Wrapper, pass_through, peer_of, skipping_peers
from .wrapper import make_wrapper

logger = logging.getLogger("genai_otel")

#: adapter name -> (SDK module that triggers it, adapter module): the support table's rows, in
#: its order, then the adapters registered through ``register()``.
ADAPTERS: dict[str, tuple[str, str]] = {row.name: (row.sdk_module, row.adapter_module) for row in SUPPORT}


def register(name: str, sdk_module: str, adapter_module: str) -> None:
    """Add another package's adapter to ``ADAPTERS``; imports nothing. Registering the same
    adapter again does nothing; another adapter under a name already taken is a ``ValueError``."""
    for label, value in (("name", name), ("sdk_module", sdk_module), ("adapter_module", adapter_module)):
        if not isinstance(value, str) or not value or value != value.strip():
            raise ValueError(
                f"genai_otel.register_adapter: {label} must be a non-empty string, not {value!r}"
            )
    if name != name.lower() or "," in name:
        raise ValueError(f"genai_otel.register_adapter: name must be lower case, without commas: {name!r}")
    current = ADAPTERS.get(name)
    if current is not None and current != (sdk_module, adapter_module):
        raise ValueError(
            f"genai_otel.register_adapter: {name!r} is already the adapter {current[1]} for {current[0]}"
        )
    ADAPTERS[name] = (sdk_module, adapter_module)


# what a patch is for: lifted around a peer's (un)instrument only when it is a TARGET
TARGET, EXTRA, PEER = "target", "extra", "peer"


@dataclass(slots=True)
class _Patch:
    name: str
    kind: str
    owner: Any
    attribute: str
    original: Any
    patched: Any


class Registry:
    """The active adapters and their patches; hooks consult it when they fire."""

    def __init__(self) -> None:
        self.telemetry: Telemetry | None = None
        self.active: set[str] = set()  # adapters instrument() switched on
        self.installed: set[str] = set()  # active adapters whose SDK was imported and patched
        self.patches: list[_Patch] = []
        self._wrappers: dict[str, list[tuple[str, str, Wrapper]]] = {}  # name -> its targets' wrappers
        self._lifting: set[str] = set()
        self._hooked: set[str] = set()
        self._announced: set[tuple[str, str]] = set()

    # --- public -----------------------------------------------------------------------------------
    def install(self, telemetry: Telemetry, names: Iterable[str]) -> None:
        self.telemetry = telemetry
        for name in names:
            self.active.add(name)
            for module in (*(peer.module for peer in PEERS.get(name, ())), ADAPTERS[name][0]):
                if module in sys.modules:
                    self._imported(module, name)
                elif module not in self._hooked:
                    self._hooked.add(module)
                    wrapt.register_post_import_hook(self._hook_for(module), module)

    def uninstall(self, names: Iterable[str] | None = None) -> None:
        """Remove the patches of ``names`` (all adapters when None)."""
        gone = set(self.active if names is None else names)
        kept: list[_Patch] = []
        for patch in reversed(self.patches):
            if patch.name in gone:
                with guard("uninstrument"):
                    setattr(patch.owner, patch.attribute, patch.original)
            else:
                kept.append(patch)
        self.patches = kept[::-1]
        self.active -= gone
        self.installed -= gone
        for name in gone:
            self._wrappers.pop(name, None)
        self._announced = {note for note in self._announced if note[0] not in gone}
        if not self.active:
            self.telemetry = None

    # --- hooks ------------------------------------------------------------------------------------
    def _hook_for(self, module: str) -> Callable[[Any], None]:
        def hook(_module: Any) -> None:
            for name in sorted(self.active):
                with guard(f"{name}: post-import hook"):
                    self._imported(module, name)

        return hook

    def _imported(self, module: str, name: str) -> None:
        if module == ADAPTERS[name][0]:
            self._on_import(name)
        for peer in PEERS.get(name, ()):
            if peer.module == module:
                with guard(f"{name}: watch {peer.distribution}"):
                    self._watch_peer(name, peer)

    def _on_import(self, name: str) -> None:
        tel = self.telemetry
        if tel is None or name not in self.active or name in self.installed or name in self._lifting:
            return
        self.installed.add(name)
        adapter: ProviderAdapter | None = None
        with guard(f"{name}: load adapter"):
            adapter = importlib.import_module(ADAPTERS[name][1]).ADAPTER
        if adapter is None:
            return
        self._wrappers[name] = _target_wrappers(tel, adapter)
        self._install_targets(name)
        for module, attribute, extra in adapter.extra_patches:
            with guard(f"{name}: patch {module}:{attribute}"):
                self._patch(name, EXTRA, module, attribute, extra)
        if adapter.install_note:
            logger.info("genai_otel: %s", adapter.install_note)

    def _install_targets(self, name: str) -> None:
        for module, method, wrapper in self._wrappers.get(name, ()):
            with guard(f"{name}: patch {module}:{method}"):
                self._patch(name, TARGET, module, method, wrapper)
        for module, method in PASS_THROUGH.get(name, ()):
            with guard(f"{name}: patch {module}:{method}"):
                self._patch(name, TARGET, module, method, None)

    # --- peers ------------------------------------------------------------------------------------
    def _watch_peer(self, name: str, peer: Peer) -> None:
        around = self._around_peer(name)
        self._patch(name, PEER, peer.module, f"{peer.instrumentor}.instrument", around)
        self._patch(name, PEER, peer.module, f"{peer.instrumentor}.uninstrument", around)

    def _around_peer(self, name: str) -> Wrapper:
        def around(wrapped: Any, instance: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
            with self._lifted(name):
                return wrapped(*args, **kwargs)

        return around

    @contextmanager
    def _lifted(self, name: str) -> Iterator[None]:
        """genai_otel's targets off while a peer (un)wraps the SDK, back on top afterwards."""
        self._lifting.add(name)
        with guard(f"{name}: lift patches"):
            self._lift(name)
        try:
            yield
        finally:
            self._lifting.discard(name)
            with guard(f"{name}: re-install patches"):
                if name in self.active and ADAPTERS[name][0] in sys.modules:
                    if name in self.installed:
                        self._install_targets(name)
                    else:
                        self._on_import(name)

    def _lift(self, name: str) -> None:
        kept: list[_Patch] = []
        for patch in reversed(self.patches):
            on_top = vars(patch.owner).get(patch.attribute) is patch.patched
            if patch.name == name and patch.kind == TARGET and on_top:
                setattr(patch.owner, patch.attribute, patch.original)
            else:
                kept.append(patch)
        self.patches = kept[::-1]

    def _announce(self, name: str, peer: Peer) -> None:
        if (name, peer.distribution) not in self._announced:
            self._announced.add((name, peer.distribution))
            logger.info(
                "genai_otel: %s is also active; genai_otel's spans are used for the %s calls both cover "
                "(the other's are skipped for them). To use %s instead, disable genai_otel's adapter: "
                "OTEL_PYTHON_DISABLED_INSTRUMENTATIONS=genai_otel_%s or GENAI_OTEL_EXCLUDE=%s",
                peer.distribution,
                name,
                peer.distribution,
                name,
                name,
            )

    # --- the one place that patches ---------------------------------------------------------------
    def _patch(self, name: str, kind: str, module: str, path: str, wrapper: Wrapper | None) -> None:
        """Wrap ``module:path`` with ``wrapper``; ``None`` means a pass-through over a peer only."""
        importlib.import_module(module)
        owner, attribute, original = wrapt.resolve_path(module, path)
        if getattr(original, "_self_genai_otel", False):
            return  # ours already (wrapt proxies forward the lookup, so this sees ours under another's)
        peers = PEERS.get(name, ()) if kind == TARGET else ()
        peer = peer_of(original, peers)
        if peer is not None:
            wrapper = skipping_peers(wrapper or pass_through, peers)
            self._announce(name, peer)
        elif wrapper is None:
            return
        patched = wrapt.FunctionWrapper(original, wrapper)
        patched._self_genai_otel = True  # type: ignore[attr-defined]
        wrapt.apply_patch(owner, attribute, patched)
        self.patches.append(_Patch(name, kind, owner, attribute, original, patched))


def _target_wrappers(tel: Telemetry, adapter: ProviderAdapter) -> list[tuple[str, str, Wrapper]]:
    """One wrapper per target the installed SDK version supports."""
    version = _distribution_version(adapter.distribution)
    out: list[tuple[str, str, Wrapper]] = []
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
        with guard(f"{adapter.name}: wrapper for {target.module}:{target.method}"):
            out.append((target.module, target.method, make_wrapper(tel, adapter, target)))
    return out


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
