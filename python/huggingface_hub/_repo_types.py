"""Data types for the content of a repository: files and folders, their blobs, refs and commits.

The Hub's JSON keys are mapped to Python attribute names here, in one place. Classes built from an answer take the
answer's keys as keyword arguments and keep keys they do not know as extra attributes, so a field added by the Hub
never breaks parsing.
"""

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from .utils._datetime import parse_datetime


def _mirror_fields(obj: dict) -> None:
    """Copy the dataclass fields of `obj` into its dict, for the classes that are also dicts (older releases
    returned plain dicts, and `info["size"]` must keep working)."""
    obj.update({f.name: getattr(obj, f.name) for f in fields(obj)})  # type: ignore[arg-type]


@dataclass
class LastCommitInfo(dict):
    """The last commit that changed a file or folder (`lastCommit` of an expanded tree listing).

    Attributes:
        oid (`str`): the commit id.
        title (`str`): its title.
        date (`datetime`): its date.
    """

    oid: str
    title: str
    date: datetime

    def __post_init__(self) -> None:
        _mirror_fields(self)


@dataclass
class BlobLfsInfo(dict):
    """LFS details of a file.

    Attributes:
        size (`int`): size of the content, in bytes.
        sha256 (`str`): SHA-256 of the content (the LFS object id).
        pointer_size (`int`): size of the pointer file stored in git, in bytes.
    """

    size: int
    sha256: str
    pointer_size: int

    def __post_init__(self) -> None:
        _mirror_fields(self)


@dataclass
class BlobSecurityInfo(dict):
    """Result of the Hub's security scans of a file.

    Attributes:
        safe (`bool`): whether `status` is `"safe"`.
        status (`str`): overall status, e.g. `"safe"`, `"unscanned"`, `"suspicious"`.
        av_scan (`dict`, *optional*): antivirus scan result.
        pickle_import_scan (`dict`, *optional*): pickle imports scan result.
    """

    safe: bool
    status: str
    av_scan: dict | None
    pickle_import_scan: dict | None

    def __post_init__(self) -> None:
        _mirror_fields(self)


@dataclass
class TransformersInfo(dict):
    """How `transformers` loads a model (`transformersInfo`).

    Attributes:
        auto_model (`str`): the auto class, e.g. `"AutoModelForCausalLM"`.
        custom_class (`str`, *optional*): custom class when the model ships its own code.
        pipeline_tag (`str`, *optional*): the pipeline task.
        processor (`str`, *optional*): the processor class, e.g. `"AutoTokenizer"`.
    """

    auto_model: str
    custom_class: str | None = None
    pipeline_tag: str | None = None
    processor: str | None = None

    def __post_init__(self) -> None:
        _mirror_fields(self)


@dataclass
class SafeTensorsInfo(dict):
    """Parameter counts of a model stored as safetensors.

    Attributes:
        parameters (`dict[str, int]`): number of parameters per dtype, e.g. `{"F32": 124439808}`.
        total (`int`): total number of parameters.
    """

    parameters: dict[str, int]
    total: int

    def __post_init__(self) -> None:
        _mirror_fields(self)


@dataclass
class RepoSibling:
    """A file listed in the `siblings` of a repository info.

    Only `rfilename` is always known: `size`, `blob_id` and `lfs` come with `files_metadata=True` on
    [`HfApi.model_info`] and siblings (never with the listings such as [`HfApi.list_models`]).

    Attributes:
        rfilename (`str`): path of the file relative to the repository root.
        size (`int`, *optional*): size in bytes.
        blob_id (`str`, *optional*): git blob id.
        lfs ([`BlobLfsInfo`], *optional*): LFS details, for files stored with LFS.
    """

    rfilename: str
    size: int | None = None
    blob_id: str | None = None
    lfs: BlobLfsInfo | None = None


def parse_siblings(siblings: list[dict] | None) -> list[RepoSibling] | None:
    """`RepoSibling`s from the `siblings` of an info answer (whose `lfs` has `sha256`, unlike tree entries)."""
    if siblings is None:
        return None
    return [
        RepoSibling(
            rfilename=sibling["rfilename"],
            size=sibling.get("size"),
            blob_id=sibling.get("blobId"),
            lfs=_lfs_info(sibling.get("lfs"), sha_key="sha256"),
        )
        for sibling in siblings
    ]


def _lfs_info(lfs: dict | None, *, sha_key: str) -> BlobLfsInfo | None:
    if not lfs:
        return None
    return BlobLfsInfo(size=lfs["size"], sha256=lfs[sha_key], pointer_size=lfs["pointerSize"])


def _last_commit(data: dict | None) -> LastCommitInfo | None:
    if data is None:
        return None
    return LastCommitInfo(oid=data["id"], title=data["title"], date=parse_datetime(data["date"]))


