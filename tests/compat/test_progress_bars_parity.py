"""Download progress bars look like upstream's 1.29: same bars, descriptions, units, formats and final lines.

Both clients download from the same local Hub, their stderr going to a pipe (what CI logs see), to a pipe with
bars forced on (`TQDM_POSITION=-1`), or to a 120-column pseudo-terminal. The streams are replayed on a virtual
screen and the final screens compared (with bars forced on, where every bar is drawn on the same line, the last
frame of each bar), after replacing only what varies from run to run: elapsed times and
rates, the width of a bar drawn on a terminal (it depends on the rate text next to it), and the signature at the
end of a signed download URL (upstream names a bar after the URL it downloads when the server gives no file name).
"""

import json
import os
import re
import sys
import textwrap
from pathlib import Path

import pytest

from huggingface_hub.local_hub import LocalHub
from tests.compat._terminal import final_frames, replay, run
from tests.e2e._seed import commit, create_repo, random_bytes

pytestmark = pytest.mark.compat

BIG = random_bytes(3 * 1024 * 1024 + 5, seed=1)
FILES = {
    "config.json": b'{"a": 1}',
    "data/a.txt": b"a" * 1500,
    "data/sub/b.txt": b"bb",
    "a-very-long-directory-name/with-a-very-long-file-name.txt": b"x" * 100,
}

COMMANDS = [
    ["download", "alice/demo", "config.json"],
    ["download", "alice/demo", "a-very-long-directory-name/with-a-very-long-file-name.txt"],
    ["download", "alice/demo"],
    ["download", "alice/demo"],  # again: everything is cached
    ["download", "alice/demo", "weights/model.bin", "--cache-dir", "{home}/c2"],
    ["download", "alice/demo", "data/", "--local-dir", "{home}/out"],
    ["download", "alice/demo", "--dry-run"],
    ["download", "alice/demo", "config.json", "data/a.txt", "--cache-dir", "{home}/other"],
    ["download", "alice/demo", "--cache-dir", "{home}/quiet", "-q"],  # no bars in quiet, JSON and agent modes
    ["download", "alice/demo", "weights/model.bin", "--cache-dir", "{home}/json", "--json"],
]
TRANSIENT = ("Downloading bytes:", "Reconstructing (incomplete total...):")
MODES = {"pipe": ({}, False), "pipe-forced": ({"TQDM_POSITION": "-1"}, False), "terminal": ({}, True)}


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory):
    with LocalHub(tmp_path_factory.mktemp("hub")) as hub:
        token = hub.create_user("alice")
        create_repo(hub.endpoint, token, "alice/demo")
        commit(hub.endpoint, token, "alice/demo", files=FILES, lfs={"weights/model.bin": BIG})
        yield hub, token


