"""ZCA whitening: ``zca_mean`` (fit), ``zca_whiten`` (fit and apply) and ``linear_transform``
(Kornia's ``kornia.enhance.zca``).

The covariance is symmetric positive semi-definite, so its SVD ``U S U^T`` is its
eigendecomposition: ``xp.linalg.eigh`` gives the same whitening matrix
``U (S + eps)^(-1/2) U^T`` (a matrix function, independent of the eigenvector basis).
"""

from __future__ import annotations

from typing import Any

from portvision._checks import shape_of
from portvision._dispatch import dispatch, dispatch1
from portvision._registry import register_op
from portvision.enhance._common import require_float

Array = Any


def _sample_axis(x, dim, name="dim") -> int:
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{name}: expected an int, got {type(dim).__name__}")
    n = x.ndim
    if not -n <= dim < n:
        raise ValueError(f"{name}: expected an axis in [{-n}, {n - 1}], got {dim}")
    return dim % n


def _flatten(xp, x, dim):
    """Samples first, every other axis flattened into features: ``(N, F)`` and the order."""
    order = (dim,) + tuple(i for i in range(x.ndim) if i != dim)
    moved = xp.permute_dims(x, order)
    n = int(x.shape[dim])
    feats = 1
    for i in order[1:]:
        feats *= int(x.shape[i])
    return xp.reshape(moved, (n, feats)), order, shape_of(moved)


def _check_fit_args(eps, unbiased):
    if not isinstance(eps, float):
        raise TypeError(f"eps: expected a float, got {type(eps).__name__}")
    if not isinstance(unbiased, bool):
        raise TypeError(f"unbiased: expected a bool, got {type(unbiased).__name__}")


def _fit(eng, inp, dim, unbiased, eps, return_inverse):
    xp = eng.xp
    require_float(eng, inp, "inp")
    dim = _sample_axis(inp, dim)
    flat, _, _ = _flatten(xp, inp, dim)
    n = int(flat.shape[0])
    if n < (2 if unbiased else 1):
        need = "two samples (unbiased)" if unbiased else "one sample"
        raise ValueError(
            f"inp: expected at least {need} along dim {dim}, got shape {shape_of(inp)}"
        )
    mean = xp.mean(flat, axis=0, keepdims=True)
    centred = flat - mean
    cov = xp.matmul(xp.matrix_transpose(centred), centred) / float(n - 1 if unbiased else n)
    s, u = xp.linalg.eigh(cov)
    ut = xp.matrix_transpose(u)
    transform = xp.matmul(u, (1.0 / xp.sqrt(s + eps))[:, None] * ut)
    inverse = xp.matmul(u, xp.sqrt(s + eps)[:, None] * ut) if return_inverse else None
    return transform, mean, inverse


@register_op()
def zca_mean(
    inp: Array, dim: int = 0, unbiased: bool = True, eps: float = 1e-6, return_inverse: bool = False
) -> tuple[Array, Array, Array | None]:
    """Fit ZCA whitening: the whitening matrix, the mean vector and optionally the inverse.

    Args:
        inp: data; axis ``dim`` holds the ``N`` samples, all other axes are flattened into
            ``F`` features.
        dim: the sample axis.
        unbiased: divide the covariance by ``N - 1`` (else ``N``).
        eps: added to the covariance's eigenvalues before the inverse square root.
        return_inverse: also return the inverse (colouring) matrix.

    Returns:
        ``(transform (F, F), mean (1, F), inverse (F, F) or None)``.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([[0.0, 1.0], [1.0, 0.0], [-1.0, 0.0], [0.0, -1.0]])
        >>> t, m, _ = pv.enhance.zca_mean(x)
        >>> np.round(t, 4), m
        (array([[1.2247, 0.    ],
               [0.    , 1.2247]]), array([[0., 0.]]))
    """
    eng, inp = dispatch1("inp", inp)
    _check_fit_args(eps, unbiased)
    if not isinstance(return_inverse, bool):
        raise TypeError(f"return_inverse: expected a bool, got {type(return_inverse).__name__}")
    return _fit(eng, inp, dim, unbiased, eps, return_inverse)


@register_op()
def zca_whiten(inp: Array, dim: int = 0, unbiased: bool = True, eps: float = 1e-6) -> Array:
    """Fit ZCA whitening on ``inp`` and apply it: decorrelated, unit-variance features.

    Args:
        inp: data with the samples along ``dim`` (see :func:`zca_mean`).
        dim: the sample axis.
        unbiased: divide the covariance by ``N - 1`` (else ``N``).
        eps: added to the eigenvalues.

    Returns:
        The whitened data, ``inp``'s shape and dtype.

    Example:
        >>> import numpy as np, portvision as pv
        >>> x = np.array([[0.0, 1.0], [1.0, 0.0], [-1.0, 0.0]])
        >>> np.round(pv.enhance.zca_whiten(x), 3)
        array([[ 0.   ,  1.155],
               [ 1.   , -0.577],
               [-1.   , -0.577]])
    """
    eng, inp = dispatch1("inp", inp)
    _check_fit_args(eps, unbiased)
    transform, mean, _ = _fit(eng, inp, dim, unbiased, eps, False)
    return _apply(eng.xp, inp, transform, mean, _sample_axis(inp, dim))


def _apply(xp, inp, transform, mean, dim):
    flat, order, moved_shape = _flatten(xp, inp, dim)
    out = xp.reshape(xp.matmul(flat - mean, transform), moved_shape)
    inverse = [0] * len(order)
    for i, o in enumerate(order):
        inverse[o] = i
    return xp.permute_dims(out, tuple(inverse))


@register_op()
def linear_transform(
    inp: Array, transform_matrix: Array, mean_vector: Array, dim: int = 0
) -> Array:
    """Centre and transform flattened samples: ``(X - mean) @ transform_matrix``.

    Args:
        inp: data; axis ``dim`` holds the samples, the others are flattened into ``F``
            features.
        transform_matrix: ``(F, F)``.
        mean_vector: ``(1, F)``.
        dim: the sample axis.

    Returns:
        The transformed data in ``inp``'s layout and shape.

    Example:
        >>> import numpy as np, portvision as pv
        >>> out = pv.enhance.linear_transform(np.ones((10, 2)), np.ones((2, 2)), np.zeros((1, 2)))
        >>> out.shape, np.unique(out)
        ((10, 2), array([2.]))
    """
    names = ("inp", "transform_matrix", "mean_vector")
    eng, (inp, t, m) = dispatch(names, inp, transform_matrix, mean_vector)
    xp = eng.xp
    require_float(eng, inp, "inp")
    dim = _sample_axis(inp, dim)
    feats = 1
    for i, s in enumerate(shape_of(inp)):
        feats *= s if i != dim else 1
    if shape_of(t) != (feats, feats):
        raise ValueError(f"transform_matrix: expected shape ({feats}, {feats}), got {shape_of(t)}")
    if shape_of(m) != (1, feats):
        raise ValueError(f"mean_vector: expected shape (1, {feats}), got {shape_of(m)}")
    t = xp.astype(t, inp.dtype) if t.dtype != inp.dtype else t
    m = xp.astype(m, inp.dtype) if m.dtype != inp.dtype else m
    return _apply(xp, inp, t, m, dim)


__all__ = ["linear_transform", "zca_mean", "zca_whiten"]
