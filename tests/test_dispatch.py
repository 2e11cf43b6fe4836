"""The dispatch rules of DESIGN.md "Dispatch": inference, contexts, conversion guards, plugins."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

import numpy as np
import pytest
from conftest import float_dtypes
from portvision.backends.numpy_engine import NumpyEngine

import portvision as pv
from portvision import _dispatch, backends

torch = pytest.importorskip("torch")
xps = pytest.importorskip("array_api_strict")

filter2d = pv.filters.filter2d


def _img(dtype="float32", shape=(2, 3, 6, 7)):
    return np.random.default_rng(0).uniform(size=shape).astype(dtype)


def _ker(dtype="float32"):
    return np.arange(9, dtype=dtype).reshape(1, 3, 3) / 36


def _expected(x, k):
    """filter2d's value by an independent oracle (scipy, mirror = our reflect)."""
    import scipy.ndimage as ndi

    return ndi.correlate(x.astype(np.float64), k[0][None, None].astype(np.float64), mode="mirror")


# -- inference without a context -----------------------------------------------------------
def test_numpy_in_numpy_out():
    out = filter2d(_img(), _ker())
    assert type(out) is np.ndarray and out.dtype == np.float32
    np.testing.assert_allclose(out, _expected(_img(), _ker()), rtol=1e-5, atol=1e-6)


def test_torch_in_torch_out():
    x, k = torch.from_numpy(_img()), torch.from_numpy(_ker())
    out = filter2d(x, k)
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32 and out.device == x.device
    np.testing.assert_allclose(out.numpy(), _expected(_img(), _ker()), rtol=1e-5, atol=1e-6)


def test_strict_in_strict_out():
    x = xps.asarray(_img("float64"), device=xps.Device("device1"))
    k = xps.asarray(_ker("float64"), device=xps.Device("device1"))
    out = filter2d(x, k)
    assert isinstance(out, type(x)) and out.dtype == xps.float64 and out.device == x.device


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_kept(engine, dtype):
    if dtype not in float_dtypes(engine):
        pytest.skip("no float64 on this device")
    out = filter2d(engine.asarray(_img(dtype)), engine.asarray(_ker(dtype)))
    assert engine.is_own(out)
    assert str(engine.to_numpy(out).dtype) == dtype


def test_no_float64_device_with_float32_numpy_input():
    # the strict no_float64 device raises on any float64 array: none may be made on the way
    with pv.use_backend("strict", device="no_float64"):
        out = filter2d(_img(), _ker())
    assert out.dtype == xps.float32 and out.device == xps.Device("no_float64")


def test_python_scalars_and_none_are_ignored():
    eng, vals = _dispatch.dispatch(("input", "a", "b", "c"), _img(), 1.5, None, (1, 2))
    assert eng.name == "numpy" and vals[1:] == (1.5, None, (1, 2))


def test_mixing_libraries_is_a_type_error():
    with pytest.raises(TypeError) as info:
        filter2d(_img(), torch.from_numpy(_ker()))
    msg = str(info.value)
    assert "numpy.ndarray" in msg and "torch.Tensor" in msg and "use_backend" in msg


def test_mixing_is_fine_inside_a_context():
    with pv.use_backend("torch"):
        out = filter2d(_img(), torch.from_numpy(_ker()))
    assert isinstance(out, torch.Tensor)


def test_non_array_input_names_the_parameter():
    with pytest.raises(TypeError, match=r"^input: expected an array, got list"):
        filter2d(_img().tolist(), _ker())
    with (
        pv.use_backend("torch"),
        pytest.raises(TypeError, match=r"^input: expected an array, got float"),
    ):
        filter2d(1.0, _ker())


def test_unknown_array_type_names_the_parameter():
    class Fake:
        shape = (1,)

    with pytest.raises(TypeError, match=r"^input: expected an array of one of the engines"):
        filter2d(Fake(), _ker())


def test_unknown_engine_lists_known_ones():
    with pytest.raises(ValueError) as info, pv.use_backend("no-such-engine"):
        pass
    msg = str(info.value)
    assert "no-such-engine" in msg
    for name in ("numpy", "strict", "torch"):
        assert repr(name) in msg


def test_backend_name_must_be_a_string():
    with pytest.raises(TypeError, match="^backend: "), pv.use_backend(np):
        pass


def test_type_cache_short_circuits_inference(monkeypatch):
    filter2d(_img(), _ker())
    filter2d(torch.from_numpy(_img()), torch.from_numpy(_ker()))
    assert _dispatch._TYPE_CACHE[np.ndarray].name == "numpy"
    assert _dispatch._TYPE_CACHE[torch.Tensor].name == "torch"

    def boom(*a):
        raise AssertionError("slow path taken on a warm cache")

    monkeypatch.setattr(_dispatch, "_engine_of_type", boom)
    assert type(filter2d(_img(), _ker())) is np.ndarray
    assert isinstance(filter2d(torch.from_numpy(_img()), torch.from_numpy(_ker())), torch.Tensor)


