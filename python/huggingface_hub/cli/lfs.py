"""``hf lfs-enable-largefiles`` and ``hf lfs-multipart-upload`` (both hidden): pushing files over 5 GB with git.

The Hub's LFS batch API answers large objects with a multipart upload (one pre-signed URL per part, a completion
URL) that plain git-lfs cannot use. ``lfs-enable-largefiles`` registers ``hf lfs-multipart-upload`` as the
repository's git-lfs *custom transfer agent* named ``multipart``; git-lfs then starts it and talks to it in JSON
lines (https://github.com/git-lfs/git-lfs/blob/main/docs/custom-transfers.md):

1. git-lfs sends ``{"event": "init", "operation": "upload", ...}``; the agent answers ``{}``;
2. for each object, ``{"event": "upload", "oid", "size", "path", "action": {"href", "header"}}``, where ``href`` is
   the completion URL and ``header`` holds ``chunk_size`` and the part URLs under keys ``"1"``..``"N"``; the
   agent sends ``progress`` events, the parts (in parallel, through the Rust transfer engine), the completion
   request, then ``{"event": "complete", "oid"}`` (with an ``error`` object if it failed);
3. ``{"event": "terminate"}`` ends the agent.
"""

import json
import os
import subprocess
import sys
from typing import Annotated, Any

from huggingface_hub.errors import CLIError
from huggingface_hub.lfs import LFS_MULTIPART_UPLOAD_COMMAND

from ..lfs import LFS_HEADERS, UploadInfo, _completion_payload, _get_sorted_parts_urls, _send_file_parts
from ..lfs import SliceFileObj as SliceFileObj  # noqa: F401  (upstream's module exposes it)
from ..utils import get_session as get_session  # noqa: F401  (upstream's module exposes it)
from ..utils import hf_raise_for_status, http_backoff, logging
from ._framework import Argument
from ._output import out

logger = logging.get_logger(__name__)

# Error code of the answer to an init message for another operation than upload (what upstream's agent sends).
_WRONG_OPERATION_CODE = 32


def lfs_enable_largefiles(
    path: Annotated[str, Argument(help="Local path to repository you want to configure.")],
) -> None:
    """
    Configure your repository to enable upload of files > 5GB.

    This command sets up git-lfs to use the custom multipart transfer agent
    which enables efficient uploading of large files in chunks.
    """
    local_path = os.path.abspath(path)
    if not os.path.isdir(local_path):
        raise CLIError("This does not look like a valid git repo.")
    subprocess.run(["git", "config", "lfs.customtransfer.multipart.path", "hf"], check=True, cwd=local_path)
    subprocess.run(
        ["git", "config", "lfs.customtransfer.multipart.args", LFS_MULTIPART_UPLOAD_COMMAND],
        check=True,
        cwd=local_path,
    )
    out.result("Local repo set up for largefiles", path=local_path)


def write_msg(msg: dict) -> None:
    """Send one message to git-lfs: a JSON object on one line of stdout."""
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


def read_msg() -> dict | None:
    """The next transfer request from git-lfs (stdin), or `None` when it says to terminate.

    Anything other than an upload or download request ends the process (exit code 1).
    """
    msg = json.loads(sys.stdin.readline().strip())
    if "terminate" in (msg.get("type"), msg.get("event")):
        return None
    if msg.get("event") not in ("download", "upload"):
        logger.critical("Received unexpected message")
        sys.exit(1)
    return msg


def lfs_multipart_upload() -> None:
    """Internal git-lfs custom transfer agent for multipart uploads.

    This function implements the custom transfer protocol for git-lfs multipart uploads.
    Handles chunked uploads of large files to Hugging Face Hub.
    """
    init = json.loads(sys.stdin.readline().strip())
    if not (init.get("event") == "init" and init.get("operation") == "upload"):
        write_msg({"error": {"code": _WRONG_OPERATION_CODE, "message": "Wrong lfs init operation"}})
        sys.exit(1)
    write_msg({})

    while (msg := read_msg()) is not None:
        oid = msg["oid"]
        # An early progress event: git-lfs holds back its other transfers until the first one (else a full part).
        write_msg({"event": "progress", "oid": oid, "bytesSoFar": 1, "bytesSinceLast": 0})
        try:
            _upload(msg)
        except Exception as error:
            logger.error(f"Upload of {oid} failed: {error}")
            write_msg({"event": "complete", "oid": oid, "error": {"code": 2, "message": str(error)}})
            continue
        write_msg({"event": "complete", "oid": oid})
    sys.exit(0)


def _upload(msg: dict[str, Any]) -> None:
    """Send the parts of one object, then ask the Hub to assemble them."""
    oid, path = msg["oid"], msg["path"]
    header = dict(msg["action"].get("header") or {})
    chunk_size = int(header.pop("chunk_size"))
    info = UploadInfo(size=os.path.getsize(path), sample=b"", sha256=bytes.fromhex(oid))
    urls = _get_sorted_parts_urls(header, info, chunk_size)

    sent = 0

    def progress(delta: int) -> None:
        nonlocal sent
        sent += delta
        write_msg({"event": "progress", "oid": oid, "bytesSoFar": sent, "bytesSinceLast": delta})

    etags = _send_file_parts(path, info, urls, chunk_size, progress)
    completion = http_backoff("POST", msg["action"]["href"], json=_completion_payload(etags, oid), headers=LFS_HEADERS)
    hf_raise_for_status(completion)