def environment(hub: LocalHub, token: str, home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING_FACE_", "PYTHON", "TQDM_"))}
    env.pop("VIRTUAL_ENV", None)
    env.update(
        HF_ENDPOINT=hub.endpoint, HF_TOKEN=token, HF_HOME=str(home), HF_HUB_DISABLE_XET="1",
        HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_UPDATE_CHECK="1", NO_COLOR="1", COLUMNS="120", **extra,
    )  # fmt: skip
    return env


def normalise(lines: list[str], home: Path, *, terminal: bool) -> list[str]:
    result = []
    for line in lines:
        line = re.sub(r"\[\d\d:\d\d<[^\]]*\]", "[<time>]", line.replace(str(home), "<home>"))
        line = re.sub(r"\(…\)[0-9a-f]{40}(?=:)", "(…)<signed URL tail>", line)
        if terminal:
            line = re.sub(r"[█▏▎▍▌▋▊▉ ]*\|", "|", re.sub(r"(?<=[|:] )[█▏▎▍▌▋▊▉ ]+(?=\|)", "", line))
        result.append(line)
    return result


def session(python: str | Path, hub, home: Path, mode: str) -> list[tuple[int, list[str], list[str]]]:
    """Every command of COMMANDS in turn, in one HF_HOME: (exit code, stdout lines, final screen of stderr)."""
    local_hub, token = hub
    extra, terminal = MODES[mode]
    outputs = []
    for args in COMMANDS:
        command = [str(python), "-m", "huggingface_hub.cli.hf", *(arg.replace("{home}", str(home)) for arg in args)]
        code, stdout, stderr = run(command, environment(local_hub, token, home, **extra), terminal=terminal)
        stdout_lines = normalise(stdout.splitlines(), home, terminal=False)
        screen = final_frames(stderr) if mode == "pipe-forced" else replay(stderr)
        if mode == "pipe-forced" and any(frame.startswith("Download complete:") for frame in screen):
            # Renamed when done: how far these names got drawn before the rename depends on timing.
            screen = [frame for frame in screen if not frame.startswith(TRANSIENT)]
        outputs.append((code, stdout_lines, normalise(screen, home, terminal=terminal)))
    return outputs


@pytest.mark.parametrize("mode", list(MODES))
def test_cli_download_bars_match_upstream(hub, upstream_python: Path, tmp_path: Path, mode: str) -> None:
    ours = session(sys.executable, hub, tmp_path / "ours", mode)
    theirs = session(upstream_python, hub, tmp_path / "theirs", mode)
    for args, mine, upstream in zip(COMMANDS, ours, theirs, strict=True):
        assert mine == upstream, args
    if mode != "pipe":  # the checks above compared real bars, not two empty screens
        assert ours[2][2][-1].startswith("Reconstruction complete: 100%|"), ours[2][2]
        assert any("Fetching 6 files: 100%" in line for line in ours[2][2])
        assert ours[0][2][-1].startswith("(…)") and "/resolve/main/config.json: 100%|" in ours[0][2][-1]
        assert ours[1][2][-1].startswith("(…)tory-name/with-a-very-long-file-name.txt: 100%|"), ours[1][2]
        assert ours[4][2][-1].startswith("(…)<signed URL tail>: 100%|"), ours[4][2]
    else:  # on a pipe, upstream only draws its "Fetching" bar
        assert ours[2][2] == ["Fetching 6 files: 100%|██████████| 6/6 [<time>]"]


# Runs in both interpreters: the Python API with a recording `tqdm_class` and with groups of bars disabled.
API_SCRIPT = textwrap.dedent(
    """
    import json, re, sys
    from tqdm.auto import tqdm as base_tqdm
    from huggingface_hub import hf_hub_download, snapshot_download
    from huggingface_hub.utils import disable_progress_bars, enable_progress_bars

    home = sys.argv[1]
    bars = []

    class Recording(base_tqdm):
        def __init__(self, *args, **kwargs):
            self.record = {"kwargs": sorted(k for k in kwargs if k != "disable"), "desc": kwargs.get("desc"),
                           "total": kwargs.get("total"), "unit": kwargs.get("unit"),
                           "bar_format": kwargs.get("bar_format"), "updates": 0}
            bars.append(self.record)
            super().__init__(*args, **{**kwargs, "disable": True})

        def update(self, n=1):
            self.record["updates"] += n or 0
            return super().update(n)

    snapshot_download("alice/demo", cache_dir=home + "/c1", tqdm_class=Recording)
    hf_hub_download("alice/demo", "weights/model.bin", cache_dir=home + "/c2", tqdm_class=Recording)
    hf_hub_download("alice/demo", "config.json", local_dir=home + "/out", tqdm_class=Recording)
    snapshot_download("alice/demo", cache_dir=home + "/c1", dry_run=True, tqdm_class=Recording)
    for bar in bars:  # a signed URL's tail changes with every request
        bar["desc"] = re.sub(r"^\\(…\\)[0-9a-f]{40}$", "<signed URL tail>", bar["desc"] or "")
    print(json.dumps(bars))
    disable_progress_bars("huggingface_hub.snapshot_download")
    snapshot_download("alice/demo", cache_dir=home + "/c3", allow_patterns="data/*")
    enable_progress_bars()
    disable_progress_bars("huggingface_hub.http_get")
    hf_hub_download("alice/demo", "data/a.txt", cache_dir=home + "/c4")
    enable_progress_bars()
    hf_hub_download("alice/demo", "data/sub/b.txt", cache_dir=home + "/c4")
    disable_progress_bars()
    snapshot_download("alice/demo", cache_dir=home + "/c5")
    """
)


def test_api_bars_tqdm_class_and_groups_match_upstream(hub, upstream_python: Path, tmp_path: Path) -> None:
    local_hub, token = hub
    results = []
    for name, python in (("ours", sys.executable), ("theirs", upstream_python)):
        home = tmp_path / name
        env = environment(local_hub, token, home, TQDM_POSITION="-1")
        code, stdout, stderr = run([str(python), "-c", API_SCRIPT, str(home)], env, terminal=False)
        assert code == 0, stderr[-3000:]
        frames = [frame for frame in final_frames(stderr) if not frame.startswith(TRANSIENT)]
        results.append((json.loads(stdout.strip().splitlines()[-1]), normalise(frames, home, terminal=False)))
    (ours, our_screen), (theirs, their_screen) = results
    assert ours == theirs
    assert [bar["desc"] for bar in ours][:3] == [
        "Downloading bytes",
        "Reconstructing (incomplete total...)",
        "Fetching 6 files",
    ]
    assert "<signed URL tail>" in [bar["desc"] for bar in ours]
    assert our_screen == their_screen
    # Group switches: the snapshot's byte bars and the single-file bar were off, "Fetching" and the rest drawn.
    assert any(line.startswith("Fetching 2 files: 100%") for line in our_screen), our_screen
    assert not any(line.startswith("Fetching 6 files") for line in our_screen), our_screen  # all disabled
