"""Data types of Spaces: stages, hardware and storage flavors, runtime, secrets, variables, volumes, templates.

The enums compare equal to their string values (`SpaceStage.RUNNING == "RUNNING"`), and the Hub's answers are
kept as given even when a value is not listed here (a new hardware flavor must not break parsing).
"""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Literal

from .utils._datetime import parse_datetime
from .utils._hf_uris import HfMount, HfUri


class SpaceStage(str, Enum):
    """Lifecycle stage of a Space, as reported in its runtime."""

    NO_APP_FILE = "NO_APP_FILE"
    CONFIG_ERROR = "CONFIG_ERROR"
    BUILDING = "BUILDING"
    BUILD_ERROR = "BUILD_ERROR"
    RUNNING = "RUNNING"
    RUNNING_BUILDING = "RUNNING_BUILDING"
    RUNTIME_ERROR = "RUNTIME_ERROR"
    DELETING = "DELETING"
    STOPPED = "STOPPED"
    PAUSED = "PAUSED"
    APP_STARTING = "APP_STARTING"
    RUNNING_APP_STARTING = "RUNNING_APP_STARTING"


# Stages a Space passes through on its own (waiting for a Space means waiting until it leaves them).
INTERMEDIATE_SPACE_STAGES = (
    SpaceStage.BUILDING,
    SpaceStage.RUNNING_BUILDING,
    SpaceStage.APP_STARTING,
    SpaceStage.RUNNING_APP_STARTING,
)
# Stages a Space stays in until something changes it.
TERMINAL_SPACE_STAGES = (
    SpaceStage.RUNNING,
    SpaceStage.BUILD_ERROR,
    SpaceStage.RUNTIME_ERROR,
    SpaceStage.CONFIG_ERROR,
    SpaceStage.NO_APP_FILE,
    SpaceStage.STOPPED,
    SpaceStage.PAUSED,
    SpaceStage.DELETING,
)


class SpaceHardware(str, Enum):
    """Hardware flavors a Space can run on."""

    CPU_BASIC = "cpu-basic"
    CPU_UPGRADE = "cpu-upgrade"
    ZERO_A10G = "zero-a10g"
    T4_SMALL = "t4-small"
    T4_MEDIUM = "t4-medium"
    L4X1 = "l4x1"
    L4X4 = "l4x4"
    L40SX1 = "l40sx1"
    L40SX4 = "l40sx4"
    L40SX8 = "l40sx8"
    A10G_SMALL = "a10g-small"
    A10G_LARGE = "a10g-large"
    A10G_LARGEX2 = "a10g-largex2"
    A10G_LARGEX4 = "a10g-largex4"
    A100_LARGE = "a100-large"
    A100X4 = "a100x4"
    A100X8 = "a100x8"


class SpaceStorage(str, Enum):
    """Persistent storage tiers of a Space (deprecated in favour of volumes)."""

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


@dataclass
class Volume:
    """A bucket or repository mounted in a Space or Job container.

    Built from keyword arguments in either spelling: the Hub's (`mountPath`, `readOnly`) or Python's
    (`mount_path`, `read_only`).

    Args:
        type (`str`): `"bucket"`, `"model"` (default), `"dataset"` or `"space"`.
        source (`str`): id of the bucket or repository, e.g. `"user/my-bucket"`.
        mount_path (`str`): absolute path in the container, e.g. `"/data"`.
        revision (`str`, *optional*): git revision, for repositories (`main` by default on the Hub).
        read_only (`bool`, *optional*): read-only mount (always the case for repositories).
        path (`str`, *optional*): folder inside the bucket or repository to mount instead of its root.
    """

    type: Literal["bucket", "model", "dataset", "space"]
    source: str
    mount_path: str
    revision: str | None = None
    read_only: bool | None = None
    path: str | None = None

    def __init__(self, **kwargs) -> None:
        self.type = kwargs.get("type", "model")
        self.source = kwargs["source"]
        self.mount_path = kwargs["mountPath"] if kwargs.get("mountPath") is not None else kwargs["mount_path"]
        self.revision = kwargs.get("revision")
        self.read_only = kwargs["readOnly"] if kwargs.get("readOnly") is not None else kwargs.get("read_only")
        self.path = kwargs.get("path")

    def to_dict(self) -> dict:
        """The JSON object the Hub expects; unset optional fields are left out."""
        data: dict = {"type": self.type, "source": self.source, "mountPath": self.mount_path}
        for key, value in (("revision", self.revision), ("readOnly", self.read_only), ("path", self.path)):
            if value is not None:
                data[key] = value
        return data

    def to_uri(self) -> str:
        """The mount as the CLI writes it, e.g. `hf://buckets/user/b/sub:/data:ro`."""
        source = HfUri(type=self.type, id=self.source, revision=self.revision, path_in_repo=self.path or "")
        return HfMount(source=source, mount_path=self.mount_path, read_only=self.read_only).to_uri()


@dataclass
class SpaceHotReloading:
    """State of a hot-reload request of a Space in dev mode.

    Attributes:
        status (`str`): `"created"` or `"canceled"`.
        replica_statuses (`list[tuple[str, str | None]]`): per replica, its id and reload status.
        raw (`dict`): the Hub's answer.
    """

    status: Literal["created", "canceled"]
    replica_statuses: list[tuple[str, str | None]]
    raw: dict

    def __init__(self, data: dict) -> None:
        self.status = data["status"]
        self.replica_statuses = data["replicaStatuses"]
        self.raw = data