def test_context_variable_untouched_outside_contexts(monkeypatch):
    class Untouchable:
        def get(self, *a):
            raise AssertionError("ContextVar read with no context open")

    monkeypatch.setattr(_dispatch, "_CONTEXT", Untouchable())
    assert _dispatch._open_contexts == 0
    assert type(filter2d(_img(), _ker())) is np.ndarray
    assert isinstance(filter2d(torch.from_numpy(_img()), torch.from_numpy(_ker())), torch.Tensor)
    assert pv.get_backend() == "numpy"


def test_dispatch1():
    x = _img()
    eng, y = _dispatch.dispatch1("image", x)
    assert eng.name == "numpy" and y is x
    t = torch.from_numpy(x)
    assert _dispatch.dispatch1("image", t) == (backends.get_engine("torch"), t)
    with pv.use_backend("torch"):
        eng, y = _dispatch.dispatch1("image", x)
    assert eng.name == "torch" and isinstance(y, torch.Tensor)
    with pytest.raises(TypeError, match=r"^image: expected an array, got NoneType"):
        _dispatch.dispatch1("image", None)
    with pv.use_backend("strict"), pytest.raises(TypeError, match=r"^image: expected an array"):
        _dispatch.dispatch1("image", [1.0])


# -- contexts --------------------------------------------------------------------------------
def test_use_backend_converts_numpy_to_torch():
    with pv.use_backend("torch") as eng:
        assert eng.name == "torch"
        out = filter2d(_img(), _ker())
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), _expected(_img(), _ker()), rtol=1e-5, atol=1e-6)


def test_use_backend_converts_torch_to_numpy_and_strict():
    x, k = torch.from_numpy(_img()), torch.from_numpy(_ker())
    with pv.use_backend("numpy"):
        assert type(filter2d(x, k)) is np.ndarray
    with pv.use_backend("strict", device="device1"):
        out = filter2d(x, k)
    assert out.device == xps.Device("device1") and out.dtype == xps.float32


SOURCES = {
    "numpy": lambda a: a,
    "torch": torch.from_numpy,
    "strict": lambda a: xps.asarray(a),
    "strict-device1": lambda a: xps.asarray(a, device=xps.Device("device1")),
}


@pytest.mark.parametrize("target", ["numpy", "torch", "strict"])
@pytest.mark.parametrize("source", list(SOURCES))
def test_conversion_matrix(source, target):
    x, k = SOURCES[source](_img()), SOURCES[source](_ker())
    with pv.use_backend(target) as eng:
        out = filter2d(x, k)
    assert eng.owns_type(type(out))
    host = eng.to_numpy(out)
    assert host.dtype == np.float32
    np.testing.assert_allclose(host, _expected(_img(), _ker()), rtol=1e-5, atol=1e-6)


def test_nested_contexts_inner_wins_and_is_restored():
    assert pv.get_backend() == "numpy"
    with pv.use_backend("torch"):
        assert pv.get_backend() == "torch"
        with pv.use_backend("strict"):
            assert pv.get_backend() == "strict"
            assert isinstance(filter2d(_img(), _ker()), xps._array_object.Array)
        assert pv.get_backend() == "torch"
        assert isinstance(filter2d(_img(), _ker()), torch.Tensor)
    assert pv.get_backend() == "numpy"
    assert type(filter2d(_img(), _ker())) is np.ndarray
    assert _dispatch._open_contexts == 0


def test_context_restored_after_an_exception():
    with pytest.raises(RuntimeError), pv.use_backend("torch"):
        raise RuntimeError("boom")
    assert pv.get_backend() == "numpy" and _dispatch._open_contexts == 0


def test_factory_follows_the_context():
    assert _dispatch.factory() == (backends.get_engine("numpy"), None)
    with pv.use_backend("strict", device="device1"):
        eng, dev = _dispatch.factory()
        assert eng.name == "strict" and dev == xps.Device("device1")


def test_kernel_builders_follow_the_context():
    build = getattr(pv.filters, "get_sobel_kernel2d", None)
    if build is None:
        pytest.skip("no kernel builder yet")
    assert type(build()) is np.ndarray
    with pv.use_backend("torch"):
        assert isinstance(build(), torch.Tensor)
    with pv.use_backend("strict", device="device1"):
        k = build()
    assert isinstance(k, xps._array_object.Array) and k.device == xps.Device("device1")


def _backend_and_type():
    return pv.get_backend(), type(filter2d(_img(), _ker())).__module__.split(".")[0]


