"""genai_otel's ``sitecustomize``: ``genai-otel-instrument`` puts this file's directory first on
``PYTHONPATH``, so every Python process it starts imports this module before the application.

At start-up it:

1. runs the ``sitecustomize`` this one shadows, if there is one further on ``sys.path`` (it is
   imported under its own name with this directory taken off ``sys.path``, and stays in
   ``sys.modules`` as ``sitecustomize``; an error in it is reported the way Python reports one);
2. calls ``genai_otel.instrument()``: providers built from the ``OTEL_*``/``GENAI_OTEL_*``
   variables, unless the user's ``sitecustomize`` configured OpenTelemetry itself;
3. with ``GENAI_OTEL_INSTRUMENT_CHILDREN=false`` takes this directory out of ``PYTHONPATH``, so
   child processes start uninstrumented (by default they inherit it and are instrumented too).

It never raises: any failure of genai_otel is logged and the application runs uninstrumented.
It never recurses: it runs once per process (a guard on ``sys``), and a process started while it
runs (by the user's ``sitecustomize``, say) finds this directory out of ``PYTHONPATH``.

Standard library only until ``genai_otel`` is imported, since that import may be what fails.
This module and the launcher are the only code of genai_otel that reads ``os.environ`` outside
``config.py``: process-level variables that must be handled before genai_otel is imported.
"""

from __future__ import annotations

import os
import sys

_DIR = os.path.dirname(os.path.abspath(__file__))
_GUARD = "_genai_otel_sitecustomize_ran"
CHILDREN = "GENAI_OTEL_INSTRUMENT_CHILDREN"


def _is_ours(entry: str) -> bool:
    return os.path.abspath(entry or os.curdir) == _DIR


def _without_ours(path: str) -> str:
    return os.pathsep.join(entry for entry in path.split(os.pathsep) if not _is_ours(entry))


def _chain() -> None:
    """Import the ``sitecustomize`` this one shadows, as ``site`` would have."""
    ours = sys.modules.pop("sitecustomize", None)
    sys.path[:] = [entry for entry in sys.path if not _is_ours(entry)]
    try:
        import importlib

        importlib.import_module("sitecustomize")
    except ImportError as exc:
        if exc.name != "sitecustomize":
            _report(exc)
    except Exception as exc:
        _report(exc)
    finally:
        if "sitecustomize" not in sys.modules and ours is not None:
            sys.modules["sitecustomize"] = ours


def _report(exc: BaseException) -> None:
    if sys.flags.verbose:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    else:
        sys.stderr.write(
            f"Error in sitecustomize; set PYTHONVERBOSE for traceback:\n{type(exc).__name__}: {exc}\n"
        )


def _instrument() -> None:
    try:
        import genai_otel

        genai_otel.instrument()
    except Exception:
        import logging

        logging.getLogger("genai_otel").warning(
            "genai_otel: instrumentation failed at start-up; the application runs uninstrumented",
            exc_info=True,
        )


def _main() -> None:
    if getattr(sys, _GUARD, False):
        return
    setattr(sys, _GUARD, True)
    pythonpath = os.environ.get("PYTHONPATH")
    if pythonpath is not None:  # processes started during start-up are not instrumented
        os.environ["PYTHONPATH"] = _without_ours(pythonpath)
    try:
        _chain()
        _instrument()
    finally:
        children = os.environ.get(CHILDREN, "").strip().lower() not in ("0", "false", "no", "off")
        current = os.environ.get("PYTHONPATH", "")
        if children and pythonpath is not None:
            os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (_DIR, _without_ours(current))))
        elif not current:
            os.environ.pop("PYTHONPATH", None)


_main()
