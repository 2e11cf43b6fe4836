"""Median selection networks, shared by the engines' fast ``median_filter`` paths.

A window of ``n`` values is fed through Batcher's odd-even merge sort (padded to a
power of two; comparators that touch a padding wire are dropped, the padding
being +inf), pruned backwards to the comparators the median wire depends on.
Every comparator is one ``minimum`` and/or one ``maximum``, so the result is
exactly the sorted middle value ``(n - 1) // 2`` (the lower middle for even
``n``) for NaN-free data; a NaN propagates through ``minimum``/``maximum``.
"""

from __future__ import annotations

from functools import cache


def _batcher(n: int) -> list[tuple[int, int]]:
    """Comparators of Batcher's odd-even merge sort on ``n`` (a power of two) wires."""
    pairs: list[tuple[int, int]] = []
    p = 1
    while p < n:
        k = p
        while k >= 1:
            for j in range(k % p, n - k, 2 * k):
                for i in range(min(k, n - j - k)):
                    if (i + j) // (2 * p) == (i + j + k) // (2 * p):
                        pairs.append((i + j, i + j + k))
            k //= 2
        p *= 2
    return pairs


@cache
def median_network(n: int) -> tuple[tuple[int, int, bool, bool], ...]:
    """Steps ``(low, high, need_min, need_max)`` that leave the median on wire ``(n - 1) // 2``."""
    width = 1 << max(0, (n - 1).bit_length())
    needed = {(n - 1) // 2}
    steps = []
    for lo, hi in reversed(_batcher(width)):
        if hi >= n:  # against +inf padding: the comparator changes nothing
            continue
        need_min, need_max = lo in needed, hi in needed
        if need_min or need_max:
            steps.append((lo, hi, need_min, need_max))
            needed.update((lo, hi))
    return tuple(reversed(steps))


def _prune(pairs, n: int, targets) -> tuple[tuple[int, int, bool, bool], ...]:
    """Keep the comparators the ``targets`` wires depend on, with which outputs are used."""
    needed = set(targets)
    steps = []
    for lo, hi in reversed(pairs):
        if hi >= n:
            continue
        need_min, need_max = lo in needed, hi in needed
        if need_min or need_max:
            steps.append((lo, hi, need_min, need_max))
            needed.update((lo, hi))
    return tuple(reversed(steps))


@cache
def sort_network(n: int) -> tuple[tuple[int, int, bool, bool], ...]:
    """Steps that sort ``n`` wires ascending."""
    return _prune(_batcher(1 << max(0, (n - 1).bit_length())), n, range(n))


def _drop_known(pairs, n: int, known) -> list[tuple[int, int]]:
    """Drop comparators whose order is already implied (``known``: pairs ``a <= b``).

    Tracks which wire is provably <= which through the network: after a comparator
    ``min(a, b)`` is <= whatever ``a`` or ``b`` is, ``max(a, b)`` only what both are.
    """
    le = [[i == j or (i, j) in known for j in range(n)] for i in range(n)]
    kept = []
    for i, j in pairs:
        if j >= n or le[i][j]:
            continue
        kept.append((i, j))
        row_i, row_j = le[i][:], le[j][:]
        col_i, col_j = [le[k][i] for k in range(n)], [le[k][j] for k in range(n)]
        for k in range(n):
            if k in (i, j):
                continue
            le[i][k], le[j][k] = row_i[k] or row_j[k], row_i[k] and row_j[k]
            le[k][i], le[k][j] = col_i[k] and col_j[k], col_i[k] or col_j[k]
        le[i][j], le[j][i] = True, False
    return kept


@cache
def presorted_median_network(kh: int, kw: int) -> tuple[tuple[int, int, bool, bool], ...]:
    """Median steps for a ``kh x kw`` window whose columns arrive sorted.

    Wire ``j * kh + r`` holds rank ``r`` of column ``j``.  Sorting each column once serves
    ``kw`` horizontally adjacent windows, and the known column order removes about a
    quarter of the window network's comparators (5x5: 148 min/max instead of 202).
    """
    n = kh * kw
    ranks = [(r, s) for r in range(kh) for s in range(r + 1, kh)]
    known = {(j * kh + r, j * kh + s) for j in range(kw) for r, s in ranks}
    pairs = _drop_known(_batcher(1 << max(0, (n - 1).bit_length())), n, known)
    return _prune(pairs, n, [(n - 1) // 2])


def run_network(values: list, n: int, minimum, maximum, empty_like, steps=None, out_wires=None):
    """Run a selection network on the ``n`` arrays in ``values`` (views are never written).

    ``steps`` defaults to :func:`median_network` and the result is then the median wire;
    with ``out_wires`` the list of those wires is returned instead.
    ``minimum(a, b, out)`` / ``maximum(a, b, out)`` are the library's elementwise ops with
    an output buffer; buffers are reused (an op may write over its own input), so after
    the first layer no memory is allocated.
    """
    vals = list(values)
    owned = [False] * n
    free: list = []

    def take(like):
        return free.pop() if free else empty_like(like)

    for lo, hi, need_min, need_max in median_network(n) if steps is None else steps:
        a, b = vals[lo], vals[hi]
        if need_min and need_max:
            small = minimum(a, b, take(a))
            if owned[hi]:
                big = maximum(a, b, b)
                if owned[lo]:
                    free.append(a)
            elif owned[lo]:
                big = maximum(a, b, a)
            else:
                big = maximum(a, b, take(a))
            vals[lo], vals[hi] = small, big
            owned[lo] = owned[hi] = True
        elif need_min:
            vals[lo] = minimum(a, b, a if owned[lo] else take(a))
            owned[lo] = True
        else:
            vals[hi] = maximum(a, b, b if owned[hi] else take(a))
            owned[hi] = True
    if out_wires is not None:
        return [vals[w] for w in out_wires], [owned[w] for w in out_wires]
    return vals[(n - 1) // 2], owned[(n - 1) // 2]
