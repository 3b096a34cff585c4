"""The ``genai-otel-instrument`` launcher, run for real: the installed console script starts a small
application (``launch.APP``: the real openai/anthropic clients over the replay transport) that
knows nothing of genai_otel, and the spans it prints are read back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from genai_otel.auto import launcher
from launch import (
    BIN_DIR,
    EXIT_GAVE_UP,
    EXPORTS_NEVER_TIME_OUT,
    Run,
    clean_env,
    console_spans,
    run,
    span_lines,
    write_app,
)

LAUNCHER = str(BIN_DIR / "genai-otel-instrument")
SITECUSTOMIZE = Path(launcher.SITE_DIR) / "sitecustomize.py"
OURS = ("genai_otel", "chat gpt-4o-mini")

USER_SITECUSTOMIZE = """
import os, sys
print("USER SITECUSTOMIZE ran; genai_otel imported:", "genai_otel" in sys.modules, flush=True)
"""

#: the app starts the launch app as a child, then reports what it saw itself
PARENT = """
import os, subprocess, sys
print("PARENT genai_otel imported:", "genai_otel" in sys.modules, flush=True)
print("PARENT PYTHONPATH:", os.environ.get("PYTHONPATH"), flush=True)
subprocess.run([sys.executable, "app.py"], check=True)
"""


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    write_app(tmp_path)
    return tmp_path


def launch(app_dir: Path, *argv: str, **env: str) -> Run:
    return run([LAUNCHER, *argv], clean_env(**env), app_dir)


def test_help_documents_each_option_with_its_variable() -> None:
    done = run([LAUNCHER, "--help"], clean_env(), Path.cwd()).check()
    text = " ".join(done.stdout.split())  # argparse wraps lines
    assert "genai-otel-instrument [-h]" in text and "COMMAND" in text
    for option in launcher.OPTIONS:
        assert f"{option.flag} {option.metavar}" in text
        assert f"[{option.variable}]" in text
        for choice in option.choices or ():
            assert choice in text
    assert "--no-children" in text and "[GENAI_OTEL_INSTRUMENT_CHILDREN=false]" in text


def test_an_app_is_instrumented_with_no_code_change(app_dir: Path) -> None:
    done = launch(
        app_dir, "--service-name", "svc-launched", "--capture-content", "span_only", "python", "app.py"
    )
    done.check()
    assert "RESULT openai chatcmpl-" in done.stdout
    assert span_lines(done.stdout) == [OURS]
    (span,) = console_spans(done.stdout)
    assert span["name"] == "chat gpt-4o-mini"
    assert span["attributes"]["gen_ai.provider.name"] == "openai"
    assert span["attributes"]["gen_ai.usage.input_tokens"] == 19
    assert '"Hi"' in span["attributes"]["gen_ai.input.messages"]  # --capture-content reached Settings
    assert span["resource"]["attributes"]["service.name"] == "svc-launched"


def test_exclude_leaves_that_provider_alone(app_dir: Path) -> None:
    done = launch(app_dir, "--exclude", "openai", "python", "app.py", "openai", "anthropic").check()
    assert "RESULT openai" in done.stdout and "RESULT anthropic" in done.stdout
    assert span_lines(done.stdout) == [("genai_otel", "chat claude-haiku-4-5")]


def test_options_become_the_standard_variables_and_the_site_dir_leads_pythonpath() -> None:
    args = launcher.build_parser().parse_args(
        [
            *("--service-name", "svc", "--endpoint", "http://127.0.0.1:4318", "--protocol", "HTTP/protobuf"),
            *("--capture-content", "event_only", "--backend", "jaeger", "--exclude", "anthropic"),
            *("--no-children", "python", "app.py", "--app-flag", "x"),
        ]
    )
    assert (args.command, args.args) == ("python", ["app.py", "--app-flag", "x"])  # the app's own options
    previous = os.pathsep.join(["/somewhere", "", launcher.SITE_DIR])
    env = launcher.child_environment(args, {"PYTHONPATH": previous, "OTEL_SERVICE_NAME": "old", "KEEP": "1"})
    assert env == {
        "OTEL_SERVICE_NAME": "svc",
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
        "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "EVENT_ONLY",
        "GENAI_OTEL_BACKEND": "jaeger",
        "GENAI_OTEL_EXCLUDE": "anthropic",
        "GENAI_OTEL_INSTRUMENT_CHILDREN": "false",
        "PYTHONPATH": os.pathsep.join([launcher.SITE_DIR, "/somewhere", ""]),  # once, first; "" kept
        "KEEP": "1",
    }
    bare = launcher.child_environment(launcher.build_parser().parse_args(["python"]), {})
    assert bare == {"PYTHONPATH": launcher.SITE_DIR}


def test_the_child_sees_the_variables_and_keeps_its_exit_status(app_dir: Path) -> None:
    (app_dir / "env.py").write_text(
        "import os, sys\n"
        "env = os.environ\n"
        "print('ENDPOINT', env['OTEL_EXPORTER_OTLP_ENDPOINT'], env['OTEL_EXPORTER_OTLP_PROTOCOL'])\n"
        "sys.exit(3)\n"
    )
    argv = ("--endpoint", "http://127.0.0.1:9", "--protocol", "grpc", "python", "env.py")
    done = launch(app_dir, *argv, OTEL_TRACES_EXPORTER="none")
    assert done.returncode == 3, done.stderr
    assert "ENDPOINT http://127.0.0.1:9 grpc" in done.stdout


def test_unknown_command_and_bad_option_are_clear_errors(app_dir: Path) -> None:
    missing = launch(app_dir, "no-such-command-anywhere", "x")
    assert missing.returncode == 127
    assert "genai-otel-instrument: no-such-command-anywhere: command not found" in missing.stderr
    bad = launch(app_dir, "--protocol", "carrier-pigeon", "python", "app.py")
    assert bad.returncode == 2
    assert "invalid choice 'carrier-pigeon' (choose from grpc, http/protobuf)" in bad.stderr


def test_the_users_sitecustomize_runs_first_and_stays_the_sitecustomize(app_dir: Path) -> None:
    user_site = app_dir / "user_site"
    user_site.mkdir()
    (user_site / "sitecustomize.py").write_text(USER_SITECUSTOMIZE)
    (app_dir / "which.py").write_text(
        "import sys\n"
        "print('SITECUSTOMIZE', sys.modules['sitecustomize'].__file__)\n"
        "exec(open('app.py').read())\n"
    )
    done = launch(app_dir, "python", "which.py", PYTHONPATH=str(user_site)).check()
    # once in the launcher's own interpreter (Python's doing), once in the app, before instrument()
    assert done.stdout.count("USER SITECUSTOMIZE ran; genai_otel imported: False") == 2
    assert f"SITECUSTOMIZE {user_site / 'sitecustomize.py'}" in done.stdout
    assert span_lines(done.stdout) == [OURS]


def test_opentelemetry_the_users_sitecustomize_configured_is_used(app_dir: Path) -> None:
    """The application's own OpenTelemetry set-up (here in its sitecustomize) is never replaced."""
    user_site = app_dir / "user_site"
    user_site.mkdir()
    (user_site / "sitecustomize.py").write_text(
        "from opentelemetry import trace\n"
        "from opentelemetry.sdk.resources import Resource\n"
        "from opentelemetry.sdk.trace import TracerProvider\n"
        "trace.set_tracer_provider(TracerProvider(resource=Resource.create({'service.name': 'users-own'})))\n"
    )
    done = launch(app_dir, "--service-name", "from-launcher", "python", "app.py", PYTHONPATH=str(user_site))
    done.check()
    assert span_lines(done.stdout) == [OURS]
    assert console_spans(done.stdout) == []  # genai_otel built no exporter: the app's provider has none
    assert "Overriding of current TracerProvider" not in done.stderr


