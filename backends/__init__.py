"""Engine registry.

Built-in engines are named here as ``"module:Class"`` and imported on first
use, so an engine never imports a framework the user has not asked for.
Third parties register through the entry-point group ``portvision.backends``
(``name = "package.module:EngineClass"``) or by calling :func:`register`.
"""

from __future__ import annotations

import importlib
import sys

from . import cupy_engine, strict_engine, torch_engine  # noqa: F401  (cheap: no library imports)
from ._base import BORDERS, Engine

__all__ = ["BORDERS", "Engine", "register", "get_engine", "known_engines", "available_engines"]

_SPECS: dict[str, str] = {
    "numpy": "portvision.backends.numpy_engine:NumpyEngine",
    "strict": "portvision.backends.strict_engine:StrictEngine",
    "torch": "portvision.backends.torch_engine:TorchEngine",
    "cupy": "portvision.backends.cupy_engine:CupyEngine",
}
_INSTANCES: dict[str, Engine] = {}
_entry_points_loaded = False


def register(name: str, engine: str | type[Engine] | Engine) -> None:
    """Register an engine under ``name``: an instance, a class, or ``"module:Class"``."""
    _INSTANCES.pop(name, None)
    if isinstance(engine, Engine):
        _INSTANCES[name] = engine
        _SPECS[name] = f"{type(engine).__module__}:{type(engine).__qualname__}"
    elif isinstance(engine, type):
        _SPECS[name] = f"{engine.__module__}:{engine.__qualname__}"
    else:
        _SPECS[name] = engine


def _load_entry_points() -> None:
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    from importlib.metadata import entry_points

    for ep in entry_points(group="portvision.backends"):
        _SPECS.setdefault(ep.name, ep.value)


def _engine_class(name: str) -> type[Engine]:
    module, _, cls = _SPECS[name].partition(":")
    # sys.modules first: torch.compile cannot trace importlib (a first call may be compiled)
    mod = sys.modules.get(module) or importlib.import_module(module)
    return getattr(mod, cls)


def known_engines() -> list[str]:
    _load_entry_points()
    return sorted(_SPECS)


def get_engine(name: str) -> Engine:
    """The engine registered as ``name`` (instantiated once)."""
    eng = _INSTANCES.get(name)
    if eng is not None:
        return eng
    if name not in _SPECS:  # the entry-point scan only for unknown names (compile-friendly)
        _load_entry_points()
    if name not in _SPECS:
        raise ValueError(f"backend: expected one of {known_engines()}, got {name!r}")
    cls = _engine_class(name)
    if not cls.available():
        raise ValueError(
            f"backend: {name!r} is registered but not usable here "
            f"(its library or device is missing); available: {available_engines()}"
        )
    eng = _INSTANCES[name] = cls()
    return eng


def available_engines() -> list[str]:
    """Names of the engines whose library (and device) is present."""
    out = []
    for name in known_engines():
        if name in _INSTANCES:
            out.append(name)
            continue
        try:
            ok = _engine_class(name).available()
        except Exception:  # a broken third-party engine is not available
            ok = False
        if ok:
            out.append(name)
    return out
