"""Engine dispatch: which engine runs a public call, resolved once per call.

* Without a context the engine is inferred from the array arguments (a
  ``type -> engine`` cache; the registry is consulted only on a miss). Python
  scalars, tuples and ``None`` are ignored; two libraries in one call are a
  ``TypeError``.
* Inside ``use_backend(name, device)`` (a ``ContextVar``: per thread and per
  async task, nestable) every array argument is converted to that engine.
  The ``ContextVar`` is read only while some context is open anywhere, so
  code outside contexts never touches it (``torch.compile(fullgraph=True)``).
"""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from contextvars import ContextVar

from portvision import backends
from portvision.backends import Engine

_NOT_ARRAYS = (type(None), bool, int, float, complex, tuple, list, str)
_TYPE_CACHE: dict[type, Engine] = {}
_CONTEXT: ContextVar[tuple[Engine, object] | None] = ContextVar("portvision_backend", default=None)
_open_contexts = 0
_lock = threading.Lock()


_LIBRARY_ENGINE = {"numpy": "numpy", "torch": "torch", "array_api_strict": "strict", "cupy": "cupy"}


def _engine_of_type(tp: type, name: str) -> Engine:
    """Slow path: find the engine owning array type ``tp`` and cache it.

    The built-in engine of the type's library, then the engines already made, are
    tried before the registry scan: that path calls neither importlib nor the
    entry-point scan, which ``torch.compile`` cannot trace, so the first portvision
    call of a program may happen inside a ``fullgraph=True`` compiled function.
    """
    builtin = _LIBRARY_ENGINE.get(tp.__module__.partition(".")[0])
    for eng in ([builtin] if builtin else []) + list(backends._INSTANCES.values()):
        try:
            eng = backends.get_engine(eng) if isinstance(eng, str) else eng
        except ValueError:
            continue
        if eng.owns_type(tp):
            _TYPE_CACHE[tp] = eng
            return eng
    for ename in backends.known_engines():
        cls = backends._engine_class(ename)
        if cls.module not in sys.modules:
            continue  # the user cannot hold an array of a library never imported
        try:
            eng = backends.get_engine(ename)
        except ValueError:
            continue
        if eng.owns_type(tp):
            _TYPE_CACHE[tp] = eng
            return eng
    raise TypeError(
        f"{name}: expected an array of one of the engines {backends.available_engines()}, "
        f"got {tp.__module__}.{tp.__qualname__}"
    )


def _context():
    return _CONTEXT.get() if _open_contexts else None


def dispatch1(name: str, x):
    """Engine for one array argument ``x`` (named ``name`` in errors) and ``x`` itself."""
    if _open_contexts:
        state = _CONTEXT.get()
        if state is not None:
            require_array(name, x)
            return state[0], state[0].convert(x, state[1])
    eng = _TYPE_CACHE.get(type(x))
    if eng is None:
        require_array(name, x)
        eng = _engine_of_type(type(x), name)
    return eng, x


def dispatch(names: tuple[str, ...], *values):
    """Engine for a call whose arguments are ``values`` (the first must be an array).

    Returns ``(engine, values)`` with the values converted to the engine when a
    context is open.
    """
    require_array(names[0], values[0])
    state = _context()
    if state is not None:
        eng, device = state
        return eng, tuple(eng.convert(v, device) for v in values)
    eng = None
    for name, v in zip(names, values, strict=True):
        tp = type(v)
        if tp in _NOT_ARRAYS:
            continue
        e = _TYPE_CACHE.get(tp) or _engine_of_type(tp, name)
        if eng is None:
            eng = e
        elif e is not eng:
            arrays = [type(u) for u in values if type(u) not in _NOT_ARRAYS]
            found = sorted({f"{t.__module__}.{t.__qualname__}" for t in arrays})
            raise TypeError(
                f"{name}: arrays of different libraries in one call ({', '.join(found)}); "
                f"convert them to one library or run inside portvision.use_backend(...)"
            )
    return eng, values


def require_array(name: str, x) -> None:
    """TypeError naming ``name`` unless ``x`` is an array."""
    if type(x) in _NOT_ARRAYS:
        raise TypeError(f"{name}: expected an array, got {type(x).__name__}")


def factory():
    """``(engine, device)`` for arrays made from nothing: the context's, else NumPy's."""
    state = _context()
    if state is not None:
        return state
    return backends.get_engine("numpy"), None


@contextmanager
def use_backend(name: str, device=None):
    """Run the enclosed portvision calls on engine ``name`` (on ``device`` if given).

    Foreign inputs are converted to the engine (DLPack where possible), outputs
    are its arrays, and functions that create arrays use it.  Contexts nest and
    are private to their thread / async task.

    >>> import numpy as np, portvision as pv
    >>> with pv.use_backend("strict"):
    ...     out = pv.filters.box_blur(np.ones((1, 1, 4, 4), dtype=np.float32), (3, 3))
    >>> type(out).__module__.split(".")[0]
    'array_api_strict'
    """
    global _open_contexts
    if not isinstance(name, str):
        raise TypeError(f"backend: expected an engine name (str), got {type(name).__name__}")
    eng = backends.get_engine(name)
    token = _CONTEXT.set((eng, eng.resolve_device(device)))
    with _lock:
        _open_contexts += 1
    try:
        yield eng
    finally:
        with _lock:
            _open_contexts -= 1
        _CONTEXT.reset(token)


def get_backend() -> str:
    """Name of the engine that array-creating functions use here ("numpy" outside contexts).

    >>> import portvision as pv
    >>> pv.get_backend()
    'numpy'
    >>> with pv.use_backend("strict"):
    ...     pv.get_backend()
    'strict'
    """
    return factory()[0].name


def available_backends() -> list[str]:
    """Names of the engines usable on this machine.

    >>> import portvision as pv
    >>> "numpy" in pv.available_backends()
    True
    """
    return backends.available_engines()