def test_a_failing_user_sitecustomize_is_reported_as_python_would_and_the_app_still_runs(
    app_dir: Path,
) -> None:
    user_site = app_dir / "user_site"
    user_site.mkdir()
    (user_site / "sitecustomize.py").write_text("raise RuntimeError('user site broke')\n")
    done = launch(app_dir, "python", "app.py", PYTHONPATH=str(user_site)).check()
    assert (
        "Error in sitecustomize; set PYTHONVERBOSE for traceback:\nRuntimeError: user site broke"
        in done.stderr
    )
    assert span_lines(done.stdout) == [OURS]


def test_child_processes_are_instrumented_by_default(app_dir: Path) -> None:
    (app_dir / "parent.py").write_text(PARENT)
    done = launch(app_dir, "python", "parent.py").check()
    assert "PARENT genai_otel imported: True" in done.stdout
    assert f"PARENT PYTHONPATH: {launcher.SITE_DIR}\n" in done.stdout
    assert span_lines(done.stdout) == [OURS]  # the child's call


def test_no_children_leaves_child_processes_alone(app_dir: Path) -> None:
    (app_dir / "parent.py").write_text(PARENT)
    done = launch(app_dir, "--no-children", "python", "parent.py", PYTHONPATH="/kept").check()
    assert "PARENT genai_otel imported: True" in done.stdout
    assert "PARENT PYTHONPATH: /kept\n" in done.stdout  # the user's own PYTHONPATH, as it was
    assert "RESULT openai" in done.stdout
    assert span_lines(done.stdout) == []


