"""Paging through SQL results without loading them all."""

from collections.abc import Callable


class FetchedByWindow:
    """What Django's Paginator needs from a list: a count, and one page's rows fetched when asked for."""

    def __init__(self, *, count: Callable[[], int], fetch: Callable[[int, int], list]):
        self._count, self._fetch = count, fetch

    def count(self) -> int:
        return self._count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list:
        return self._fetch(window.stop - window.start, window.start)
