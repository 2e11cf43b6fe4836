"""Engine fixtures: every test that takes ``engine`` runs once per available engine/device.

Ids are explicit and greppable: ``numpy``, ``numpy-noopencv``, ``strict``,
``strict-no_float64``, ``strict-device1``, ``torch-cpu``, ``torch-cuda``, ``cupy``.
"""

from __future__ import annotations

import contextlib
import importlib.util
from dataclasses import dataclass

import numpy as np
import pytest

import portvision as pv
from portvision import backends


@dataclass
class EngineCase:
    id: str
    name: str
    device: object = None
    opencv: bool | None = None  # numpy only: force OpenCV on/off
    no_float64: bool = False

    @property
    def eng(self):
        return backends.get_engine(self.name)

    @property
    def xp(self):
        return self.eng.xp

    @property
    def differentiable(self) -> bool:
        return self.eng.differentiable

    def asarray(self, a, dtype=None):
        """A host NumPy array (or scalar) as this engine's array on this device."""
        a = np.asarray(a if dtype is None else np.asarray(a, dtype=dtype))
        return self.eng.from_numpy(a, self.device)

    def to_numpy(self, x):
        return self.eng.to_numpy(x)

    def is_own(self, x) -> bool:
        return self.eng.owns_type(type(x))

    @contextlib.contextmanager
    def active(self):
        """Engine-specific switches (OpenCV on/off) for the duration of a test."""
        eng = self.eng
        if self.opencv is None:
            yield
            return
        old = eng.use_opencv
        eng.use_opencv = self.opencv and eng.cv2 is not None
        try:
            yield
        finally:
            eng.use_opencv = old


def _engine_cases():
    cases = []
    avail = pv.available_backends()
    has_cv2 = importlib.util.find_spec("cv2") is not None
    cases.append(
        pytest.param(EngineCase("numpy", "numpy", opencv=True if has_cv2 else None), id="numpy")
    )
    cases.append(
        pytest.param(EngineCase("numpy-noopencv", "numpy", opencv=False), id="numpy-noopencv")
    )
    skip_strict = pytest.mark.skipif(
        "strict" not in avail, reason="array-api-strict is not installed"
    )
    for dev, cid in (
        (None, "strict"),
        ("no_float64", "strict-no_float64"),
        ("device1", "strict-device1"),
    ):
        cases.append(
            pytest.param(
                EngineCase(cid, "strict", device=dev, no_float64=dev == "no_float64"),
                id=cid,
                marks=skip_strict,
            )
        )
    has_torch = "torch" in avail
    cases.append(
        pytest.param(
            EngineCase("torch-cpu", "torch", device="cpu"),
            id="torch-cpu",
            marks=pytest.mark.skipif(not has_torch, reason="torch is not installed"),
        )
    )
    cuda = False
    if has_torch:
        import torch

        cuda = torch.cuda.is_available()
    cases.append(
        pytest.param(
            EngineCase("torch-cuda", "torch", device="cuda"),
            id="torch-cuda",
            marks=pytest.mark.skipif(not cuda, reason="no CUDA GPU for torch"),
        )
    )
    cases.append(
        pytest.param(
            EngineCase("cupy", "cupy"),
            id="cupy",
            marks=pytest.mark.skipif("cupy" not in avail, reason="CuPy or a GPU is missing"),
        )
    )
    return cases


ENGINE_CASES = _engine_cases()


@pytest.fixture(params=ENGINE_CASES)
def engine(request) -> EngineCase:
    case: EngineCase = request.param
    with case.active():
        yield case


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def float_dtypes(engine: EngineCase):
    """The float dtypes to test on ``engine`` (no float64 on the no_float64 device)."""
    return ("float32",) if engine.no_float64 else ("float32", "float64")


# Oracles: a test that takes one of these skips, with the reason, where it is not installed.
@pytest.fixture
def kornia():
    return pytest.importorskip("kornia")


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


@pytest.fixture
def cv2():
    return pytest.importorskip("cv2")
