"""The conformance suite: every case of every ``tests/op_cases_*.py`` on every engine.

Per case and engine (and float dtype of the engine):

* the result is the engine's array type, with the expected dtype, on the input's device;
* it agrees with the strict engine on the CPU device in float64 (the float32 run is
  compared with the reference computed from its own inputs upcast to float64);
* inputs are not modified, and read-only NumPy inputs work on the NumPy engine;
* the op is batch-independent (op on a batch == op on each item);
* differentiable ops pass ``torch.autograd.gradcheck`` on torch in float64.

Every op of the registry must have at least one case.
"""

from __future__ import annotations

import importlib
import pathlib
from contextlib import nullcontext

import numpy as np
import pytest
from conftest import ENGINE_CASES, EngineCase, float_dtypes
from op_case import Case
from portvision.backends._base import _dtype_name

import portvision as pv
from portvision._registry import OPS

DEFAULT_TOL = {"float64": (1e-7, 1e-9), "float32": (1e-4, 1e-5)}
REFERENCE = EngineCase("strict", "strict")


# -- collection ------------------------------------------------------------------------
def _collect():
    cases, errors = [], {}
    for path in sorted(pathlib.Path(__file__).parent.glob("op_cases_*.py")):
        try:
            mod = importlib.import_module(path.stem)
            cases += [c for c in mod.CASES]
        except Exception as exc:  # reported by test_case_modules_import, not a collection error
            errors[path.stem] = f"{type(exc).__name__}: {exc}"
    return cases, errors


CASES, MODULE_ERRORS = _collect()
CASE_PARAMS = [pytest.param(c, id=f"{c.op}-{c.id}") for c in CASES]
TORCH_PARAMS = [p for p in ENGINE_CASES if p.values[0].name == "torch"]


def test_case_modules_import():
    assert not MODULE_ERRORS, f"op_cases modules that fail to import: {MODULE_ERRORS}"


def test_every_op_has_a_case():
    missing = sorted(set(OPS) - {c.op for c in CASES})
    assert not missing, f"ops without a conformance case: {missing}"


def test_every_case_names_a_registered_op():
    unknown = sorted({c.op for c in CASES} - set(OPS))
    assert not unknown, f"cases for ops that are not registered: {unknown}"


# -- input / output plumbing -----------------------------------------------------------
def _map_arrays(obj, fn):
    """Apply ``fn`` to every NumPy array in nested tuples / lists / dicts."""
    if isinstance(obj, np.ndarray):
        return fn(obj)
    if isinstance(obj, (tuple, list)):
        return type(obj)(_map_arrays(o, fn) for o in obj)
    if isinstance(obj, dict):
        return {k: _map_arrays(v, fn) for k, v in obj.items()}
    return obj


def _arrays(obj, is_array=lambda a: isinstance(a, np.ndarray)):
    """Every array in nested tuples / lists / dicts, in order (NumPy's by default)."""
    if is_array(obj):
        return [obj]
    if isinstance(obj, (tuple, list)):
        return [a for o in obj for a in _arrays(o, is_array)]
    if isinstance(obj, dict):
        return [a for v in obj.values() for a in _arrays(v, is_array)]
    return []


def _leaves(result):
    """Flatten an op's result (array, or nested tuple of arrays / scalars) into a list."""
    if isinstance(result, (tuple, list)):
        return [leaf for r in result for leaf in _leaves(r)]
    if isinstance(result, dict):  # metrics returning {name: array} / {threshold: float}
        return [leaf for k in sorted(result, key=str) for leaf in _leaves(result[k])]
    return [result]


def _build(case: Case, dtype: str):
    """Host inputs of ``case`` made for ``dtype`` (fresh each call: ``make`` is seeded)."""
    args, kwargs = case.make(np.random.default_rng(case.seed), dtype)
    return tuple(args), dict(kwargs)


def _upcast(a):
    return a.astype(np.float64) if a.dtype.kind == "f" else a


def _is_factory(case: Case, host) -> bool:
    return OPS[case.op].factory or not _arrays(host)