def test_context_is_invisible_to_other_threads():
    seen = {}
    with pv.use_backend("torch"):
        t = threading.Thread(target=lambda: seen.update(thread=_backend_and_type()))
        t.start()
        t.join()
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            seen["pool"] = pool.submit(_backend_and_type).result()
        seen["main"] = _backend_and_type()
    assert seen == {
        "thread": ("numpy", "numpy"),
        "pool": ("numpy", "numpy"),
        "main": ("torch", "torch"),
    }


def test_threads_with_their_own_contexts_overlap():
    barrier = threading.Barrier(3, timeout=60)
    names = {"a": "torch", "b": "strict", "c": None}
    seen = {}

    def work(key):
        name = names[key]
        if name is None:
            barrier.wait()
            seen[key] = [_backend_and_type() for _ in range(3)]
            barrier.wait()
            return
        with pv.use_backend(name):
            barrier.wait()  # all three threads are inside their context (or none) now
            seen[key] = [_backend_and_type() for _ in range(3)]
            barrier.wait()

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        list(pool.map(work, names))
    assert seen["a"] == [("torch", "torch")] * 3
    assert seen["b"] == [("strict", "array_api_strict")] * 3
    assert seen["c"] == [("numpy", "numpy")] * 3
    assert pv.get_backend() == "numpy"


def test_context_is_private_to_an_async_task():
    async def task(name):
        if name is None:
            out = []
            for _ in range(3):
                await asyncio.sleep(0)
                out.append(_backend_and_type())
            return out
        with pv.use_backend(name):
            out = []
            for _ in range(3):
                await asyncio.sleep(0)  # let the other tasks run inside their contexts
                out.append(_backend_and_type())
            return out

    async def main():
        return await asyncio.gather(task("torch"), task("strict"), task(None))

    a, b, c = asyncio.run(main())
    assert a == [("torch", "torch")] * 3
    assert b == [("strict", "array_api_strict")] * 3
    assert c == [("numpy", "numpy")] * 3


# -- DLPack guards when importing NumPy arrays into torch -------------------------------------
def test_negative_strides_to_torch():
    x = _img()
    flipped = x[:, :, ::-1, ::-1]
    with pv.use_backend("torch"):
        out = filter2d(flipped, _ker())
    np.testing.assert_allclose(
        out.numpy(), _expected(np.ascontiguousarray(flipped), _ker()), rtol=1e-5, atol=1e-6
    )


def test_read_only_numpy_is_not_aliased_writeable():
    x = _img()
    x.flags.writeable = False
    eng = backends.get_engine("torch")
    with pv.use_backend("torch"):
        t = eng.convert(x)
        t.add_(1.0)  # the tensor is writeable, so it must not share the read-only memory
        out = filter2d(x, _ker())
    np.testing.assert_array_equal(x, _img())
    np.testing.assert_allclose(out.numpy(), _expected(_img(), _ker()), rtol=1e-5, atol=1e-6)


def test_writeable_numpy_input_is_not_modified_through_torch():
    x = _img()
    with pv.use_backend("torch"):
        out = filter2d(x, _ker())
    out.add_(1.0)
    np.testing.assert_array_equal(x, _img())


@pytest.mark.parametrize("dtype", [">f4", ">f8"])
def test_non_native_byte_order(dtype):
    x = _img().astype(dtype)
    with pv.use_backend("torch"):
        out = filter2d(x, _ker())
    assert out.dtype == (torch.float32 if dtype == ">f4" else torch.float64)
    np.testing.assert_allclose(out.numpy(), _expected(_img(), _ker()), rtol=1e-5, atol=1e-6)


def test_requires_grad_tensor_never_detached_silently():
    x = torch.from_numpy(_img()).requires_grad_(True)
    with pv.use_backend("numpy"), pytest.raises(TypeError, match="gradient would be lost"):
        filter2d(x, torch.from_numpy(_ker()))


def test_torch_gradients_flow_without_context():
    x = torch.from_numpy(_img("float64")).requires_grad_(True)
    filter2d(x, torch.from_numpy(_ker("float64"))).sum().backward()
    assert x.grad is not None and x.grad.shape == x.shape


# -- registry of engines ---------------------------------------------------------------------
def test_available_backends():
    avail = pv.available_backends()
    assert {"numpy", "strict", "torch"} <= set(avail)
    assert set(avail) <= set(backends.known_engines())


class TinyEngine(NumpyEngine):
    """A third-party engine: NumPy with a different name."""

    name = "tiny"


@pytest.fixture
def clean_registry(monkeypatch):
    monkeypatch.setattr(backends, "_SPECS", dict(backends._SPECS))
    monkeypatch.setattr(backends, "_INSTANCES", dict(backends._INSTANCES))
    monkeypatch.setattr(_dispatch, "_TYPE_CACHE", dict(_dispatch._TYPE_CACHE))


