"""``genai-otel-instrument [options] COMMAND [ARGS...]``: run a program with genai_otel on.

The options are written into the program's environment as the variables they stand for (so
they win over what the environment already says), the directory holding genai_otel's
``sitecustomize`` is put first on ``PYTHONPATH``, and the launcher replaces itself with
``COMMAND`` (found on ``PATH`` like a shell would; ``exec``, so signals and the exit status are
the program's own). Every Python process started that way, and by default its Python children,
calls ``genai_otel.instrument()`` before the application's first line.

Unlike ``opentelemetry-instrument``, the working directory is not added to ``PYTHONPATH``: the
program sees the import path it would see without the launcher.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn

from .._presets import PRESETS
from ..version import __version__

#: the directory put on PYTHONPATH: it holds only ``sitecustomize.py``
SITE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pythonpath")
CHILDREN = "GENAI_OTEL_INSTRUMENT_CHILDREN"
CAPTURE_MODES = ("NO_CONTENT", "SPAN_ONLY", "EVENT_ONLY", "SPAN_AND_EVENT", "true", "false")
PROTOCOLS = ("grpc", "http/protobuf")


@dataclass(frozen=True, slots=True)
class Option:
    flag: str
    variable: str
    metavar: str
    help: str
    choices: Sequence[str] | None = None


OPTIONS: tuple[Option, ...] = (
    Option("--service-name", "OTEL_SERVICE_NAME", "NAME", "service.name of all telemetry"),
    Option(
        "--endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT", "URL", "base OTLP endpoint, e.g. http://localhost:4317"
    ),
    Option("--protocol", "OTEL_EXPORTER_OTLP_PROTOCOL", "PROTOCOL", "OTLP protocol", PROTOCOLS),
    Option(
        "--capture-content",
        "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
        "MODE",
        "record prompts and completions (default NO_CONTENT)",
        CAPTURE_MODES,
    ),
    Option("--backend", "GENAI_OTEL_BACKEND", "NAME", "backend preset (default otlp)", tuple(PRESETS)),
    Option(
        "--exclude",
        "GENAI_OTEL_EXCLUDE",
        "PROVIDERS",
        "adapters not to instrument, comma-separated: openai, anthropic",
    ),
)


def _choice(option: Option) -> Callable[[str], str]:
    """Case-insensitive choice that returns the canonical spelling."""
    canonical = {value.lower(): value for value in option.choices or ()}

    def parse(text: str) -> str:
        try:
            return canonical[text.strip().lower()]
        except KeyError:
            raise argparse.ArgumentTypeError(
                f"invalid choice {text!r} (choose from {', '.join(option.choices or ())})"
            ) from None

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="genai-otel-instrument",
        description=(
            "Run COMMAND with every LLM call it makes traced by genai_otel, with no code change:\n"
            "each Python process it starts calls genai_otel.instrument() before the application\n"
            "runs. Each option sets the environment variable shown in brackets for COMMAND;\n"
            "setting the variable instead works the same way."
        ),
        epilog=(
            "examples:\n"
            "  genai-otel-instrument python app.py\n"
            "  genai-otel-instrument --service-name chat-api --backend jaeger uvicorn app:api\n"
            "  genai-otel-instrument --endpoint http://collector:4318 --protocol http/protobuf \\\n"
            "      python -m worker"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    for option in OPTIONS:
        choices = f": {', '.join(option.choices)}" if option.choices else ""
        parser.add_argument(
            option.flag,
            metavar=option.metavar,
            type=_choice(option) if option.choices else str,
            help=f"{option.help}{choices}  [{option.variable}]",
        )
    parser.add_argument(
        "--no-children",
        action="store_true",
        help=f"do not instrument the Python processes COMMAND starts  [{CHILDREN}=false]",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("command", metavar="COMMAND", help="the program to run, found on PATH")
    parser.add_argument("args", metavar="ARGS", nargs=argparse.REMAINDER, help="its arguments")
    return parser


def child_environment(args: argparse.Namespace, environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` with the options written in and the sitecustomize directory first on PYTHONPATH."""
    env = dict(environ)
    for option in OPTIONS:
        value = getattr(args, option.flag[2:].replace("-", "_"))
        if value is not None:
            env[option.variable] = value
    if args.no_children:
        env[CHILDREN] = "false"
    current = env.get("PYTHONPATH")
    entries = current.split(os.pathsep) if current else []
    kept = [entry for entry in entries if os.path.abspath(entry or os.curdir) != SITE_DIR]
    env["PYTHONPATH"] = os.pathsep.join([SITE_DIR, *kept])
    return env


def main(argv: Sequence[str] | None = None) -> NoReturn:
    args = build_parser().parse_args(argv)
    executable = shutil.which(args.command)
    if executable is None:
        sys.stderr.write(f"genai-otel-instrument: {args.command}: command not found\n")
        sys.exit(127)
    env = child_environment(args, os.environ)
    try:
        os.execve(executable, [executable, *args.args], env)
    except OSError as exc:
        sys.stderr.write(f"genai-otel-instrument: {args.command}: {exc.strerror or exc}\n")
        sys.exit(126)
