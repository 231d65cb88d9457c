"""The order in which PyTorch's CPU kernels leave equal elements: libstdc++'s algorithms, replayed.

PyTorch's CPU ``sort`` (``stable=False``) is ``std::sort``, ``topk`` is ``std::partial_sort``
(when ``k * 64 <= n``) or ``std::nth_element`` followed by ``std::sort`` of the first ``k - 1``,
and ``kthvalue`` is ATen's own median-of-three quickselect. None of them is stable, so which of
several equal values comes first depends on the algorithm's exact steps. When a slice has no
ties any correct sort gives the same answer and NumPy is used; only slices with ties come here.

Every function works on a list of ``[rank, index]`` pairs, ``rank`` being an int that orders
the values as the kernel's comparator does (NaN included), and moves the pairs in place.
Written from the algorithms' published descriptions (GCC's ``bits/stl_algo.h`` behaviour).

>>> pairs = [[1, 0], [0, 1], [1, 2], [0, 3]]
>>> introsort(pairs)
>>> [i for _, i in pairs]
[1, 3, 0, 2]
"""

from __future__ import annotations

_THRESHOLD = 16  # std::sort leaves runs of this size to the final insertion sort


def _lg(n: int) -> int:
    return n.bit_length() - 1


def _move_median_to_first(a: list, result: int, x: int, y: int, z: int) -> None:
    kx, ky, kz = a[x][0], a[y][0], a[z][0]
    if kx < ky:
        pick = y if ky < kz else (z if kx < kz else x)
    elif kx < kz:
        pick = x
    elif ky < kz:
        pick = z
    else:
        pick = y
    a[result], a[pick] = a[pick], a[result]


def _unguarded_partition(a: list, first: int, last: int, pivot: int) -> int:
    p = a[pivot][0]
    while True:
        while a[first][0] < p:
            first += 1
        last -= 1
        while p < a[last][0]:
            last -= 1
        if not first < last:
            return first
        a[first], a[last] = a[last], a[first]
        first += 1


def _partition_pivot(a: list, first: int, last: int) -> int:
    mid = first + (last - first) // 2
    _move_median_to_first(a, first, first + 1, mid, last - 1)
    return _unguarded_partition(a, first + 1, last, first)


def _insertion_sort(a: list, first: int, last: int) -> None:
    for i in range(first + 1, last):
        val = a[i]
        if val[0] < a[first][0]:
            a[first + 1 : i + 1] = a[first:i]
            a[first] = val
        else:
            j = i
            while val[0] < a[j - 1][0]:
                a[j] = a[j - 1]
                j -= 1
            a[j] = val


def _adjust_heap(a: list, first: int, hole: int, n: int, value: list) -> None:
    top, child = hole, hole
    while child < (n - 1) // 2:
        child = 2 * (child + 1)
        if a[first + child][0] < a[first + child - 1][0]:
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if n % 2 == 0 and child == (n - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and a[first + parent][0] < value[0]:
        a[first + hole] = a[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[first + hole] = value


def _make_heap(a: list, first: int, last: int) -> None:
    n = last - first
    if n < 2:
        return
    for parent in range((n - 2) // 2, -1, -1):
        _adjust_heap(a, first, parent, n, a[first + parent])


def _pop_heap(a: list, first: int, last: int, result: int) -> None:
    value = a[result]
    a[result] = a[first]
    _adjust_heap(a, first, 0, last - first, value)


def _heap_select(a: list, first: int, middle: int, last: int) -> None:
    _make_heap(a, first, middle)
    for i in range(middle, last):
        if a[i][0] < a[first][0]:
            _pop_heap(a, first, middle, i)


def _sort_heap(a: list, first: int, last: int) -> None:
    while last - first > 1:
        last -= 1
        _pop_heap(a, first, last, last)


def partial_sort(a: list, middle: int) -> None:
    """``std::partial_sort(a.begin(), a.begin() + middle, a.end())``."""
    _heap_select(a, 0, middle, len(a))
    _sort_heap(a, 0, middle)


def introsort(a: list, first: int = 0, last: int | None = None) -> None:
    """``std::sort`` of ``a[first:last]``: introsort, then one insertion-sort pass."""
    last = len(a) if last is None else last
    if last - first < 2:
        return
    stack = [(first, last, 2 * _lg(last - first))]
    while stack:  # the recursion on the right part, as a loop
        lo, hi, depth = stack.pop()
        while hi - lo > _THRESHOLD:
            if depth == 0:
                _heap_select(a, lo, hi, hi)
                _sort_heap(a, lo, hi)
                break
            depth -= 1
            cut = _partition_pivot(a, lo, hi)
            stack.append((cut, hi, depth))
            hi = cut
    if last - first > _THRESHOLD:
        _insertion_sort(a, first, first + _THRESHOLD)
        for i in range(first + _THRESHOLD, last):  # unguarded: a smaller element sits before
            val, j = a[i], i
            while val[0] < a[j - 1][0]:
                a[j] = a[j - 1]
                j -= 1
            a[j] = val
    else:
        _insertion_sort(a, first, last)


def nth_element(a: list, nth: int) -> None:
    """``std::nth_element(a.begin(), a.begin() + nth, a.end())``: introselect."""
    first, last = 0, len(a)
    if nth >= last:
        return
    depth = 2 * _lg(last)
    while last - first > 3:
        if depth == 0:
            _heap_select(a, first, nth + 1, last)
            a[first], a[nth] = a[nth], a[first]
            return
        depth -= 1
        cut = _partition_pivot(a, first, last)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(a, first, last)


def quickselect(a: list, k: int) -> None:
    """ATen's ``quick_select_template``: median-of-three quickselect, ``a[k]`` ends in place."""
    lo, hi = 0, len(a) - 1

    def swap(i: int, j: int) -> None:
        a[i], a[j] = a[j], a[i]

    while hi > lo:
        if hi == lo + 1:
            if a[lo][0] > a[hi][0]:
                swap(lo, hi)
            return
        swap(lo + (hi - lo) // 2, lo + 1)
        if a[lo + 1][0] > a[hi][0]:
            swap(lo + 1, hi)
        if a[lo][0] > a[hi][0]:
            swap(lo, hi)
        if a[lo + 1][0] > a[lo][0]:
            swap(lo + 1, lo)
        i, j, piv = lo + 1, hi, a[lo][0]
        while True:
            i += 1
            while piv > a[i][0]:
                i += 1
            j -= 1
            while a[j][0] > piv:
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