@pytest.mark.parametrize("how", ["class", "instance", "spec"])
def test_register_third_party_engine(clean_registry, how):
    spec = {
        "class": TinyEngine,
        "instance": TinyEngine(),
        "spec": "portvision.backends.numpy_engine:NumpyEngine",
    }[how]
    backends.register("tiny", spec)
    _dispatch._TYPE_CACHE.clear()  # a NumPy subclass engine must not capture plain NumPy input
    filter2d(_img(), _ker())
    assert _dispatch._TYPE_CACHE[np.ndarray] is backends.get_engine("numpy")
    assert "tiny" in backends.known_engines() and "tiny" in pv.available_backends()
    with pv.use_backend("tiny") as eng:
        assert isinstance(eng, NumpyEngine) and eng is not backends.get_engine("numpy")
        assert pv.get_backend() == eng.name
        out = filter2d(torch.from_numpy(_img()), torch.from_numpy(_ker()))
    assert type(out) is np.ndarray
    np.testing.assert_allclose(out, _expected(_img(), _ker()), rtol=1e-5, atol=1e-6)


def test_entry_point_engine(clean_registry, monkeypatch):
    import importlib.metadata

    class EP:
        name = "tiny-ep"
        value = f"{TinyEngine.__module__}:TinyEngine"

    calls = []

    def fake_entry_points(**kw):
        calls.append(kw)
        return [EP()] if kw.get("group") == "portvision.backends" else []

    monkeypatch.setattr(importlib.metadata, "entry_points", fake_entry_points)
    monkeypatch.setattr(backends, "_entry_points_loaded", False)
    assert "tiny-ep" in backends.known_engines()
    assert calls == [{"group": "portvision.backends"}]
    with pv.use_backend("tiny-ep") as eng:
        assert isinstance(eng, TinyEngine)
        assert type(filter2d(_img(), _ker())) is np.ndarray
    backends.known_engines()
    assert len(calls) == 1  # scanned once


def test_entry_point_cannot_shadow_a_builtin(clean_registry, monkeypatch):
    import importlib.metadata

    class EP:
        name = "numpy"
        value = f"{TinyEngine.__module__}:TinyEngine"

    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **kw: [EP()])
    monkeypatch.setattr(backends, "_entry_points_loaded", False)
    backends.known_engines()
    assert backends._SPECS["numpy"] == "portvision.backends.numpy_engine:NumpyEngine"


def test_broken_third_party_engine_is_not_available(clean_registry):
    backends.register("broken", "no_such_module_xyz:Engine")
    assert "broken" in backends.known_engines()
    assert "broken" not in pv.available_backends()


# -- torch.compile ---------------------------------------------------------------------------
# torch's own compile stack warns about its deprecated jit helpers: not ours
_JIT_WARNING = "ignore:`torch.jit.script_method` is deprecated:DeprecationWarning"


def _compile_check(fresh: bool, monkeypatch):
    if fresh:  # the program's first portvision call happens inside the compiled function
        monkeypatch.setattr(_dispatch, "_TYPE_CACHE", {})
        monkeypatch.setattr(backends, "_INSTANCES", {})
        monkeypatch.setattr(backends, "_entry_points_loaded", False)
    torch._dynamo.reset()

    def fn(x, k):
        return filter2d(x, k, border_type="replicate") * 2.0

    x, k = torch.from_numpy(_img()), torch.from_numpy(_ker())
    compiled = torch.compile(fn, fullgraph=True, backend="eager")
    torch.testing.assert_close(compiled(x, k), fn(x, k))


@pytest.mark.filterwarnings(_JIT_WARNING)
def test_torch_compile_fullgraph(monkeypatch):
    _compile_check(False, monkeypatch)


@pytest.mark.filterwarnings(_JIT_WARNING)
def test_torch_compile_fullgraph_cold_type_cache(monkeypatch):
    _compile_check(True, monkeypatch)


@pytest.mark.filterwarnings(_JIT_WARNING)
def test_torch_compile_inductor():
    pytest.importorskip("torch._inductor")
    torch._dynamo.reset()
    x, k = torch.from_numpy(_img()), torch.from_numpy(_ker())
    filter2d(x, k)  # warm
    try:
        compiled = torch.compile(lambda a, b: filter2d(a, b), fullgraph=True)
        got = compiled(x, k)
    except Exception as exc:  # no C++ compiler etc.: the eager-backend tests cover dispatch
        if "portvision" in repr(exc) or "Unsupported" in type(exc).__name__:
            raise
        pytest.skip(f"inductor unavailable here: {type(exc).__name__}")
    torch.testing.assert_close(got, filter2d(x, k))
