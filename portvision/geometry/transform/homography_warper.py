"""``HomographyWarper``: the object form of :func:`homography_warp` (a fixed output size, and an
optional precomputed sampling grid reused across calls)."""

from __future__ import annotations

from typing import Any

from portvision._checks import check_bool, check_choice, check_rank, check_sizes, dtype_name
from portvision._dispatch import dispatch, dispatch1
from portvision.geometry.transform import warping as _w
from portvision.utils.grid import grid2d

Array = Any

__all__ = ["HomographyWarper"]


class HomographyWarper:
    """Warp images by destination -> source homographies onto a ``height x width`` grid.

    Args:
        height: output height.
        width: output width.
        mode: ``"bilinear" | "nearest" | "bicubic"``.
        padding_mode: ``"zeros" | "border" | "reflection"``.
        normalized_coordinates: the homographies are in normalised ``[-1, 1]`` coordinates
            (``True``) or in pixels (``False``), as in :func:`homography_warp`.
        align_corners: the ``grid_sample`` convention (default False).

    Example:
        >>> import numpy as np, portvision as pv
        >>> img = np.random.default_rng(0).random((1, 3, 8, 8)).astype(np.float32)
        >>> warper = pv.geometry.transform.HomographyWarper(8, 8)
        >>> out = warper(img, np.eye(3, dtype=np.float32)[None])
        >>> bool(np.allclose(out, img, atol=1e-6))
        True
        >>> warper.precompute_warp_grid(np.eye(3, dtype=np.float32)[None])
        >>> bool(np.allclose(warper(img), img, atol=1e-6))
        True
    """

    def __init__(
        self,
        height: int,
        width: int,
        mode: str = "bilinear",
        padding_mode: str = "zeros",
        normalized_coordinates: bool = True,
        align_corners: bool = False,
    ) -> None:
        self.height, self.width = check_sizes((height, width), 2, "(height, width)", _w._DSIZE[2])
        check_choice(mode, "mode", _w.MODES)
        check_choice(padding_mode, "padding_mode", _w.PADDINGS)
        check_bool(normalized_coordinates, "normalized_coordinates")
        check_bool(align_corners, "align_corners")
        self.mode = mode
        self.padding_mode = padding_mode
        self.normalized_coordinates = normalized_coordinates
        self.align_corners = align_corners
        self._warped_grid = None

    def precompute_warp_grid(self, src_homo_dst: Array) -> None:
        """Compute and keep the sampling grid of ``src_homo_dst`` (``(N, 3, 3)``): later calls
        without a homography reuse it.  Pixel homographies keep pixel coordinates, normalised
        with the size of the image passed at call time."""
        eng, H = dispatch1("src_homo_dst", src_homo_dst)
        xp = eng.xp
        if H.ndim != 3 or tuple(H.shape[1:]) != (3, 3):
            raise ValueError(
                f"src_homo_dst: expected shape (N, 3, 3), got {tuple(int(s) for s in H.shape)}"
            )
        if not xp.isdtype(H.dtype, "real floating"):
            raise TypeError(
                f"src_homo_dst: expected a real floating dtype, got {dtype_name(H.dtype)}"
            )
        H = _w._unit_scale(eng, H)
        base = grid2d(
            xp,
            self.height,
            self.width,
            self.normalized_coordinates,
            self.align_corners,
            H.dtype,
            H.device,
        )
        self._warped_grid = _w._projective_grid(xp, H, base)

    def __call__(self, patch_src: Array, src_homo_dst: Array | None = None) -> Array:
        """Warp ``patch_src (N, C, H, W)`` by ``src_homo_dst`` (or by the precomputed grid).

        Returns:
            ``(N, C, height, width)``.
        """
        if src_homo_dst is not None:
            return _w.homography_warp(
                patch_src,
                src_homo_dst,
                (self.height, self.width),
                mode=self.mode,
                padding_mode=self.padding_mode,
                align_corners=self.align_corners,
                normalized_coordinates=self.normalized_coordinates,
            )
        if self._warped_grid is None:
            raise ValueError(
                "src_homo_dst: expected a homography, or a grid set by precompute_warp_grid(), "
                "got None"
            )
        eng, (patch_src, grid) = dispatch(("patch_src", "grid"), patch_src, self._warped_grid)
        check_rank(patch_src, "patch_src", (4,), "(N, C, H, W)")
        if grid.shape[0] not in (1, patch_src.shape[0]):
            raise ValueError(
                f"patch_src: expected a batch of {int(grid.shape[0])} (the precomputed "
                f"homographies), got shape {tuple(int(s) for s in patch_src.shape)}"
            )
        xp = eng.xp
        x = _w.to_float(xp, patch_src)
        if grid.dtype != x.dtype:
            grid = xp.astype(grid, x.dtype)
        if not self.normalized_coordinates:
            h, w = x.shape[-2:]
            norm = _w._normal_matrix(xp, grid, (w, h), self.align_corners)[0, ...]
            grid = grid * xp.stack([norm[0, 0], norm[1, 1]]) + xp.stack([norm[0, 2], norm[1, 2]])
        return _w._sample(eng, x, grid, self.mode, self.padding_mode, self.align_corners)

    forward = __call__
