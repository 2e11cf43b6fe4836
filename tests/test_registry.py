"""The registry of public ops: complete, consistent, and the source of the support table."""

from __future__ import annotations

import importlib
import inspect
import pathlib

import pytest

import portvision as pv
from portvision import backends
from portvision._registry import OPS, OpInfo, support_table

#: public names of the filters package that are not ops (none yet: add helpers here)
NON_OPS: set[str] = set()

PACKAGES = [
    pv.filters,
    pv.color,
    pv.enhance,
    pv.utils,
    pv.geometry,
    pv.geometry.transform,
    pv.geometry.conversions,
    pv.geometry.camera,
    pv.geometry.subpix,
    pv.losses,
    pv.metrics,
    pv.morphology,
    pv.contrib,
]


def test_every_package_is_packaged():
    """Each folder with an ``__init__.py`` is listed in pyproject's ``packages`` (the wheel)."""
    root = pathlib.Path(pv.__file__).parent
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    config = tomllib.loads((root.parent / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(("portvision",) + p.parent.relative_to(root).parts)
        for p in root.rglob("__init__.py")
    }
    assert found - {"portvision.backends"} <= listed, sorted(found - listed)


@pytest.mark.parametrize("pkg", PACKAGES, ids=lambda p: p.__name__)
def test_every_public_function_is_registered(pkg):
    missing = [
        name
        for name in pkg.__all__
        if name not in NON_OPS and inspect.isfunction(getattr(pkg, name)) and name not in OPS
    ]
    assert not missing, f"public functions of {pkg.__name__} without @register_op: {missing}"


@pytest.mark.parametrize("pkg", PACKAGES, ids=lambda p: p.__name__)
def test_public_names_unique_and_resolvable(pkg):
    names = list(pkg.__all__)
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, f"names exported twice by {pkg.__name__}: {dupes}"
    for name in names:
        assert hasattr(pkg, name), f"{pkg.__name__}.{name} is in __all__ but not defined"


def test_registry_entries_are_consistent():
    known = set(backends.known_engines())
    for name, info in OPS.items():
        assert isinstance(info, OpInfo) and info.name == name
        assert info.func.__name__ == name
        assert info.module.startswith("portvision."), (name, info.module)
        assert info.tolerance in ("exact", "float", "loose"), (name, info.tolerance)
        assert set(info.unsupported) <= known, (name, info.unsupported)
        assert all(isinstance(r, str) and r for r in info.unsupported.values()), name


def test_registered_ops_are_public():
    """Every registered op is reachable under its module's public namespace."""
    for name, info in OPS.items():
        pkg = importlib.import_module(info.module)
        assert name in pkg.__all__, f"{name} is registered but not in {info.module}.__all__"
        assert getattr(pkg, name) is info.func


def test_public_ops_have_docstrings_with_examples():
    for name, info in OPS.items():
        doc = inspect.getdoc(info.func) or ""
        assert "Args:" in doc or not inspect.signature(info.func).parameters, (
            f"{name}: no Args section"
        )
        assert "Returns:" in doc, f"{name}: no Returns section"
        assert "Example:" in doc or "Examples:" in doc, f"{name}: no Example"


def test_support_table_lists_every_op():
    table = support_table()
    lines = table.splitlines()
    header = lines[0]
    for eng in backends.known_engines():
        assert f" {eng} " in header
    rows = {line.split("|")[1].strip().strip("`"): line for line in lines[2:]}
    assert set(rows) == set(OPS), sorted(set(OPS) ^ set(rows))
    ncols = header.count("|")
    for name, line in rows.items():
        assert line.count("|") == ncols, line
        info = OPS[name]
        assert f"| {'yes' if info.differentiable else 'no'} |" in line
        for reason in info.unsupported.values():
            assert reason in line