def _run(case: Case, engine: EngineCase, host, func=None):
    """Run the op on ``engine``; returns (engine inputs, result)."""
    args, kwargs = _map_arrays(host, engine.asarray)
    func = func or OPS[case.op].func
    ctx = (
        pv.use_backend(engine.name, device=engine.device)
        if _is_factory(case, host)
        else nullcontext()
    )
    with ctx:
        return (args, kwargs), func(*args, **kwargs)


def _host_result(engine: EngineCase, result):
    return [engine.to_numpy(r) if engine.is_own(r) else r for r in _leaves(result)]


_REF_CACHE: dict = {}


def _reference(case: Case, dtype: str):
    """Strict-engine float64 result for the inputs of the ``dtype`` run (cached)."""
    key = (id(case), case.seed, dtype)
    if key not in _REF_CACHE:
        host = _build(case, dtype)
        host = host if dtype == "float64" else _map_arrays(host, _upcast)
        if _is_factory(case, host):
            host = _build(case, "float64")
        _, out = _run(case, REFERENCE, host)
        _REF_CACHE[key] = _host_result(REFERENCE, out)
    return _REF_CACHE[key]


def _skip_unsupported(case: Case, engine: EngineCase):
    if case.op not in OPS:
        pytest.fail(f"case for unregistered op {case.op!r}")
    if engine.id in case.skip:
        pytest.skip(case.skip[engine.id])
    reason = OPS[case.op].unsupported.get(engine.name)
    if reason:
        pytest.skip(f"{case.op} unsupported on {engine.name}: {reason}")


def _dtypes(case: Case, engine: EngineCase):
    """Float dtypes to run; integer-input cases run once (their inputs ignore the dtype)."""
    dts = float_dtypes(engine)
    first = _arrays(_build(case, dts[0]))
    if first and first[0].dtype.kind != "f":
        return dts[:1]
    return dts


def _expected_dtype(case: Case, host, run_dtype: str, ref_leaf, k: int):
    want = case.out_dtype
    if isinstance(want, (tuple, list)):
        want = want[k] if k < len(want) else None
    if want is not None:
        return want
    ref_dt = np.asarray(ref_leaf).dtype
    if ref_dt.kind != "f":
        return ref_dt.name  # masks / indices: the same on every engine
    arrays = _arrays(host)
    if not arrays or arrays[0].dtype.kind == "f":
        return run_dtype
    return "float32"  # integer images compute in float32 (Kornia's rule)


def _tol(case: Case, dtype: str):
    return case.tol.get(dtype, DEFAULT_TOL.get(dtype, DEFAULT_TOL["float32"]))


def _compare(case: Case, got, want, dtype: str, what: str):
    assert len(got) == len(want), f"{what}: {len(got)} outputs, expected {len(want)}"
    for k, (g, w) in enumerate(zip(got, want, strict=True)):
        msg = f"{what}, output {k}"
        if not isinstance(w, np.ndarray):
            if case.exact or not isinstance(w, float):
                assert g == w, msg
            else:
                np.testing.assert_allclose(g, w, *_tol(case, dtype), err_msg=msg)
            continue
        g = np.asarray(g)
        assert g.shape == w.shape, f"{msg}: shape {g.shape}, expected {w.shape}"
        if case.exact:
            np.testing.assert_array_equal(g, w, err_msg=msg)
        else:
            rtol, atol = _tol(case, dtype)
            np.testing.assert_allclose(
                g.astype(np.float64), w.astype(np.float64), rtol=rtol, atol=atol, err_msg=msg
            )


def _check_kind(case, engine, host, inputs, result, ref, dtype):
    """(a) the engine's array type, the expected dtype, the input's device."""
    leaves = _leaves(result)
    in_arrays = _arrays(inputs, engine.is_own)
    # no array input (kernel builders): the device of any array made on the engine's device
    probe = in_arrays[0] if in_arrays else engine.asarray(np.zeros(1, dtype=np.float32))
    device = engine.eng.device(probe)
    for k, leaf in enumerate(leaves):
        if not isinstance(ref[k], np.ndarray):
            continue
        assert engine.is_own(leaf), f"output {k}: {type(leaf)} is not a {engine.name} array"
        want = _expected_dtype(case, host, dtype, ref[k], k)
        assert _dtype_name(leaf.dtype) == want, f"output {k}: dtype {leaf.dtype}, expected {want}"
        assert engine.eng.device(leaf) == device, (
            f"output {k}: device {engine.eng.device(leaf)}, expected {device}"
        )


