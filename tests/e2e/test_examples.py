"""The README's main job (examples/offline_download.py) works offline against the bundled local Hub."""

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_offline_download_example_runs_end_to_end(tmp_path):
    env = {**os.environ, "HF_HOME": str(tmp_path / "home"), "HF_HUB_DISABLE_TELEMETRY": "1"}
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "examples" / "offline_download.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✓ Downloaded" in result.stdout
    assert result.stdout.count(" ok\n") == 3
