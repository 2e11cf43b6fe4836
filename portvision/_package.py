"""Package assembly: import every submodule of a package and re-export its ``__all__``.

Topic packages (``enhance``, ``geometry.transform``, ``losses``...) are a folder of small
modules; their ``__init__`` calls :func:`export_submodules` so a new module is picked up
without editing a list.  Every module is imported first and re-exported afterwards, so
a function named like a module (``gaussian`` in ``filters``) wins over the submodule
attribute the import sets.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module


def export_submodules(package: str, path, namespace: dict, only=None) -> list[str]:
    """Import ``package``'s public submodules (sorted, or ``only``) and copy their ``__all__``."""
    names = only or sorted(m.name for m in pkgutil.iter_modules(path) if not m.name.startswith("_"))
    mods = [import_module(f"{package}.{name}") for name in names]
    exported: list[str] = []
    for mod in mods:
        for name in getattr(mod, "__all__", ()):
            if name in exported:
                raise ImportError(f"{package}: {name!r} is exported by two submodules")
            namespace[name] = getattr(mod, name)
            exported.append(name)
    return exported
