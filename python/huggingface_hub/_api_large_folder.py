"""`HfApi.upload_large_folder`, the deprecated resumable multi-commit upload (see `_upload_large_folder`)."""

import warnings
from pathlib import Path

from ._upload_large_folder import upload_large_folder_internal


class LargeFolderMixin:
    def upload_large_folder(
        self,
        repo_id: str,
        folder_path: str | Path,
        *,
        repo_type: str,
        revision: str | None = None,
        private: bool | None = None,
        allow_patterns: list[str] | str | None = None,
        ignore_patterns: list[str] | str | None = None,
        num_workers: int | None = None,
        print_report: bool = True,
        print_report_every: int = 60,
    ) -> None:
        """Upload a large folder to the Hub in many commits, in a way that survives interruptions.

        > [!WARNING]
        > Deprecated: [`upload_folder`] now makes several commits for large folders and resumes after an interruption;
        > use it instead.

        Worker threads hash the files, ask the Hub how to store them, upload the LFS ones and commit them in batches
        (commit message `"Add files using upload-large-folder tool"`). The state of every file is saved under
        `<folder_path>/.cache/huggingface/upload/` after each step, so running the same call again after an
        interruption continues where it stopped: committed files are skipped, uploaded LFS objects are not sent again.

        Args:
            repo_id (`str`):
                The repository, e.g. `"HuggingFaceTB/smollm-corpus"`; created if missing.
            folder_path (`str` or `Path`):
                The local folder; its layout is the repository's (no `path_in_repo`).
            repo_type (`str`):
                `"model"`, `"dataset"` or `"space"`. Required here, unlike elsewhere, so that a large upload does not
                go to the wrong kind of repository by default.
            revision (`str`, *optional*):
                Branch to commit to (`"main"` by default). To open a pull request, create it first and pass its
                `refs/pr/N` here.
            private (`bool`, *optional*):
                Visibility of the repository if it is created; `None` follows the organization's default.
            allow_patterns (`list[str]` or `str`, *optional*):
                Only files matching at least one of these patterns are uploaded.
            ignore_patterns (`list[str]` or `str`, *optional*):
                Files matching any of these patterns are not uploaded (`.git/` and `.cache/huggingface/` never are).
            num_workers (`int`, *optional*):
                Number of worker threads; half the CPU cores by default (at least 1). Fewer workers on a slow
                connection resume better: a partly uploaded file is sent again in full.
            print_report (`bool`, *optional*, defaults to `True`):
                Print a progress report to stdout, each one over the previous one.
            print_report_every (`int`, *optional*, defaults to 60):
                Seconds between two reports.

        Raises:
            `ValueError`: if `repo_type` is missing or unknown, or `folder_path` is not a folder.

        > [!TIP]
        > Repository limits still apply (https://huggingface.co/docs/hub/repositories-recommendations): the upload warns
        > beyond 100k files, 10k entries in one folder, or files over 20 GB. Do not run two uploads of the same folder
        > at once, nor upload one folder to several repositories without deleting `.cache/huggingface/` in between.

        Workers choose their next job in this order: a commit if the last attempt was over 5 minutes ago; a commit if
        150 files are ready; asking the Hub about 100 files; an LFS upload if nobody is uploading; hashing if nobody
        is hashing; asking the Hub if nobody is; then any upload, hashing or question; a commit if the last attempt
        was over a minute ago, or if nothing else is left to do. Only one commit runs at a time.
        """
        warnings.warn(
            "\n"
            "================================================================================\n"
            "`upload_large_folder` is DEPRECATED and will be removed in a future release.\n"
            "\n"
            "Use `upload_folder` instead:\n"
            "\n"
            f'    api.upload_folder(repo_id="{repo_id}", repo_type="{repo_type}", folder_path="{folder_path}")\n'
            "================================================================================\n",
            FutureWarning,
            stacklevel=2,
        )
        return upload_large_folder_internal(
            self,  # type: ignore[arg-type]  # a mixin of HfApi
            repo_id=repo_id,
            folder_path=folder_path,
            repo_type=repo_type,
            revision=revision,
            private=private,
            allow_patterns=allow_patterns,
            ignore_patterns=ignore_patterns,
            num_workers=num_workers,
            print_report=print_report,
            print_report_every=print_report_every,
        )
