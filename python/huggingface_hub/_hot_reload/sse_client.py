"""A reader of Server-Sent Events (the `text/event-stream` format of the HTML standard) over a stream of bytes.

Chunks may cut lines, and even a CRLF, anywhere: lines are only handed on once their terminator is known. An event
is dispatched at a blank line; one without data is dropped, as the standard says.
"""

import codecs
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass
class Event:
    """One dispatched event. ``event`` defaults to ``"message"``; ``data`` joins the data lines with newlines."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


def _lines(chunks: Iterable[bytes]) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    for chunk in chunks:
        pending += decoder.decode(chunk)
        start = 0
        while True:
            cr, lf = pending.find("\r", start), pending.find("\n", start)
            ends = [i for i in (cr, lf) if i >= 0]
            if not ends:
                break
            end = min(ends)
            if pending[end] == "\r":
                if end + 1 == len(pending):
                    break  # a LF may follow in the next chunk
                step = 2 if pending[end + 1] == "\n" else 1
            else:
                step = 1
            yield pending[start:end]
            start = end + step
        pending = pending[start:]
    pending += decoder.decode(b"", final=True)
    yield from pending.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def iter_events(chunks: Iterable[bytes]) -> Iterator[Event]:
    """The events of an event stream given as byte chunks (e.g. ``response.iter_content(None)``)."""
    current = Event()
    data: list[str] = []
    for line in _lines(chunks):
        if not line:
            if data:
                current.data = "\n".join(data)
                yield current
            current, data = Event(), []
            continue
        if line.startswith(":"):  # a comment, often a keep-alive
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "data":
            data.append(value)
        elif field == "event":
            current.event = value or "message"
        elif field == "id" and "\0" not in value:
            current.id = value
        elif field == "retry" and value.isdigit():
            current.retry = int(value)
    if data:  # the stream ended without the final blank line
        current.data = "\n".join(data)
        yield current
