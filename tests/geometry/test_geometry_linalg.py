"""Tests of ``portvision.geometry.linalg``: Kornia 0.9 (float64) as the oracle on every engine,
analytic identities (compose with the inverse is the identity, transform then inverse-transform
returns the points), OpenCV's ``perspectiveTransform``, gradients at coincident points and the
error contract."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import float_dtypes

import portvision as pv

G = pv.geometry


def _poses(n, seed):
    from scipy.spatial.transform import Rotation

    rng = np.random.default_rng(seed)
    T = np.tile(np.eye(4), (n, 1, 1))
    T[:, :3, :3] = Rotation.random(n, random_state=seed).as_matrix()
    T[:, :3, 3] = rng.normal(size=(n, 3))
    return T


RNG = np.random.default_rng(11)
T1, T2 = _poses(3, 1), _poses(3, 2)
H = np.eye(3) + 0.1 * RNG.normal(size=(2, 3, 3))
P2, P3 = RNG.normal(size=(2, 5, 2)), RNG.normal(size=(3, 5, 3))
HOMOG = np.concatenate([P2, RNG.uniform(0.5, 2, size=(2, 5, 1))], axis=-1)
HOMOG[0, 0, 2] = 0.0  # a point at infinity: inf
LINES = RNG.normal(size=(2, 5, 3))
LINES[1, 1, :2] = 0.0  # the line at infinity: inf
ORACLE = [
    ("transform_points", (H, P2)),
    ("transform_points", (H[:1], P2)),
    ("transform_points", (H[0], P2[0])),
    ("transform_points", (T1, P3)),
    ("transform_points", (H, RNG.normal(size=(2, 3, 4, 2)))),
    ("compose_transformations", (T1, T2)),
    ("compose_transformations", (T1[:1], T2)),
    ("compose_transformations", (T1[0], T2[0])),
    ("inverse_transformation", (T1,)),
    ("inverse_transformation", (T1[0],)),
    ("relative_transformation", (T1, T2)),
    ("relative_transformation", (T1, T2[:1])),
    ("point_line_distance", (P2, LINES)),
    ("point_line_distance", (HOMOG, LINES)),
    ("batched_dot_product", (P3, P3[::-1].copy())),
    ("batched_squared_norm", (P3,)),
    ("squared_norm", (P3,)),
    ("euclidean_distance", (P3, np.concatenate([P3[:1], P3[1:] + 1.0]))),
]


@pytest.mark.parametrize("spec", ORACLE, ids=[f"{i}-{s[0]}" for i, s in enumerate(ORACLE)])
def test_agrees_with_kornia(spec, engine, kornia, torch):
    name, args = spec
    want = getattr(kornia.geometry.linalg, name)(*[torch.from_numpy(a) for a in args]).numpy()
    for dtype in float_dtypes(engine):
        tol = 1e-10 if dtype == "float64" else 2e-5
        got = getattr(G, name)(*[engine.asarray(a.astype(dtype)) for a in args])
        got = engine.to_numpy(got)
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol, err_msg=f"{name} {dtype}")


def test_keepdim(engine):
    x = engine.asarray(P3.astype("float32"))
    assert tuple(G.batched_dot_product(x, x, keepdim=True).shape) == (3, 5, 1)
    assert tuple(G.euclidean_distance(x, x, keepdim=True).shape) == (3, 5, 1)


def test_identities(engine):
    dt = float_dtypes(engine)[-1]
    tol = 1e-10 if dt == "float64" else 1e-5
    a = lambda x: engine.asarray(x.astype(dt))  # noqa: E731
    n = engine.to_numpy
    eye = np.tile(np.eye(4), (3, 1, 1))
    np.testing.assert_allclose(n(G.compose_transformations(a(T1), G.inverse_transformation(a(T1)))),
                               eye, atol=tol)  # fmt: skip
    np.testing.assert_allclose(n(G.relative_transformation(a(T1), a(T1))), eye, atol=tol)
    # relative = inverse(T1) @ T2, and composing it back gives T2
    rel = G.relative_transformation(a(T1), a(T2))
    np.testing.assert_allclose(n(G.compose_transformations(a(T1), rel)), T2, atol=tol)
    # transform then inverse-transform returns the points
    there = G.transform_points(a(T1), a(P3))
    back = G.transform_points(G.inverse_transformation(a(T1)), there)
    np.testing.assert_allclose(n(back), P3, atol=tol)
    Hinv = np.linalg.inv(H)
    back = G.transform_points(a(Hinv), G.transform_points(a(H), a(P2)))
    np.testing.assert_allclose(n(back), P2, atol=tol * 10)
    d = n(G.euclidean_distance(a(P3), a(P3 + 0.0)))
    assert np.all(d == 0.0)
    np.testing.assert_allclose(n(G.squared_norm(a(P3))), np.sum(P3**2, -1), rtol=tol)


def test_transform_points_matches_opencv(cv2):
    for b in range(2):
        want = cv2.perspectiveTransform(P2[b][None], H[b])[0]
        np.testing.assert_allclose(G.transform_points(H[b : b + 1], P2[b : b + 1])[0], want,
                                   atol=1e-12)  # fmt: skip


def test_documented_values():
    T = np.eye(4)[None]
    T[0, :3, :3] = [[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    T[0, :3, 3] = [1.0, 2.0, 3.0]
    np.testing.assert_allclose(G.inverse_transformation(T)[:, :3, 3], [[-2.0, 1.0, -3.0]])
    pts = np.array([[0.0, 0.0], [3.0, 4.0]])
    line = np.array([[0.0, 2.0, -2.0], [0.0, 2.0, -2.0]])  # y = 1, unnormalised
    np.testing.assert_allclose(G.point_line_distance(pts, line), [1.0, 3.0])
    assert np.isinf(G.point_line_distance(pts, np.zeros((2, 3)))).all()
    # a (3, 3) transform on (N, 2) points: no batch on either side
    assert G.transform_points(np.eye(3), np.ones((4, 2))).shape == (4, 2)
    # integer points compute in float32
    assert (
        G.transform_points(np.eye(3, dtype=np.float32)[None], np.ones((1, 4, 2), int)).dtype
        == np.float32
    )


def test_gradients_at_coincident_points_and_singular_lines(torch):
    x = torch.zeros(2, 3, dtype=torch.float64, requires_grad=True)
    G.euclidean_distance(x, torch.zeros(2, 3, dtype=torch.float64)).sum().backward()
    assert torch.equal(x.grad, torch.zeros_like(x))
    line = torch.zeros(1, 3, dtype=torch.float64, requires_grad=True)
    pt = torch.ones(1, 2, dtype=torch.float64)
    G.point_line_distance(pt, line).sum().backward()
    assert torch.isfinite(line.grad).all()
    t = torch.from_numpy(H).requires_grad_(True)
    p = torch.from_numpy(P2).requires_grad_(True)
    assert torch.autograd.gradcheck(G.transform_points, (t, p))


def _z(engine, shape, dtype="float32"):
    return engine.asarray(np.zeros(shape, dtype=dtype))


ERRORS = [
    (lambda e: G.transform_points(_z(e, (2, 3, 3)), _z(e, (3, 5, 2))), ValueError,
     "points_1: expected a batch of 2 (the batch of trans_01) or a trans_01 batch of 1, got "
     "shape (3, 5, 2)"),
    (lambda e: G.transform_points(_z(e, (2, 3, 3)), _z(e, (5, 2))), ValueError,
     "points_1: expected a batch of 2"),
    (lambda e: G.transform_points(_z(e, (1, 3, 3)), _z(e, (1, 5, 3))), ValueError,
     "points_1: expected shape (N, 2) or (B, N, 2) for trans_01 of shape (1, 3, 3), got (1, 5, 3)"),
    (lambda e: G.transform_points(_z(e, (1, 3, 4)), _z(e, (1, 5, 3))), ValueError,
     "trans_01: expected shape (D+1, D+1) or (B, D+1, D+1), got (1, 3, 4)"),
    (lambda e: G.compose_transformations(_z(e, (2, 3, 3)), _z(e, (2, 4, 4))), ValueError,
     "trans_01: expected shape (N, 4, 4) or (4, 4), got (2, 3, 3)"),
    (lambda e: G.compose_transformations(_z(e, (2, 4, 4)), _z(e, (4, 4))), ValueError,
     "trans_12: expected the number of axes of trans_01 (3), got shape (4, 4)"),
    (lambda e: G.relative_transformation(_z(e, (2, 4, 4)), _z(e, (3, 4, 4))), ValueError,
     "trans_02: expected a batch shape broadcastable with trans_01's (2,), got (3,)"),
    (lambda e: G.inverse_transformation(_z(e, (1, 4, 3))), ValueError,
     "trans_12: expected shape (N, 4, 4) or (4, 4), got (1, 4, 3)"),
    (lambda e: G.point_line_distance(_z(e, (5, 4)), _z(e, (5, 3))), ValueError,
     "point: expected shape (*, N, 2) or (*, N, 3), got (5, 4)"),
    (lambda e: G.point_line_distance(_z(e, (5, 2)), _z(e, (5, 2))), ValueError,
     "line: expected shape (*, N, 3), got (5, 2)"),
    (lambda e: G.batched_dot_product(_z(e, (5, 2)), _z(e, (5, 3))), ValueError,
     "y: expected a last axis of 2 (that of x), got shape (5, 3)"),
    (lambda e: G.euclidean_distance(_z(e, (5, 2)), _z(e, (5, 2)), keepdim=1), TypeError,
     "keepdim: expected a bool, got 1"),
    (lambda e: G.squared_norm(_z(e, ())), ValueError, "x: expected shape (*, N), got ()"),
    (lambda e: G.batched_dot_product(_z(e, (5, 2)), 2.0), TypeError,
     "y: expected an array, got float"),
]  # fmt: skip


@pytest.mark.parametrize("call,exc,msg", ERRORS, ids=[f"err{i}" for i in range(len(ERRORS))])
def test_error_contract(call, exc, msg, engine):
    with pytest.raises(exc) as info:
        call(engine)
    assert str(info.value).startswith(msg), str(info.value)