# -- (a) (b) (c): type, dtype, device, agreement, no mutation, read-only inputs ----------
@pytest.mark.parametrize("case", CASE_PARAMS)
def test_agrees_with_reference(case: Case, engine: EngineCase):
    _skip_unsupported(case, engine)
    for dtype in _dtypes(case, engine):
        host = _build(case, dtype)
        pristine = _map_arrays(host, np.copy)
        inputs, result = _run(case, engine, host)
        ref = _reference(case, dtype)
        _check_kind(case, engine, host, inputs, result, ref, dtype)
        got = _host_result(engine, result)
        _compare(case, got, ref, dtype, f"{engine.id} {dtype} vs strict float64")
        for k, (before, after) in enumerate(
            zip(_arrays(pristine), _arrays(inputs, engine.is_own), strict=True)
        ):
            np.testing.assert_array_equal(
                engine.to_numpy(after), before, err_msg=f"input array {k} was modified"
            )
        if engine.name == "numpy":
            frozen = _map_arrays(pristine, np.copy)
            for a in _arrays(frozen):
                a.flags.writeable = False
            _, again = _run(case, engine, frozen)
            _compare(case, _host_result(engine, again), got, dtype, "read-only inputs")


# -- (d) batch independence ----------------------------------------------------------------
def _split(host, positions, i):
    args, kwargs = host
    take = lambda a: a[i : i + 1] if isinstance(a, np.ndarray) else a  # noqa: E731
    args = tuple(take(a) if j in positions else a for j, a in enumerate(args))
    kwargs = {k: take(v) if k in positions else v for k, v in kwargs.items()}
    return args, kwargs


def _batch_size(host, positions):
    args, kwargs = host
    for p in positions:
        a = args[p] if isinstance(p, int) else kwargs.get(p)
        if isinstance(a, np.ndarray) and a.ndim:
            return a.shape[0]
    return 0


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_batch_independent(case: Case, engine: EngineCase):
    _skip_unsupported(case, engine)
    dtype = float_dtypes(engine)[-1]
    host = _build(case, dtype)
    n = _batch_size(host, case.batched)
    if not case.batched or n < 2:
        pytest.skip("no batch axis to split")
    _, whole = _run(case, engine, host)
    whole = _host_result(engine, whole)
    for i in range(n):
        _, item = _run(case, engine, _split(host, case.batched, i))
        want = [w[i : i + 1] if isinstance(w, np.ndarray) and w.ndim else w for w in whole]
        _compare(case, _host_result(engine, item), want, dtype, f"{engine.id}: item {i} vs batch")


# -- (e) gradients ----------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASE_PARAMS)
@pytest.mark.parametrize("tengine", TORCH_PARAMS)
def test_gradcheck(case: Case, tengine: EngineCase):
    torch = pytest.importorskip("torch")
    _skip_unsupported(case, tengine)
    if not OPS[case.op].differentiable or not case.grad:
        pytest.skip("not differentiable")
    args, kwargs = _build(case, "float64")
    if any(
        not (isinstance(args[p], np.ndarray) and args[p].dtype == np.float64) for p in case.grad
    ):
        pytest.skip("gradient positions are not float64 arrays")
    targs, tkwargs = _map_arrays((args, kwargs), tengine.asarray)
    leaves = [targs[p].detach().clone().requires_grad_(True) for p in case.grad]
    func = OPS[case.op].func

    def f(*xs):
        full = list(targs)
        for p, x in zip(case.grad, xs, strict=True):
            full[p] = x
        out = [o for o in _leaves(func(*full, **tkwargs)) if isinstance(o, torch.Tensor)]
        return tuple(o for o in out if o.is_floating_point())

    assert torch.autograd.gradcheck(
        f, tuple(leaves), fast_mode=True, eps=1e-6, atol=1e-5, rtol=1e-3
    )
