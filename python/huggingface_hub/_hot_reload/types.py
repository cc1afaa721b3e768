"""JSON shapes of a Space app's reload server (the Gradio side of `hf spaces hot-reload`), as typed dictionaries.

A reload is identified by its ``reloadId`` (the hot-reload commit's sha). The server streams what it did while
applying the new file as events whose ``data`` is one of the ``ReloadOperation*`` objects below. Regions are
1-based line and column spans of the reloaded file.
"""

from typing import Literal, TypedDict

from typing_extensions import NotRequired


class ReloadRegion(TypedDict):
    startLine: int
    startCol: int
    endLine: int
    endCol: int


class ReloadOperationObject(TypedDict):
    """A function, class or variable added, updated or deleted."""

    kind: Literal["add", "update", "delete"]
    region: ReloadRegion
    objectType: str
    objectName: str


class ReloadOperationRun(TypedDict):
    """Module-level code run again, with what it printed."""

    kind: Literal["run"]
    region: ReloadRegion
    codeLines: str
    stdout: NotRequired[str]
    stderr: NotRequired[str]


class ReloadOperationException(TypedDict):
    """Code of the new file that raised."""

    kind: Literal["exception"]
    region: ReloadRegion
    traceback: str


class ReloadOperationError(TypedDict):
    """The reload itself failed."""

    kind: Literal["error"]
    traceback: str


class ReloadOperationUI(TypedDict):
    """Whether the Gradio UI was rebuilt."""

    kind: Literal["ui"]
    updated: bool


class ReloadOperationFile(TypedDict):
    """The file was written (created, or updated in place)."""

    kind: Literal["file"]
    created: bool


class ApiCreateReloadRequest(TypedDict):
    filepath: str
    contents: str
    reloadId: NotRequired[str]


class ApiCreateReloadResponseSuccess(TypedDict):
    status: Literal["created"]
    reloadId: str


class ApiCreateReloadResponseError(TypedDict):
    status: Literal["alreadyReloading", "fileNotFound"]


class ApiCreateReloadResponse(TypedDict):
    res: ApiCreateReloadResponseError | ApiCreateReloadResponseSuccess


class ApiGetReloadRequest(TypedDict):
    reloadId: str


class ApiGetReloadEventSourceData(TypedDict):
    data: (
        ReloadOperationError
        | ReloadOperationException
        | ReloadOperationObject
        | ReloadOperationRun
        | ReloadOperationUI
        | ReloadOperationFile
    )


class ApiGetStatusRequest(TypedDict):
    revision: str


class ApiGetStatusResponse(TypedDict):
    reloading: bool
    uncommited: list[str]  # sic: the reload server's spelling


class ApiFetchContentsRequest(TypedDict):
    filepath: str


class ApiFetchContentsResponseError(TypedDict):
    status: Literal["fileNotFound"]


class ApiFetchContentsResponseSuccess(TypedDict):
    status: Literal["ok"]
    contents: str


class ApiFetchContentsResponse(TypedDict):
    res: ApiFetchContentsResponseError | ApiFetchContentsResponseSuccess
