"""Progress bars fed by the transfer engine's reports (about ten per second).

- `FileProgress`: one bar per file, like upstream's `http_get` bar (group `huggingface_hub.http_get`).
- `SnapshotProgress`: `snapshot_download`'s two bars, "Fetching N files" (items) and the bytes of
  the whole batch (group `huggingface_hub.snapshot_download.transfer`).

Both honour `tqdm_class` and the disable switches through `utils.tqdm._create_progress_bar`.
"""

from typing import Any

from .utils import logging
from .utils.tqdm import _create_progress_bar
from .utils.tqdm import tqdm as hf_tqdm

logger = logging.get_logger("huggingface_hub.file_download")


def _close(bar: Any) -> None:
    close = getattr(bar, "close", None)
    if callable(close):
        close()


def _desc(name: str) -> str:
    return f"(…){name[-40:]}" if len(name) > 40 else name


class FileProgress:
    """A bytes bar per job, created when the job first moves and closed by `close`."""

    def __init__(self, names: list[str], totals: list[int | None], tqdm_class: Any | None = None) -> None:
        self._names = names
        self._totals = totals
        self._tqdm_class = tqdm_class
        self._bars: dict[int, Any] = {}
        self._seen: dict[int, int] = {}

    def __call__(self, changes: list[tuple[int, int]], fetched: int) -> None:
        for index, done in changes:
            bar = self._bars.get(index)
            if bar is None:
                bar = _create_progress_bar(
                    cls=self._tqdm_class or hf_tqdm,
                    log_level=logger.getEffectiveLevel(),
                    name="huggingface_hub.http_get",
                    unit="B",
                    unit_scale=True,
                    total=self._totals[index],
                    initial=0,
                    desc=_desc(self._names[index]),
                )
                self._bars[index] = bar
                self._seen[index] = 0
            delta = done - self._seen[index]
            if delta:
                bar.update(delta)
                self._seen[index] = done

    def close(self) -> None:
        for bar in self._bars.values():
            _close(bar)
        self._bars.clear()


class SnapshotProgress:
    """ "Fetching N files" plus one bytes bar over every file being downloaded."""

    def __init__(self, nb_files: int, total_bytes: int, *, tqdm_class: Any | None = None, dry_run: bool = False):
        cls = tqdm_class or hf_tqdm
        level = logger.getEffectiveLevel()
        prefix = "[dry-run] " if dry_run else ""
        self._files = _create_progress_bar(
            cls=cls, log_level=level, name="huggingface_hub.snapshot_download", unit="it", unit_scale=False,
            total=nb_files, initial=0, desc=f"{prefix}Fetching {nb_files} files",
        )  # fmt: skip
        self._bytes: Any = None
        self._cls = cls
        self._level = level
        self._total_bytes = total_bytes
        self._seen: dict[int, int] = {}
        self._done = 0

    def file_done(self, count: int = 1) -> None:
        update = getattr(self._files, "update", None)
        if callable(update):
            update(count)

    def __call__(self, changes: list[tuple[int, int]], fetched: int) -> None:
        if self._bytes is None:
            self._bytes = _create_progress_bar(
                cls=self._cls, log_level=self._level, name="huggingface_hub.snapshot_download.transfer",
                unit="B", unit_scale=True, total=self._total_bytes, initial=0, desc="Downloading bytes",
            )  # fmt: skip
        delta = 0
        for index, done in changes:
            delta += done - self._seen.get(index, 0)
            self._seen[index] = done
        if delta:
            self._bytes.update(delta)

    def close(self) -> None:
        if self._bytes is not None:
            if hasattr(self._bytes, "set_description"):
                self._bytes.set_description("Download complete")
            _close(self._bytes)
        _close(self._files)
