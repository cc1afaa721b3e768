"""Progress bars fed by the transfer engine's reports (about ten per second), drawn like upstream's.

- `FileProgress`: `hf_hub_download`'s bar, upstream's `http_get` bar (group `huggingface_hub.http_get`): its
  description is the file name the server gives (`Content-Disposition`), else the download URL, cut to its
  last 40 characters.
- `SnapshotProgress`: `snapshot_download`'s three bars, created in upstream's order (which fixes their
  positions on screen): "Downloading bytes" (network bytes, no total shown), "Reconstructing ..." (bytes
  written, against the sizes of the files being downloaded) and "Fetching N files".

All honour `tqdm_class` and the disable switches exactly as upstream does: the two byte bars go through
`utils.tqdm._create_progress_bar` (group names, log level, terminal detection), while the "Fetching" bar
is built like upstream's `hf_thread_map` builds it, with no group name, so it is drawn even when stderr is
not a terminal.
"""

from typing import Any
from urllib.parse import parse_qs, urlparse

from ._http_get import filename_from_content_disposition
from .utils import logging
from .utils.tqdm import _create_progress_bar
from .utils.tqdm import tqdm as hf_tqdm

logger = logging.get_logger("huggingface_hub.file_download")

# Upstream's formats for the aggregated byte bars (utils/_xet_progress_reporting.py).
XET_TRANSFER_BAR_FORMAT = "{desc}: {bar}| {n_fmt:>5}B{postfix:>12}"
XET_BYTES_BAR_FORMAT = "{l_bar}{bar}| {n_fmt:>5}B / {total_fmt:>5}B{postfix:>12}"


def _close(bar: Any) -> None:
    close = getattr(bar, "close", None)
    if callable(close):
        close()


def displayed_filename(url: str, content_disposition: str | None = None, location: str | None = None) -> str:
    """What upstream's `http_get` bar shows for a download of `url`.

    Upstream reads the name from the GET answer's `Content-Disposition`. Here the bar is named before the
    engine sends the GET, so the name comes from the HEAD answer (same headers when there was no redirect)
    or, when the file redirects to a CDN (`location`, which `url` may be or may redirect to), from the signed
    URL's `response-content-disposition` parameter, which is the header the CDN answers with.
    """
    name = filename_from_content_disposition(content_disposition)
    for candidate in (location, url):
        if name is None and candidate:
            values = parse_qs(urlparse(candidate).query).get("response-content-disposition")
            name = filename_from_content_disposition(values[0]) if values else None
    name = name or url
    return f"(…){name[-40:]}" if len(name) > 40 else name


class FileProgress:
    """One bytes bar per job, created when the job first moves and closed by `close`."""

    def __init__(self, names: list[str], totals: list[int | None], tqdm_class: Any | None = None) -> None:
        self._names = names
        self._totals = totals
        self._tqdm_class = tqdm_class
        self._bars: dict[int, Any] = {}
        self._seen: dict[int, int] = {}

    def _bar(self, index: int) -> Any:
        bar = self._bars.get(index)
        if bar is None:
            bar = self._bars[index] = _create_progress_bar(
                cls=self._tqdm_class or hf_tqdm,
                log_level=logger.getEffectiveLevel(),
                name="huggingface_hub.http_get",
                unit="B",
                unit_scale=True,
                total=self._totals[index],
                initial=0,
                desc=self._names[index],
            )
            self._seen[index] = 0
        return bar

    def __call__(self, changes: list[tuple[int, int]], fetched: int) -> None:
        for index, done in changes:
            bar = self._bar(index)
            delta = done - self._seen[index]
            if delta:
                bar.update(delta)
                self._seen[index] = done

    def finish(self, index: int, size: int) -> None:
        """A job that completed: its bar shows all of it, even if no report came before the end."""
        self([(index, size)], 0)

    def close(self) -> None:
        for bar in self._bars.values():
            _close(bar)
        self._bars.clear()


def _update_transfer_bar(bar: Any, increment: int) -> None:
    # The transfer bar shows no total, but tqdm needs one to draw the bar: grow it ahead of the count.
    n_after = getattr(bar, "n", 0) + increment
    current = getattr(bar, "total", 0) or 0
    if n_after > 0 and current < n_after:
        bar.total = max(current, int(n_after * 1.25) + 1)
    bar.update(increment)


def _finish_transfer_bar(bar: Any) -> None:
    # Snap the transfer bar to full once everything arrived.
    n = getattr(bar, "n", 0)
    if n > 0 and hasattr(bar, "total") and bar.total != n:
        bar.total = n
        bar.refresh()


class SnapshotProgress:
    """`snapshot_download`'s bars: bytes received, bytes written (of the files being downloaded), files done."""

    def __init__(self, nb_files: int, *, tqdm_class: Any | None = None, dry_run: bool = False) -> None:
        cls = tqdm_class or hf_tqdm
        level = logger.getEffectiveLevel()
        self._transfer = _create_progress_bar(
            cls=cls, log_level=level, name="huggingface_hub.snapshot_download.transfer", desc="Downloading bytes",
            total=0, initial=0, unit="B", unit_scale=True, bar_format=XET_TRANSFER_BAR_FORMAT,
        )  # fmt: skip
        self._written = _create_progress_bar(
            cls=cls, log_level=level, name="huggingface_hub.snapshot_download",
            desc="Reconstructing (incomplete total...)", total=0, initial=0, unit="B", unit_scale=True,
            bar_format=XET_BYTES_BAR_FORMAT,
        )  # fmt: skip
        prefix = "[dry-run] " if dry_run else ""
        self._files = cls(desc=f"{prefix}Fetching {nb_files} files", total=nb_files)
        self._started: set[int] = set()
        self._seen: dict[int, int] = {}
        self._sizes: list[int] = []

    def set_sizes(self, sizes: list[int]) -> None:
        """Sizes of the jobs the engine will run, by job index."""
        self._sizes = sizes

    def _start(self, index: int) -> None:
        # Like upstream, a file counts in the totals once its transfer starts.
        if index in self._started:
            return
        self._started.add(index)
        size = self._sizes[index] if index < len(self._sizes) else 0
        for bar in (self._written, self._transfer):
            if hasattr(bar, "total"):
                bar.total = (bar.total or 0) + size
        refresh = getattr(self._written, "refresh", None)
        if callable(refresh):
            refresh()

    def file_done(self, count: int = 1) -> None:
        update = getattr(self._files, "update", None)
        if callable(update) and count:
            update(count)

    def __call__(self, changes: list[tuple[int, int]], fetched: int) -> None:
        delta = 0
        for index, done in changes:
            self._start(index)
            delta += done - self._seen.get(index, 0)
            self._seen[index] = done
        if delta:
            self._written.update(delta)
            _update_transfer_bar(self._transfer, delta)

    def finish(self, index: int, size: int) -> None:
        """A job that completed: count all of its bytes, even if no report came before the end."""
        self([(index, size)], 0)

    def close(self, *, completed: bool = True) -> None:
        """Close every bar; only a completed snapshot gets the final descriptions, as upstream's."""
        _close(self._files)
        if not completed:
            _close(self._transfer)
            _close(self._written)
            return
        _finish_transfer_bar(self._transfer)
        for bar, description in ((self._transfer, "Download complete"), (self._written, "Reconstruction complete")):
            set_description = getattr(bar, "set_description", None)
            if callable(set_description):
                set_description(description)
        # Upstream leaves these two to the garbage collector; closing them now draws the same final lines
        # without keeping finished bars registered with tqdm (which would shift the next bars down).
        _close(self._transfer)
        _close(self._written)
