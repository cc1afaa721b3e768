"""``hf download``: files or whole snapshots from the Hub, into the cache or a local folder.

One plain filename goes through ``hf_hub_download``; anything else (several files, folders given as
``dir/``, include/exclude patterns, nothing at all) through ``snapshot_download`` so that every file comes
from the same revision.
"""

import warnings
from typing import Annotated

from huggingface_hub import constants
from huggingface_hub._snapshot_download import snapshot_download
from huggingface_hub.errors import CLIError
from huggingface_hub.file_download import DryRunFileInfo, hf_hub_download
from huggingface_hub.utils import _format_size, parse_hf_uri

from ._cli_utils import RepoIdArg, RepoType, RepoTypeOptionalOpt, RevisionOpt, TokenOpt
from ._framework import Argument, Option
from ._output import out

DOWNLOAD_EXAMPLES = [
    "hf download meta-llama/Llama-3.2-1B-Instruct",
    "hf download meta-llama/Llama-3.2-1B-Instruct config.json tokenizer.json",
    'hf download meta-llama/Llama-3.2-1B-Instruct --include "*.safetensors" --exclude "*.bin"',
    "hf download meta-llama/Llama-3.2-1B-Instruct --local-dir ./models/llama",
    "hf download HuggingFaceM4/FineVision art/ --repo-type dataset",
    "hf download hf://datasets/HuggingFaceH4/ultrachat_200k",
]


def download(
    repo_id: RepoIdArg,
    filenames: Annotated[
        list[str] | None, Argument(help="Files to download (e.g. `config.json`, `data/metadata.jsonl`).")
    ] = None,
    repo_type: RepoTypeOptionalOpt = None,
    revision: RevisionOpt = None,
    include: Annotated[
        list[str] | None, Option(help="Glob patterns to include from files to download. eg: *.json")
    ] = None,
    exclude: Annotated[list[str] | None, Option(help="Glob patterns to exclude from files to download.")] = None,
    cache_dir: Annotated[str | None, Option(help="Directory where to save files.")] = None,
    local_dir: Annotated[
        str | None,
        Option(
            help="If set, the downloaded file will be placed under this directory. Check out "
            "https://huggingface.co/docs/huggingface_hub/guides/download#download-files-to-a-local-folder "
            "for more details."
        ),
    ] = None,
    force_download: Annotated[
        bool, Option(help="If True, the files will be downloaded even if they are already cached.")
    ] = False,
    dry_run: Annotated[bool, Option(help="If True, perform a dry run without actually downloading the file.")] = False,
    token: TokenOpt = None,
    max_workers: Annotated[
        int, Option(help="Maximum number of workers to use for downloading files. Default is 8.")
    ] = 8,
) -> None:
    """Download files from the Hub."""
    if local_dir is not None and cache_dir is not None:
        raise CLIError(
            "Cannot use both `--local-dir` and `--cache-dir` at the same time. "
            "Use `--cache-dir` (or set the HF_HOME environment variable) for shared caching, "
            "or `--local-dir` for a one-off download to a specific directory."
        )
    repo_type_name = (repo_type or RepoType.model).value
    if repo_id.startswith(constants.HF_PROTOCOL):
        # Decided on the prefix (what the user meant), not on whether it parses: a malformed URI then fails
        # with the parser's precise `HfUriError` instead of later, as an odd repo id.
        repo_id, repo_type_name, revision, filenames = _from_uri(repo_id, repo_type, revision, filenames)

    requested = filenames or []
    folders = [name for name in requested if name.endswith("/")]
    files = [name for name in requested if not name.endswith("/")]
    if folders and include:
        raise CLIError(
            f"Cannot combine subfolder argument ('{folders[0]}') with `--include`. "
            f'Please use `--include "{folders[0]}*"` instead.'
        )
    if folders and exclude:
        raise CLIError(
            f"Cannot combine subfolder argument ('{folders[0]}') with `--exclude`. "
            f'Please use `--include "{folders[0]}*"` with `--exclude` instead.'
        )
    if files and include:
        warnings.warn("Ignoring `--include` since filenames have been explicitly set.", stacklevel=2)
    if files and exclude:
        warnings.warn("Ignoring `--exclude` since filenames have been explicitly set.", stacklevel=2)

    common = dict(
        repo_id=repo_id,
        repo_type=repo_type_name,
        revision=revision,
        cache_dir=cache_dir,
        local_dir=local_dir,
        force_download=force_download,
        token=token,
        library_name="huggingface-cli",
        dry_run=dry_run,
    )
    result: str | DryRunFileInfo | list[DryRunFileInfo]
    if len(files) == 1 and not folders:
        result = hf_hub_download(filename=files[0], **common)  # type: ignore[arg-type]
    else:
        allow_patterns: list[str] | None = include
        ignore_patterns: list[str] | None = exclude
        if requested:  # explicit files and folders replace the patterns
            allow_patterns = files + [f"{name.rstrip('/')}/**" for name in folders]
            ignore_patterns = None
        result = snapshot_download(
            allow_patterns=allow_patterns,
            ignore_patterns=ignore_patterns,
            max_workers=max_workers,
            **common,  # type: ignore[arg-type]
        )
    _print_result(result)


def _from_uri(
    uri_text: str, repo_type: RepoType | None, revision: str | None, filenames: list[str] | None
) -> tuple[str, str, str | None, list[str] | None]:
    """Repo id, type, revision and filenames from an `hf://` URI, which is authoritative for all of them."""
    if repo_type is not None:
        raise CLIError(f"'--repo-type' cannot be used with an 'hf://' URI ('{uri_text}').")
    if revision is not None:
        raise CLIError(f"'--revision' cannot be used with an 'hf://' URI ('{uri_text}').")
    uri = parse_hf_uri(uri_text)
    if uri.is_bucket:
        raise CLIError("Buckets are not supported by `hf download`. Use `hf sync` instead.")
    path_in_repo = uri.path_in_repo
    # The parser drops a trailing '/', which is what makes a path a folder (`data/` -> `data/**`) below.
    if path_in_repo and uri_text.endswith("/"):
        path_in_repo += "/"
    if path_in_repo:
        if filenames:
            raise CLIError(
                f"Cannot combine a file path in the hf:// URI ('{path_in_repo}') with positional filenames {filenames}."
            )
        filenames = [path_in_repo]
    return uri.id, uri.type, uri.revision, filenames


def _print_result(result: str | DryRunFileInfo | list[DryRunFileInfo]) -> None:
    if isinstance(result, str):
        out.result("Downloaded", path=result)
        return
    infos = [result] if isinstance(result, DryRunFileInfo) else result
    planned = [info for info in infos if info.will_download]
    out.text(
        f"[dry-run] Will download {len(planned)} files (out of {len(infos)})"
        f" totalling {_format_size(sum(info.file_size for info in planned))}."
    )
    out.table(
        [
            {"file": info.filename, "size": _format_size(info.file_size) if info.will_download else "-"}
            for info in sorted(infos, key=lambda info: info.filename)
        ]
    )
