"""The main job, offline: start the bundled local Hub, publish a small model repo, download it with `hf download`.

Run from the repository root after `pip install .`:

    python examples/offline_download.py

Everything happens on 127.0.0.1; nothing reaches huggingface.co. The repository is published with
`HfApi.create_repo` + `upload_folder`, then downloaded with `hf download` into the cache and with
`snapshot_download` into a local folder.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from huggingface_hub import HfApi, snapshot_download
from huggingface_hub.local_hub import LocalHub

FILES = {
    "config.json": json.dumps({"model_type": "demo", "hidden_size": 64}, indent=2).encode(),
    "README.md": b"---\nlicense: apache-2.0\n---\n# A demo model served by the local Hub\n",
    "weights/layer0.bin": os.urandom(256 * 1024),
}


def publish(endpoint: str, token: str, repo_id: str, scratch: Path) -> None:
    source = scratch / "to-upload"
    for path, data in FILES.items():
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_bytes(data)
    api = HfApi(endpoint=endpoint, token=token)
    api.create_repo(repo_id)
    api.upload_folder(folder_path=source, repo_id=repo_id, commit_message="Add demo model")


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch, LocalHub(Path(scratch) / "hub-data") as hub:
        token = hub.create_user("demo")
        print(f"local Hub listening on {hub.endpoint}")
        publish(hub.endpoint, token, "demo/tiny-model", Path(scratch))
        print("published demo/tiny-model:", ", ".join(FILES))

        env = {
            **os.environ,
            "HF_ENDPOINT": hub.endpoint,
            "HF_TOKEN": token,
            "HF_HOME": str(Path(scratch) / "hf-home"),
            "HF_HUB_DISABLE_UPDATE_CHECK": "1",
        }
        command = ["hf", "download", "demo/tiny-model", "config.json"]
        print("$", " ".join(command))
        subprocess.run([sys.executable, "-m", "huggingface_hub.cli.hf", *command[1:]], env=env, check=True)

        target = Path(scratch) / "tiny-model"
        folder = snapshot_download("demo/tiny-model", local_dir=target, endpoint=hub.endpoint, token=token)
        print(f"snapshot_download -> {folder}")
        for path, data in FILES.items():
            received = (target / path).read_bytes()
            status = "ok" if received == data else "MISMATCH"
            print(
                f"  {path:22} {len(received):>8} bytes  sha256 {hashlib.sha256(received).hexdigest()[:16]}  {status}"
            )
            if received != data:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
