"""The drawing of `hf repos ls --explore`: a pure function of (repositories, terminal size, marked block)."""

import re

from huggingface_hub._api_user_repos import RepoStorageInfo
from huggingface_hub.cli import _repo_explorer as explorer
from huggingface_hub.cli.repos import run_city_game

_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _repo(repo_id: str, kind: str, storage: int, percent: float = 0.0, visibility: str = "public") -> RepoStorageInfo:
    return RepoStorageInfo(
        id=repo_id,
        type=kind,
        updatedAt="2026-03-04T05:06:07.000Z",
        visibility=visibility,
        storage=storage,
        storagePercent=percent,
    )


REPOS = [
    _repo("alice/small-space", "space", 2_000, 2.0),
    _repo("alice/big-model", "model", 80_000, 80.0, "private"),
    _repo("alice/mid-data", "dataset", 18_000, 18.0),
]


def _plain(lines: list[str]) -> list[str]:
    return [_SGR.sub("", line) for line in lines]


def test_blocks_are_laid_out_largest_first_with_heights_growing_with_storage() -> None:
    city = explorer.build_city(REPOS)
    assert [b.repo.id for b in city.blocks if b.repo] == ["alice/big-model", "alice/mid-data", "alice/small-space"]
    assert [(b.row, b.col) for b in city.blocks] == [(0, 0), (0, 1), (0, 2)]
    heights = [b.height for b in city.blocks]
    assert heights[0] == explorer.MAX_HEIGHT and heights[0] > heights[1] > heights[2] >= 1
    assert city.blocks[0].palette == explorer.PALETTES["model"]
    assert city.total_storage == 100_000 and city.others_count == 0


def test_repositories_beyond_the_limit_share_one_grey_block() -> None:
    repos = [_repo(f"alice/r{i:02}", "model", 1000 + i) for i in range(34)]
    city = explorer.build_city(repos)
    assert len(city.blocks) == explorer.MAX_BLOCKS + 1
    others = city.blocks[-1]
    assert others.repo is None and others.palette == explorer.OTHERS_PALETTE
    assert city.others_count == 4 and city.others_storage == 1000 + 1001 + 1002 + 1003
    assert (city.rows, city.cols) == (6, 6) and (others.row, others.col) == (5, 0)
    frame = _plain(explorer.render_frame(repos, 120, 40, (5, 0)))
    assert any("+4 more repos" in line for line in frame)
    assert any("4.0 KB combined" in line for line in frame)


def test_frame_shows_the_marked_repository_and_the_storage_overview() -> None:
    frame = explorer.render_frame(REPOS, 120, 30, (0, 0))
    assert len(frame) == 29  # the last line stays free: the screen never scrolls
    text = "\n".join(_plain(frame))
    for expected in (
        "Storage Overview",
        "100.0 KB total",
        "Models",
        "1 repos · 80.0 KB",
        "Datasets",
        "Spaces",
        "City Explorer",
        "alice/big-model",
        "Type       model",
        "Visibility private",
        "Storage    80.0 KB",
        "Usage      80.0%",
        "Updated    2026-03-04",
        "Arrows/WASD/HJKL: move · Q/Esc: quit",
    ):
        assert expected in text, expected
    assert "Buckets" not in text  # no bucket: no line for them
    moved = "\n".join(_plain(explorer.render_frame(REPOS, 120, 30, (0, 2))))
    assert "alice/small-space" in moved and "Type       space" in moved and "alice/big-model" not in moved


def test_frame_fits_the_terminal() -> None:
    repos = [_repo(f"alice/a-rather-long-repository-name-{i}", "dataset", 10 * i + 1) for i in range(40)]
    for columns, lines in ((100, 24), (160, 50)):
        frame = explorer.render_frame(repos, columns, lines, (0, 0))
        assert len(frame) == lines - 1
        assert max(explorer.visible_width(line) for line in frame) <= columns


def test_the_marked_block_is_lit_and_carries_the_marker() -> None:
    city = explorer.build_city(REPOS)
    plain, marked = explorer.paint_city(city, None), explorer.paint_city(city, (0, 1))
    lit = explorer._lighter(explorer.PALETTES["dataset"][0])
    assert not any(lit in row for row in plain) and any(lit in row for row in marked)
    assert not any(explorer.MARKER_FILL in row for row in plain)
    assert any(explorer.MARKER_FILL in row for row in marked)


def test_pixels_become_half_blocks_in_24_bit_colour() -> None:
    red, blue = (255, 0, 0), (0, 0, 255)
    canvas = [[red, None, red, None], [red, blue, None, None]]
    (line,) = explorer.canvas_to_text(canvas)
    assert line == "\x1b[38;2;255;0;0m█\x1b[0m\x1b[38;2;0;0;255m▄\x1b[0m\x1b[38;2;255;0;0m▀\x1b[0m"
    assert explorer.visible_width(line) == 3
    (two_colours,) = explorer.canvas_to_text([[red], [blue]])
    assert two_colours == "\x1b[38;2;255;0;0m\x1b[48;2;0;0;255m▀\x1b[0m"


def test_keys_move_between_existing_blocks_only() -> None:
    repos = [_repo(f"alice/r{i}", "model", 100 - i) for i in range(8)]  # two rows: 6 then 2
    city = explorer.build_city(repos)
    assert explorer.move(city, (0, 0), "d") == (0, 1)
    assert explorer.move(city, (0, 1), "\x1b[C") == (0, 2)
    assert explorer.move(city, (0, 2), "l") == (0, 3)
    assert explorer.move(city, (0, 0), "s") == (1, 0)
    assert explorer.move(city, (0, 1), "j") == (1, 1)
    assert explorer.move(city, (0, 2), "\x1b[B") == (0, 2)  # nothing below
    assert explorer.move(city, (1, 0), "W") == (0, 0)
    assert explorer.move(city, (0, 0), "\x1b[A") == (0, 0)
    assert explorer.move(city, (0, 0), "a") == (0, 0)
    assert explorer.move(city, (0, 3), "x") == (0, 3)


def test_outside_a_terminal_nothing_is_drawn(capsys) -> None:
    run_city_game([])
    assert capsys.readouterr().out == "No repositories found.\n"
    run_city_game(REPOS)  # pytest's stdin is not a terminal
    assert capsys.readouterr().out == "Interactive mode requires a terminal.\n"
