"""Colour-space conversions (Kornia's ``kornia.color``)."""

from portvision.color.gray import *  # noqa: F403
from portvision.color.gray import __all__ as _gray_all

__all__ = list(_gray_all)
