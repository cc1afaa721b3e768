"""Live progress of a folder upload: three lines on a terminal, a periodic log line elsewhere.

```
  Preparing   ████████████████████  11,100 / 11,100 ✓
  Uploading   ██████████████░░░░░░  580 / 603 files  3.8GB · 19.7MB/s
  Committing  ██████████████████░░  10,800 / 11,100  14 commits
```

Worker threads only bump counters under a lock; one renderer thread redraws the lines in place twice a second
on a TTY. When stderr is not a TTY, a summary is logged (at INFO) every 30 seconds instead. Disabled progress
bars turn off the terminal display only: the log summaries follow the logger's level.
"""

import shutil
import sys
import threading
import time

from .utils import logging

logger = logging.get_logger("huggingface_hub._upload_pipeline")

_BAR_WIDTH = 20
_REFRESH_INTERVAL = 0.5  # seconds between redraws on a TTY
_LOG_INTERVAL = 30.0  # seconds between summaries when stderr is not a TTY
_LINES = 3


def _bar(done: float, total: float, width: int = _BAR_WIDTH) -> str:
    if total <= 0:
        return "░" * width
    filled = int(min(done / total, 1.0) * width)
    return "█" * filled + "░" * (width - filled)


def _format_bytes(n: float) -> str:
    """Decimal units, three significant digits: `3.80GB`, `19.7MB`, `512B`."""
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000:
            if n < 10:
                return f"{n:.2f}{unit}"
            if n < 100:
                return f"{n:.1f}{unit}"
            return f"{n:.0f}{unit}"
        n /= 1000
    return f"{n:.1f}PB"


class UploadDisplay:
    """Counters of a folder upload and their rendering (see the module docstring)."""

    def __init__(self, total_files: int, enabled: bool = True) -> None:
        self._total = total_files
        self._tty = enabled and sys.stderr.isatty()
        self._active = self._tty or logger.isEnabledFor(logging.INFO)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._drawn = False
        self._prepared = 0
        self._ignored = 0
        self._lfs_total = 0
        self._lfs_done = 0
        self._committed = 0  # committed, or skipped as unchanged
        self._commits = 0
        self._bytes = 0
        self._speed = 0.0
        self._previous_bytes = 0
        self._previous_time: float | None = None

    def start(self) -> None:
        if not self._active:
            return
        if self._tty:
            sys.stderr.write(f"Found {self._total:,} files to upload\n")
            sys.stderr.flush()
        else:
            logger.info(f"Found {self._total:,} files to upload")
        self._thread = threading.Thread(target=self._render_loop, name="hf-upload-display", daemon=True)
        self._thread.start()

    def close(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
        if self._tty:
            with self._lock:
                self._redraw()

    # Counters, updated from the coordinator, the committer and the upload workers.

    def prepared(self, n: int) -> None:
        with self._lock:
            self._prepared += n

    def ignored(self, n: int) -> None:
        with self._lock:
            self._ignored += n

    def lfs_registered(self, n: int) -> None:
        with self._lock:
            self._lfs_total += n

    def lfs_uploaded(self, n: int) -> None:
        with self._lock:
            self._lfs_done += n

    def bytes_sent(self, n: int) -> None:
        with self._lock:
            self._bytes += n

    def skipped(self, n: int) -> None:
        with self._lock:
            self._committed += n

    def committed(self, n: int) -> None:
        with self._lock:
            self._committed += n
            self._commits += 1

    # Rendering, on the display thread.

    def _render_loop(self) -> None:
        last_log = time.monotonic()
        while not self._stop.wait(_REFRESH_INTERVAL):
            with self._lock:
                self._update_speed()
                if self._tty:
                    self._redraw()
                elif time.monotonic() - last_log >= _LOG_INTERVAL:
                    logger.info(self.summary())
                    last_log = time.monotonic()

    def _update_speed(self) -> None:
        now = time.monotonic()
        if self._previous_time is not None and now > self._previous_time:
            rate = (self._bytes - self._previous_bytes) / (now - self._previous_time)
            self._speed = rate if self._speed == 0 else 0.3 * rate + 0.7 * self._speed  # smoothed
        self._previous_time, self._previous_bytes = now, self._bytes

    def _redraw(self) -> None:
        if self._drawn:
            sys.stderr.write(f"\033[{_LINES}A")
        width = shutil.get_terminal_size().columns
        for line in self.lines():
            shown = line[: width - 4] + "..." if len(line) > width - 1 else line
            sys.stderr.write(f"\r\033[K{shown}\n")
        sys.stderr.flush()
        self._drawn = True

    def lines(self) -> list[str]:
        prepared_all = self._prepared >= self._total
        preparing = f"  Preparing   {_bar(self._prepared, self._total)}  {self._prepared:,} / {self._total:,}"
        preparing += " ✓" if prepared_all else ""
        if self._lfs_total == 0:
            uploading = f"  Uploading   {_bar(1, 1) if prepared_all else _bar(0, 1)}  -"
        else:
            extra = [_format_bytes(self._bytes)] if self._bytes > 0 else []
            extra += [f"{_format_bytes(self._speed)}/s"] if self._speed > 0 else []
            uploading = f"  Uploading   {_bar(self._lfs_done, self._lfs_total)}  {self._lfs_done:,} / {self._lfs_total:,} files"
            uploading += f"  {' · '.join(extra)}" if extra else ""
            uploading += " ✓" if prepared_all and self._lfs_done >= self._lfs_total else ""
        expected = self._total - self._ignored
        committing = f"  Committing  {_bar(self._committed, expected)}  {self._committed:,} / {expected:,}"
        committing += f"  {self._commits} commits" if self._commits > 1 else ""
        committing += " ✓" if self._committed >= expected > 0 else ""
        return [preparing, uploading, committing]

    def summary(self) -> str:
        return (
            f"Uploading... {self._prepared:,}/{self._total:,} files checked, "
            f"{self._lfs_done:,}/{self._lfs_total:,} uploaded ({_format_bytes(self._bytes)} transferred), "
            f"{self._committed:,} committed in {self._commits} commit(s)"
        )