@dataclass
class RepoFile:
    """A file of a repository, from [`HfApi.list_repo_tree`] or [`HfApi.get_paths_info`].

    Attributes:
        path (`str`): path relative to the repository root.
        size (`int`): size in bytes.
        blob_id (`str`): git blob id.
        lfs ([`BlobLfsInfo`], *optional*): LFS details, for files stored with LFS or Xet.
        xet_hash (`str`, *optional*): Xet hash of the content.
        last_commit ([`LastCommitInfo`], *optional*): last commit that changed the file (with `expand=True`).
        security ([`BlobSecurityInfo`], *optional*): security scan results (with `expand=True`).

    `rfilename` and `lastCommit` are kept as aliases of `path` and `last_commit`.
    """

    path: str
    size: int
    blob_id: str
    lfs: BlobLfsInfo | None = None
    xet_hash: str | None = None
    last_commit: LastCommitInfo | None = None
    security: BlobSecurityInfo | None = None

    def __init__(self, **kwargs: Any) -> None:
        self.path = kwargs.pop("path")
        self.size = kwargs.pop("size")
        self.blob_id = kwargs.pop("oid")
        self.lfs = _lfs_info(kwargs.pop("lfs", None), sha_key="oid")
        self.xet_hash = kwargs.pop("xetHash", None)
        self.last_commit = _last_commit(kwargs.pop("lastCommit", None) or kwargs.pop("last_commit", None))
        security = kwargs.pop("securityFileStatus", None)
        self.security = (
            BlobSecurityInfo(
                safe=security["status"] == "safe",
                status=security["status"],
                av_scan=security["avScan"],
                pickle_import_scan=security["pickleImportScan"],
            )
            if security is not None
            else None
        )
        # Names of older releases.
        self.rfilename = self.path
        self.lastCommit = self.last_commit


@dataclass
class RepoFolder:
    """A folder of a repository, from [`HfApi.list_repo_tree`] or [`HfApi.get_paths_info`].

    Attributes:
        path (`str`): path relative to the repository root.
        tree_id (`str`): git tree id.
        last_commit ([`LastCommitInfo`], *optional*): last commit that changed the folder (with `expand=True`).
    """

    path: str
    tree_id: str
    last_commit: LastCommitInfo | None = None

    def __init__(self, **kwargs: Any) -> None:
        self.path = kwargs.pop("path")
        self.tree_id = kwargs.pop("oid")
        self.last_commit = _last_commit(kwargs.pop("lastCommit", None) or kwargs.pop("last_commit", None))


def parse_tree_entry(entry: dict) -> RepoFile | RepoFolder:
    """A tree or paths-info entry: `type == "file"` is a file, anything else (the Hub says `"directory"`) a folder."""
    return RepoFile(**entry) if entry["type"] == "file" else RepoFolder(**entry)


@dataclass
class GitRefInfo:
    """A git reference of a repository.

    Attributes:
        name (`str`): short name, e.g. `"main"` or `"v1.0"`.
        ref (`str`): full name, e.g. `"refs/heads/main"` or `"refs/tags/v1.0"`.
        target_commit (`str`): id of the commit it points to.
    """

    name: str
    ref: str
    target_commit: str


@dataclass
class GitRefs:
    """All references of a repository ([`HfApi.list_repo_refs`]).

    Attributes:
        branches (`list[GitRefInfo]`): the branches.
        converts (`list[GitRefInfo]`): the "convert" refs (e.g. `refs/convert/parquet`, written by the Hub).
        tags (`list[GitRefInfo]`): the tags.
        pull_requests (`list[GitRefInfo]`, *optional*): the pull request refs (`refs/pr/N`); only when asked for.
    """

    branches: list[GitRefInfo]
    converts: list[GitRefInfo]
    tags: list[GitRefInfo]
    pull_requests: list[GitRefInfo] | None = None


def parse_git_ref(item: dict) -> GitRefInfo:
    return GitRefInfo(name=item["name"], ref=item["ref"], target_commit=item["targetCommit"])


@dataclass
class GitCommitInfo:
    """A commit of a repository ([`HfApi.list_repo_commits`]).

    Attributes:
        commit_id (`str`): the commit id.
        authors (`list[str]`): user names of its authors.
        created_at (`datetime`): its date.
        title (`str`): its title.
        message (`str`): its description (may be empty).
        formatted_title (`str`, *optional*): the title as HTML (with `formatted=True`).
        formatted_message (`str`, *optional*): the description as HTML (with `formatted=True`).
    """

    commit_id: str
    authors: list[str]
    created_at: datetime
    title: str
    message: str
    formatted_title: str | None
    formatted_message: str | None


def parse_git_commit(item: dict) -> GitCommitInfo:
    formatted = item.get("formatted") or {}
    return GitCommitInfo(
        commit_id=item["id"],
        authors=[author["user"] for author in item["authors"]],
        created_at=parse_datetime(item["date"]),
        title=item["title"],
        message=item["message"],
        formatted_title=formatted.get("title"),
        formatted_message=formatted.get("message"),
    )


@dataclass
class LFSFileInfo:
    """An LFS object stored for a repository ([`HfApi.list_lfs_files`]).

    Objects are listed by content, not by path: one object may be referenced by several paths and commits, and
    `filename` is only one of them.

    Attributes:
        file_oid (`str`): SHA-256 of the object; the id to give to [`HfApi.permanently_delete_lfs_files`].
        filename (`str`): one path that referenced it.
        oid (`str`): the LFS object id.
        pushed_at (`datetime`): when it was uploaded.
        ref (`str`, *optional*): the ref it was pushed to, if known.
        size (`int`): its size in bytes.
    """

    file_oid: str
    filename: str
    oid: str
    pushed_at: datetime
    ref: str | None
    size: int

    def __init__(self, **kwargs: Any) -> None:
        self.file_oid = kwargs.pop("fileOid")
        self.filename = kwargs.pop("filename")
        self.oid = kwargs.pop("oid")
        self.pushed_at = parse_datetime(kwargs.pop("pushedAt"))
        self.ref = kwargs.pop("ref", None)
        self.size = kwargs.pop("size")
        self.__dict__.update(kwargs)