def test_a_broken_genai_otel_install_lets_the_app_run_uninstrumented(app_dir: Path) -> None:
    """A half-upgraded install: the ``genai_otel`` the app's interpreter finds raises on import."""
    shadow = app_dir / "shadow" / "genai_otel"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise RuntimeError('half-upgraded install')\n")
    script = f'PYTHONPATH="$PYTHONPATH{os.pathsep}{shadow.parent}" exec python app.py'
    done = launch(app_dir, "sh", "-c", script).check()
    assert "RESULT openai chatcmpl-" in done.stdout
    assert span_lines(done.stdout) == []
    assert (
        "genai_otel: instrumentation failed at start-up; the application runs uninstrumented" in done.stderr
    )
    assert "RuntimeError: half-upgraded install" in done.stderr


def test_it_runs_once_per_process_and_nests_without_stacking(app_dir: Path) -> None:
    user_site = app_dir / "user_site"
    user_site.mkdir()
    (user_site / "sitecustomize.py").write_text(USER_SITECUSTOMIZE)
    (app_dir / "again.py").write_text(
        "import os, runpy\n"
        f"runpy.run_path({str(SITECUSTOMIZE)!r})  # our sitecustomize executed a second time\n"
        "print('PYTHONPATH', os.environ['PYTHONPATH'])\n"
        "exec(open('app.py').read())\n"
    )
    done = launch(app_dir, LAUNCHER, "python", "again.py", PYTHONPATH=str(user_site)).check()
    # launcher, nested launcher, app: the user's sitecustomize ran once in each, never twice
    assert done.stdout.count("USER SITECUSTOMIZE ran") == 3
    assert f"PYTHONPATH {launcher.SITE_DIR}{os.pathsep}{user_site}\n" in done.stdout
    assert span_lines(done.stdout) == [OURS]


def test_under_opentelemetry_instrument_its_sdk_is_used_and_nothing_doubles(app_dir: Path) -> None:
    """``opentelemetry-instrument genai-otel-instrument python app.py``: our sitecustomize runs
    OpenTelemetry's first (the distro builds the SDK, the entry points instrument), then finds
    nothing left to do."""
    argv = [str(BIN_DIR / "opentelemetry-instrument"), LAUNCHER, "python", "app.py"]
    done = run(argv, clean_env(OTEL_SERVICE_NAME="both-launchers"), app_dir).check()
    assert span_lines(done.stdout) == [OURS]
    (span,) = console_spans(done.stdout)
    assert span["resource"]["attributes"]["telemetry.auto.version"]  # the distro's configurator
    assert "Overriding of current" not in done.stderr


def test_a_process_started_during_start_up_is_not_instrumented(app_dir: Path) -> None:
    """What a sitecustomize starts while start-up runs gets no sitecustomize of ours: no loops."""
    user_site = app_dir / "user_site"
    user_site.mkdir()
    (user_site / "sitecustomize.py").write_text(
        "import os, subprocess, sys\n"
        "if not os.environ.get('SPAWNED'):\n"
        '    code = \'import sys; print("STARTUP CHILD genai_otel:", "genai_otel" in sys.modules)\'\n'
        "    subprocess.run([sys.executable, '-c', code], env={**os.environ, 'SPAWNED': '1'}, check=True)\n"
    )
    done = launch(app_dir, "python", "app.py", PYTHONPATH=str(user_site)).check()
    assert "STARTUP CHILD genai_otel: True" not in done.stdout
    assert "STARTUP CHILD genai_otel: False" in done.stdout
    assert span_lines(done.stdout) == [OURS]


def test_an_app_exits_when_no_collector_answers(app_dir: Path) -> None:
    """The exporter retries a refused connection until its timeout, set beyond the hang guard:
    the app ends only because the exit handler stops waiting (its duration: benchmarks/exit_time.py)."""
    unreachable = {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_METRICS_EXPORTER": "otlp", **EXPORTS_NEVER_TIME_OUT}
    argv = ("--endpoint", "http://127.0.0.1:9", "python", "app.py")
    done = launch(app_dir, *argv, **unreachable).check()
    assert span_lines(done.stdout) == [OURS]
    assert EXIT_GAVE_UP in done.stderr, done.stderr[-2000:]


def test_the_sitecustomize_directory_holds_nothing_else() -> None:
    """Everything in it becomes importable by every instrumented process."""
    names = {p.name for p in Path(launcher.SITE_DIR).iterdir() if p.name != "__pycache__"}
    assert names == {"sitecustomize.py"}
