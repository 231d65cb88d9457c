"""``torch.futures``: a ``Future`` holds a value that a ``torch.jit.fork`` computed. graphgrad
runs forked work at once, so its futures complete when they are made; waiting on one that was
never completed raises instead of blocking forever.

>>> fut = Future()
>>> fut.set_result(3)
>>> fut.then(lambda f: f.value() + 1).wait()
4
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_UNSET = object()


class Future:
    """A value that is (or will be) set once, with callbacks run when it is."""

    def __init__(self) -> None:
        self._result: Any = _UNSET
        self._error: BaseException | None = None
        self._callbacks: list[Callable[[Future], Any]] = []

    def done(self) -> bool:
        """Whether a result or an exception has been set."""
        return self._result is not _UNSET or self._error is not None

    def set_result(self, result: Any) -> None:
        """Complete the future with ``result`` (once), and run its callbacks.

        Args:
            result: the value.
        """
        self._complete(result, None)

    def set_exception(self, result: BaseException) -> None:
        """Complete the future with an exception that ``wait`` and ``value`` raise.

        Args:
            result: the exception.
        """
        self._complete(_UNSET, result)

    def _complete(self, result: Any, error: BaseException | None) -> None:
        if self.done():
            raise RuntimeError(
                "Attempting to mark a completed Future as complete again. Note that a Future "
                "can only be marked completed once."
            )
        self._result, self._error = result, error
        for callback in self._callbacks:
            callback(self)

    def value(self) -> Any:
        """The result (the exception set, raised)."""
        if self._error is not None:
            raise self._error
        if self._result is _UNSET:
            raise RuntimeError("Future.value() called before the future completed")
        return self._result

    def wait(self) -> Any:
        """The result; nothing runs in the background here, so an incomplete future raises."""
        if not self.done():
            raise RuntimeError("Future.wait() on a future that nothing will complete")
        return self.value()

    def then(self, callback: Callable[[Future], Any]) -> Future:
        """A new future completed with ``callback(self)`` once this one completes.

        Args:
            callback: a function of this future.
        """
        chained = Future()

        def run(fut: Future) -> None:
            try:
                chained.set_result(callback(fut))
            except Exception as error:  # noqa: BLE001 - handed to the chained future, as PyTorch
                chained.set_exception(error)

        self.add_done_callback(run)
        return chained

    def add_done_callback(self, callback: Callable[[Future], Any]) -> None:
        """Run ``callback(self)`` when the future completes (now, if it has).

        Args:
            callback: a function of this future.
        """
        if self.done():
            callback(self)
        else:
            self._callbacks.append(callback)


def collect_all(futures: list[Future]) -> Future:
    """A future completed with the list of ``futures`` once all of them are.

    Args:
        futures: the futures.
    """
    combined = Future()
    if all(f.done() for f in futures):
        combined.set_result(list(futures))
    return combined


def wait_all(futures: list[Future]) -> list:
    """The futures' results, in order.

    Args:
        futures: the futures.
    """
    return [f.wait() for f in futures]


__all__ = ["Future", "collect_all", "wait_all"]
