"""How many files go into each commit of a streamed upload (`upload_folder`)."""

import pytest

from huggingface_hub import _upload_pipeline
from huggingface_hub._upload_pipeline import COMMIT_SIZE_SCALE, TARGET_COMMIT_DURATION, _CommitPacer


@pytest.mark.parametrize(
    ("total", "first"),
    [(1, 250), (250, 250), (251, 400), (600, 600), (601, 1000), (1000, 1000), (1001, 250), (100_000, 250)],
)
def test_first_commit_holds_the_whole_upload_when_it_fits_the_scale(total: int, first: int) -> None:
    assert _CommitPacer(total).target == first


def test_fast_commits_grow_as_far_as_the_measured_rate_allows() -> None:
    pacer = _CommitPacer(10_000)
    pacer.record_success(duration=0.05, nb_files=250)  # 0.2 ms per file: the top of the scale is far below 40 s
    assert pacer.target == COMMIT_SIZE_SCALE[-1]


def test_growth_stops_where_the_projected_commit_gets_long() -> None:
    pacer = _CommitPacer(10_000)
    # 20 ms per file: 400 files would take 8 s (x4 = 32 s, within 40 s), 600 files 12 s (x4 = 48 s, beyond).
    pacer.record_success(duration=5.0, nb_files=250)
    assert pacer.target == 400


def test_a_full_commit_within_the_target_grows_at_least_one_step() -> None:
    pacer = _CommitPacer(10_000)
    pacer.record_success(duration=TARGET_COMMIT_DURATION - 1, nb_files=250)
    assert pacer.target == 400


def test_slow_failed_and_short_commits() -> None:
    pacer = _CommitPacer(10_000)
    pacer.record_success(duration=TARGET_COMMIT_DURATION + 1, nb_files=250)
    assert pacer.target == 200
    pacer.record_success(duration=0.01, nb_files=20)  # smaller than the target: says nothing
    assert pacer.target == 200
    pacer.record_failure()
    assert pacer.target == 125
    for _ in range(20):
        pacer.record_failure()
    assert pacer.target == COMMIT_SIZE_SCALE[0]


def test_scale_top_is_never_exceeded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_upload_pipeline, "COMMIT_SIZE_SCALE", [5, 8, 13])
    monkeypatch.setattr(_upload_pipeline, "INITIAL_COMMIT_SIZE_INDEX", 0)
    pacer = _CommitPacer(40)
    assert pacer.target == 5
    pacer.record_success(duration=0.001, nb_files=5)
    assert pacer.target == 13
    pacer.record_success(duration=0.001, nb_files=13)
    assert pacer.target == 13
