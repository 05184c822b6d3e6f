"""Rows streamed into PostgreSQL with COPY: one buffer per table, sent whenever it grows large.

The sending happens on a second thread (`CopyPipe`), so Python builds the next rows while PostgreSQL
checks and indexes the last ones: on two cores that roughly halves the load. Values arrive already as
COPY text (see `text()`); the generator writes only tab-free, backslash-free strings.
"""

import io
import queue
import threading
import time

NULL = r"\N"
FLUSH_BYTES = 4 * 1024 * 1024


def text(value) -> str:
    """One value in COPY's text format: None is NULL, booleans are t/f, the rest as str()."""
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


class CopyPipe:
    """Runs COPY statements in order on one cursor, from a thread; `close()` waits and re-raises any error."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.seconds: dict[str, float] = {}
        self._queue: queue.Queue = queue.Queue(maxsize=8)  # bounded: generation waits when the database lags
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="seed_scale-copy", daemon=True)
        self._thread.start()

    def send(self, table: str, sql: str, buffer: io.StringIO) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put((table, sql, buffer))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def abandon(self) -> None:
        """The load failed: skip whatever is queued, and wait for the thread before the transaction rolls back."""
        self._error = self._error or RuntimeError("seed_scale's load was abandoned")
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain: the transaction is lost anyway
            table, sql, buffer = item
            started = time.monotonic()
            try:
                self.cursor.copy_expert(sql, buffer)
            except BaseException as error:
                self._error = error
            self.seconds[table] = self.seconds.get(table, 0.0) + time.monotonic() - started


class CopyTable:
    """Rows for one table; `add` takes values in `columns` order, `flush` hands what is buffered to the pipe."""

    def __init__(self, pipe: CopyPipe, table: str, columns: tuple[str, ...]):
        self.pipe = pipe
        self.table = table
        self.columns = columns
        self.rows = 0
        self._buffer = io.StringIO()
        self._sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"

    def add(self, *values) -> None:
        self._buffer.write("\t".join(map(text, values)))
        self._buffer.write("\n")
        self.rows += 1
        if self._buffer.tell() > FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self._buffer.tell():
            return
        self._buffer.seek(0)
        self.pipe.send(self.table, self._sql, self._buffer)
        self._buffer = io.StringIO()


def reset_sequence(cursor, table: str) -> None:
    """After COPY with explicit ids, the next id the app takes must come after them."""
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"  # noqa: S608  (table names are ours)
    )