@dataclass
class SpaceRuntime:
    """Current runtime of a Space.

    Attributes:
        stage (`str`): current [`SpaceStage`], e.g. `"RUNNING"`.
        hardware (`str`, *optional*): current hardware; `None` while a Space builds for the first time.
        requested_hardware (`str`, *optional*): hardware asked for, which may differ from `hardware` for a while.
        sleep_time (`int`, *optional*): seconds of inactivity before the Space sleeps (`gcTimeout`).
        storage (`str`, *optional*): persistent storage tier.
        dev_mode (`bool`): whether dev mode is on.
        hot_reloading ([`SpaceHotReloading`], *optional*): the last hot-reload request.
        volumes (`list[Volume]`, *optional*): mounted volumes; `None` when there are none.
        raw (`dict`): the Hub's answer (replicas, cpu, memory, ...).
    """

    stage: SpaceStage
    hardware: SpaceHardware | None
    requested_hardware: SpaceHardware | None
    sleep_time: int | None
    storage: SpaceStorage | None
    dev_mode: bool
    hot_reloading: SpaceHotReloading | None
    volumes: list[Volume] | None
    raw: dict

    def __init__(self, data: dict) -> None:
        hardware = data.get("hardware") or {}
        self.stage = data["stage"]
        self.hardware = hardware.get("current")
        self.requested_hardware = hardware.get("requested")
        self.sleep_time = data.get("gcTimeout")
        self.storage = data.get("storage")
        self.dev_mode = data.get("devMode", False)
        hot_reloading = data.get("hotReloading")
        self.hot_reloading = SpaceHotReloading(hot_reloading) if hot_reloading is not None else None
        volumes = data.get("volumes")
        self.volumes = [Volume(**volume) for volume in volumes] if volumes is not None else None
        self.raw = data


@dataclass
class SpaceSecret:
    """A secret of a Space. Values are write-only: the Hub never returns them.

    Attributes:
        key (`str`): name of the secret.
        description (`str`, *optional*): what it is for.
        updated_at (`datetime`, *optional*): last update.
    """

    key: str
    description: str | None
    updated_at: datetime | None

    def __init__(self, key: str, values: dict) -> None:
        self.key = key
        self.description = values.get("description")
        updated_at = values.get("updatedAt")
        self.updated_at = parse_datetime(updated_at) if updated_at is not None else None


@dataclass
class SpaceVariable:
    """A public environment variable of a Space.

    Attributes:
        key (`str`): name of the variable.
        value (`str`): its value.
        description (`str`, *optional*): what it is for.
        updated_at (`datetime`, *optional*): last update.
    """

    key: str
    value: str
    description: str | None
    updated_at: datetime | None

    def __init__(self, key: str, values: dict) -> None:
        self.key = key
        self.value = values["value"]
        self.description = values.get("description")
        updated_at = values.get("updatedAt")
        self.updated_at = parse_datetime(updated_at) if updated_at is not None else None


@dataclass
class SpaceSearchResult:
    """One hit of the semantic search of Spaces ([`HfApi.search_spaces`]).

    Attributes:
        id (`str`), author (`str`), title (`str`), emoji (`str`, *optional*), sdk (`str`, *optional*),
        likes (`int`), private (`bool`), tags (`list[str]`, *optional*), runtime ([`SpaceRuntime`], *optional*),
        ai_short_description (`str`, *optional*), ai_category (`str`, *optional*),
        semantic_relevancy_score (`float`, *optional*): relevance to the query, between 0 and 1,
        trending_score (`int`, *optional*).
    """

    id: str
    author: str
    title: str
    emoji: str | None
    sdk: str | None
    likes: int
    private: bool
    tags: list[str] | None
    runtime: SpaceRuntime | None
    ai_short_description: str | None
    ai_category: str | None
    semantic_relevancy_score: float | None
    trending_score: int | None

    def __init__(self, data: dict) -> None:
        runtime = data.get("runtime")
        self.id = data["id"]
        self.author = data.get("author", "")
        self.title = data.get("title", "")
        self.emoji = data.get("emoji")
        self.sdk = data.get("sdk")
        self.likes = data.get("likes", 0)
        self.private = data.get("private", False)
        self.tags = data.get("tags")
        self.runtime = SpaceRuntime(runtime) if runtime else None
        self.ai_short_description = data.get("ai_short_description")
        self.ai_category = data.get("ai_category")
        self.semantic_relevancy_score = data.get("semanticRelevancyScore")
        self.trending_score = data.get("trendingScore")


@dataclass
class SpaceTemplate:
    """An official Space template ([`HfApi.list_space_templates`]); pass its `repo_id` or `name` as
    `space_template` to [`HfApi.create_repo`].

    Attributes:
        name (`str`): short name, e.g. `"JupyterLab"`.
        repo_id (`str`): the template Space, e.g. `"SpacesExamples/jupyterlab"`.
        sdk (`str`): its SDK.
        preferred_private (`bool`): whether Spaces made from it should be private.
    """

    name: str
    repo_id: str
    sdk: str
    preferred_private: bool

    def __init__(self, data: dict) -> None:
        self.name = data["name"]
        self.repo_id = data["repoId"]
        self.sdk = data["sdk"]
        self.preferred_private = data["preferredPrivate"]
