"""The support table (``genai_otel._support``) against every place that states what is supported.

The registry's lookup, the instrumentor classes and the peers are derived from the table; the
extras and entry points in ``pyproject.toml`` and the README's tables are static text, so these
tests read them (installing nothing) and require, for every row, the same names and the same
floor, and nothing that is in one place and not the others. When a floor or a row changes, the
failing assertion names the line to change.

Also here: ``genai_otel.__all__`` is exactly what the README's "Python API" section documents.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

import genai_otel
from genai_otel._patching.peers import PASS_THROUGH, PEERS
from genai_otel._patching.registry import ADAPTERS
from genai_otel._support import SUPPORT, Support
from genai_otel.auto import instrumentors
from genai_otel.auto.instrumentors import GenAIInstrumentor

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())
README = (ROOT / "README.md").read_text()
#: extras that install no provider SDK
NOT_PROVIDERS = {"test"}
#: modules the README's "Python API" documents besides the names in ``__all__``
PUBLIC_MODULES = {"adapter", "auto.instrumentors"}


def section(heading: str) -> str:
    """The README's text under ``heading`` up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = README.index(f"\n{heading}\n")
    ends = [README.find(f"\n{'#' * n} ", start + 1) for n in range(1, len(level) + 1)]
    return README[start : min((e for e in ends if e != -1), default=len(README))]


def table_rows(text: str) -> list[list[str]]:
    """The cells of the first Markdown table in ``text``, header and separator left out."""
    lines = text[text.index("\n|") + 1 :].split("\n")
    rows = []
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def floor_in(cell: str) -> str:
    """The first ``≥ X`` of a README cell: the floor (later ones are per-call minimums)."""
    found = re.search(r"≥ ([0-9][^\s,)]*)", cell)
    assert found, f"no '≥ <floor>' in README cell {cell!r}"
    return found.group(1)


def distributions(row: Support) -> frozenset[str]:
    return frozenset({row.distribution, row.installs} - {""})


# --- the table itself --------------------------------------------------------------------------


def test_rows_are_unique_and_their_floors_parse() -> None:
    for field in ("name", "extra", "instrumentor", "adapter_module"):
        values = [getattr(row, field) for row in SUPPORT]
        assert len(values) == len(set(values)), field
    for row in SUPPORT:
        assert row.name == row.name.lower() and "," not in row.name
        assert Version(row.floor) == Version(row.floor)
        requirement = Requirement(row.requirement)
        assert requirement.name == row.distribution and str(requirement.specifier) == f">={row.floor}"
        assert Requirement(row.extra_requirement).specifier == requirement.specifier


@pytest.mark.parametrize("row", SUPPORT, ids=lambda row: row.name)
def test_the_adapter_module_names_the_same_adapter_and_distribution(row: Support) -> None:
    adapter = importlib.import_module(row.adapter_module).ADAPTER
    assert (adapter.name, adapter.distribution) == (row.name, row.distribution)


# --- derived -----------------------------------------------------------------------------------


def test_the_registry_looks_adapters_up_in_the_table() -> None:
    assert list(ADAPTERS)[: len(SUPPORT)] == [row.name for row in SUPPORT]  # the install order
    for row in SUPPORT:
        assert ADAPTERS[row.name] == (row.sdk_module, row.adapter_module)


def test_the_peers_are_the_tables() -> None:
    assert {row.name: row.peers for row in SUPPORT if row.peers} == PEERS
    assert set(PASS_THROUGH) <= set(PEERS)


def test_one_instrumentor_class_per_row_and_no_other() -> None:
    for row in SUPPORT:
        cls = getattr(instrumentors, row.instrumentor)
        assert issubclass(cls, GenAIInstrumentor)
        assert (cls.__name__, cls.__qualname__, cls.__module__) == (
            row.instrumentor,
            row.instrumentor,
            instrumentors.__name__,
        )
        assert cls.adapter == row.name
        assert cls().instrumentation_dependencies() == (row.requirement,)
        assert row.entry_point in (cls.__doc__ or "")
    bound = {
        name
        for name, value in vars(instrumentors).items()
        if inspect.isclass(value) and issubclass(value, GenAIInstrumentor) and value is not GenAIInstrumentor
    }
    assert bound == {row.instrumentor for row in SUPPORT}


# --- static text: pyproject.toml and the README ------------------------------------------------


def test_pyproject_has_one_extra_per_row_stating_its_floor() -> None:
    extras = PYPROJECT["project"]["optional-dependencies"]
    stated = {name: reqs for name, reqs in extras.items() if name not in NOT_PROVIDERS}
    expected = {row.extra: [row.extra_requirement] for row in SUPPORT}
    assert stated == expected, "pyproject.toml [project.optional-dependencies] differs from the table"


def test_pyproject_has_one_entry_point_per_row_naming_its_class() -> None:
    stated = PYPROJECT["project"]["entry-points"]["opentelemetry_instrumentor"]
    expected = {row.entry_point: f"{instrumentors.__name__}:{row.instrumentor}" for row in SUPPORT}
    assert stated == expected, "pyproject.toml [project.entry-points.opentelemetry_instrumentor] differs"


def test_readme_provider_table_states_each_floor() -> None:
    rows = table_rows(section("## What each provider covers"))
    stated = {frozenset(ticked(cells[1])): floor_in(cells[1]) for cells in rows}
    assert len(stated) == len(rows)
    expected = {distributions(row): row.floor for row in SUPPORT}
    assert stated == expected, "README 'What each provider covers', SDK column, differs from the table"


def test_readme_entry_point_table_states_each_class_and_floor() -> None:
    rows = table_rows(section("### With `opentelemetry-instrument`"))
    stated = {ticked(c[0])[0]: (ticked(c[1])[0], ticked(c[2])[0], floor_in(c[2])) for c in rows}
    assert len(stated) == len(rows)
    expected = {row.entry_point: (row.instrumentor, row.distribution, row.floor) for row in SUPPORT}
    assert stated == expected, "README entry-point table differs from the table"


def test_readme_names_every_adapter_for_providers() -> None:
    (line,) = [line for line in README.split("\n") if line.startswith("| `providers` |")]
    stated = ticked(line.split("only these adapters", 1)[1])
    assert sorted(stated) == sorted(row.name for row in SUPPORT)


# --- the public surface ------------------------------------------------------------------------


def test_all_is_what_the_readme_python_api_documents() -> None:
    documented = set()
    for cells in table_rows(section("## Python API")):
        documented |= set(re.findall(r"`genai_otel\.([\w.]+)", cells[0]))
    assert documented == set(genai_otel.__all__) | PUBLIC_MODULES
    for name in genai_otel.__all__:
        assert hasattr(genai_otel, name), name
    for module in PUBLIC_MODULES:
        importlib.import_module(f"genai_otel.{module}")
