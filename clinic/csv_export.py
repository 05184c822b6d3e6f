"""CSV downloads that a spreadsheet cannot mistake for formulas.

A cell that starts with =, +, -, @, a tab or a carriage return is read by Excel, LibreOffice and Google
Sheets as a formula (OWASP "CSV injection"), so a patient's or colleague's typed text could run as one
on a clinic admin's machine. Such a cell gets a leading apostrophe, which spreadsheets show as text.
Plain numbers, negative ones included, are left alone so the figures stay numbers.
"""

import csv
import re
from collections.abc import Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise(value) -> str:
    """The cell as text, with an apostrophe in front when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """csv.writer's writerow, with every cell neutralised first."""

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])


def _as_attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def csv_download(filename: str) -> tuple[HttpResponse, SafeWriter]:
    """A private, never-cached CSV attachment and the writer to fill it with."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    return _as_attachment(response, filename), SafeWriter(response)


class _LineBuffer:
    """A file that keeps what csv.writer wrote until it is taken."""

    def __init__(self):
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def take(self) -> str:
        text, self.text = self.text, ""
        return text


def csv_stream(filename: str, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """The CSV attachment sent as `rows` are produced, a few hundred at a time: constant memory at any size."""

    def chunks() -> Iterator[str]:
        buffer = _LineBuffer()
        writer = SafeWriter(buffer)
        for count, row in enumerate(rows, start=1):
            writer.writerow(row)
            if count % 500 == 0:
                yield buffer.take()
        yield buffer.take()

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    return _as_attachment(response, filename)
