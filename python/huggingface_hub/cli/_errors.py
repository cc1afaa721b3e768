"""Turning exceptions into one-line CLI errors.

``hf`` prints a known exception as ``Error: <message>`` (exit code 1) instead of a traceback. The
messages are written for a terminal user: what went wrong and which ``hf`` command fixes it. The
first matching entry of ``CLI_ERROR_MAPPINGS`` wins, so subclasses come before their parents.
"""

import traceback
from collections.abc import Callable
from typing import Any

from huggingface_hub import errors


def _repo_label(error: Exception, fallback: str) -> str:
    return getattr(error, "repo_type", None) or fallback


def _repo_not_found(error: Any) -> str:
    repo_id, repo_type = getattr(error, "repo_id", None), getattr(error, "repo_type", None)
    label = repo_type.capitalize() if repo_type else "Repository"
    lines = [
        f"{label} '{repo_id}' not found." if repo_id else f"{label} not found.",
        "If the repo is private, make sure you are authenticated and your token has the required permissions.",
    ]
    if repo_id is None:
        lines.append("If the repo does not exist, create it with: hf repos create <repo_id>")
    else:
        type_flag = f" --type {repo_type}" if repo_type and repo_type != "model" else ""
        lines.append(f"If the repo does not exist, create it with: hf repos create {repo_id}{type_flag}")
    return "\n".join(lines)


def _gated_repo(error: Any) -> str:
    label = _repo_label(error, "repository")
    repo_id = getattr(error, "repo_id", None)
    if repo_id:
        return f"Access denied. {label.capitalize()} '{repo_id}' requires approval."
    return f"Access denied. This {label} requires approval."


def _bucket_not_found(error: Any) -> str:
    bucket_id = getattr(error, "bucket_id", None)
    first = f"Bucket '{bucket_id}' not found." if bucket_id else "Bucket not found."
    return "\n".join(
        [
            first,
            "If the bucket is private, make sure you are authenticated and your token has the required permissions.",
            f"If the bucket does not exist, create it with: hf buckets create {bucket_id or '<bucket_id>'}",
        ]
    )


def _remote_entry_not_found(error: Any) -> str:
    label = _repo_label(error, "repository")
    repo_id = getattr(error, "repo_id", None)
    message = f"File not found in {label} '{repo_id}'." if repo_id else f"File not found in {label}."
    response = getattr(error, "response", None)
    if response is not None:
        message += f"\nURL: {response.url}"
    return message


def _local_entry_not_found(error: Exception) -> str:
    # The cause (e.g. the offline-mode error) says why the file was looked for locally at all.
    return f"Local entry not found. {error.__cause__ if error.__cause__ is not None else error}"


def _incomplete_snapshot(error: Any) -> str:
    return f"{_local_entry_not_found(error)}\nIncomplete snapshot available at: {error.snapshot_path}"


def _revision_not_found(error: Any) -> str:
    label = _repo_label(error, "repository")
    repo_id = getattr(error, "repo_id", None)
    if repo_id:
        return f"Revision not found in {label} '{repo_id}'."
    return f"Revision not found in {label}. Check the revision parameter."


def _extension_install_failed(error: Exception) -> str:
    # The failing step is usually a subprocess: its traceback is the useful part, then our one-liner.
    cause = error.__cause__
    details = "".join(traceback.format_exception(type(cause), cause, cause.__traceback__)) if cause else ""
    return f"{details}\n{error}"


def _plain(error: Exception) -> str:
    return str(error)


def _mappings() -> dict[type[Exception], Callable[[Any], str]]:
    """The ordered exception -> message table (classes not defined by ``errors`` are skipped)."""
    entries: list[tuple[str, Callable[[Any], str]]] = [
        ("OfflineModeIsEnabled", _plain),
        ("GatedRepoError", _gated_repo),  # before RepositoryNotFoundError, its parent
        ("BucketNotFoundError", _bucket_not_found),
        ("RepositoryNotFoundError", _repo_not_found),
        ("RevisionNotFoundError", _revision_not_found),
        ("LocalTokenNotFoundError", lambda _: "Not logged in. Run 'hf auth login' first."),
        ("OIDCError", lambda error: f"OIDC Exchange failed. {error}"),
        ("DeviceCodeError", lambda error: f"Login failed: {error}"),
        ("RemoteEntryNotFoundError", _remote_entry_not_found),
        ("IncompleteSnapshotError", _incomplete_snapshot),  # before LocalEntryNotFoundError, its parent
        ("LocalEntryNotFoundError", _local_entry_not_found),
        ("EntryNotFoundError", _plain),
        ("HfHubHTTPError", _plain),
        ("HfUriError", lambda error: f"Invalid HF URI: {error.uri}. {error.msg}"),
        ("ValueError", lambda error: f"Invalid value. {error}"),
        ("CLIExtensionInstallError", _extension_install_failed),
        ("CLIError", _plain),
    ]
    table: dict[type[Exception], Callable[[Any], str]] = {}
    for name, render in entries:
        exc_type = ValueError if name == "ValueError" else getattr(errors, name, None)
        if isinstance(exc_type, type):
            table[exc_type] = render
    return table


CLI_ERROR_MAPPINGS: dict[type[Exception], Callable[[Any], str]] = _mappings()


def format_known_exception(error: BaseException) -> str | None:
    """The CLI message for ``error``, or None when it is not a known error (its traceback is then shown)."""
    for exc_type, render in CLI_ERROR_MAPPINGS.items():
        if isinstance(error, exc_type):
            return render(error)
    return None
