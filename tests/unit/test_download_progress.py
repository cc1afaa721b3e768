"""How download bars are named and fed (no network: the engine's reports are simulated)."""

from typing import Any

import pytest

from huggingface_hub._download_progress import (
    XET_BYTES_BAR_FORMAT,
    XET_TRANSFER_BAR_FORMAT,
    FileProgress,
    SnapshotProgress,
    displayed_filename,
)
from huggingface_hub.utils import disable_progress_bars, enable_progress_bars
from huggingface_hub.utils.tqdm import tqdm as hf_tqdm

CDN = (
    "https://cas-bridge.example/xet/abc?X-Amz-Expires=3600&response-content-disposition="
    "inline%3B+filename%2A%3DUTF-8%27%27model.safetensors%3B+filename%3D%22model.safetensors%22%3B&x=1"
)


@pytest.mark.parametrize(
    ("url", "header", "expected"),
    [
        ("http://h/a/resolve/main/config.json", None, "http://h/a/resolve/main/config.json"),
        (
            "http://127.0.0.1:1234/alice/demo/resolve/main/config.json",
            None,
            "(…)1234/alice/demo/resolve/main/config.json",
        ),
        ("http://h/x", "inline; filename*=UTF-8''config.json; filename=\"config.json\";", "config.json"),
        (CDN, None, "model.safetensors"),
        ("http://h/x", "attachment", "http://h/x"),  # no usable file name: the URL
        ("http://h/x", f'inline; filename="{"n" * 45}.bin";', f"(…){'n' * 36}.bin"),
    ],
)
def test_displayed_filename_is_upstreams(url: str, header: str | None, expected: str) -> None:
    assert displayed_filename(url, header) == expected


def test_xet_file_fetched_from_resolve_url_is_named_after_its_cdn_redirect() -> None:
    # Without Xet transfers, a Xet file is fetched from its resolve URL, which redirects to the CDN.
    assert displayed_filename("http://h/a/resolve/main/m.safetensors", None, CDN) == "model.safetensors"


class Recording:
    """A `tqdm_class` that keeps what it was given."""

    created: list["Recording"] = []

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs, self.n, self.total, self.desc, self.closed = kwargs, 0, kwargs.get("total"), kwargs["desc"], False
        Recording.created.append(self)

    def update(self, n: int = 1) -> None:
        self.n += n

    def refresh(self) -> None:
        pass

    def set_description(self, desc: str) -> None:
        self.desc = desc

    def close(self) -> None:
        self.closed = True


@pytest.fixture(autouse=True)
def _reset() -> None:
    Recording.created = []


def test_snapshot_bars_aggregate_like_upstreams() -> None:
    progress = SnapshotProgress(3, tqdm_class=Recording)
    transfer, written, files = Recording.created
    assert [bar.kwargs["desc"] for bar in Recording.created] == [
        "Downloading bytes",
        "Reconstructing (incomplete total...)",
        "Fetching 3 files",
    ]
    assert (
        transfer.kwargs["bar_format"] == XET_TRANSFER_BAR_FORMAT
        and written.kwargs["bar_format"] == XET_BYTES_BAR_FORMAT
    )
    assert "name" not in files.kwargs and files.kwargs["total"] == 3  # a custom class gets no `name`
    progress.set_sizes([100, 50])
    progress.file_done(1)  # already cached
    progress([(0, 40)], 40)
    assert (written.total, written.n, transfer.n) == (100, 40, 40)
    assert transfer.total >= 40  # grown ahead of the count so the bar can be drawn
    progress([(0, 100), (1, 10)], 110)
    progress.finish(1, 50)
    progress.file_done(2)
    progress.close()
    assert (written.total, written.n, transfer.n, transfer.total, files.n) == (150, 150, 150, 150, 3)
    assert (transfer.desc, written.desc) == ("Download complete", "Reconstruction complete")
    assert all(bar.closed for bar in Recording.created)


def test_failed_snapshot_keeps_the_running_descriptions() -> None:
    SnapshotProgress(1, tqdm_class=Recording).close(completed=False)
    assert [bar.desc for bar in Recording.created[:2]] == ["Downloading bytes", "Reconstructing (incomplete total...)"]
    assert all(bar.closed for bar in Recording.created)


def test_dry_run_prefix() -> None:
    SnapshotProgress(2, tqdm_class=Recording, dry_run=True)
    assert Recording.created[-1].kwargs["desc"] == "[dry-run] Fetching 2 files"


def test_file_bar_created_on_first_report_or_at_the_end() -> None:
    progress = FileProgress(["a.bin"], [10], Recording)
    assert Recording.created == []
    progress.finish(0, 10)  # no report came: the bar still ends full
    (bar,) = Recording.created
    assert (bar.kwargs["desc"], bar.kwargs["unit"], bar.total, bar.n) == ("a.bin", "B", 10, 10)
    progress.close()
    assert bar.closed


def test_group_switches_reach_our_bars(capsys: pytest.CaptureFixture[str]) -> None:
    disable_progress_bars("huggingface_hub.snapshot_download")
    try:
        progress = SnapshotProgress(1)
        transfer, written = progress._transfer, progress._written
        assert isinstance(transfer, hf_tqdm) and transfer.disable and written.disable
        assert not progress._files.disable  # like upstream's "Fetching" bar: no group name
        progress.close()
    finally:
        enable_progress_bars()
    disable_progress_bars()
    try:
        progress = SnapshotProgress(1)
        assert progress._files.disable
        progress.close()
    finally:
        enable_progress_bars()
