"""`cached_assets_path`: a per-library folder, next to the Hub cache, for arbitrary cached files."""

from pathlib import Path
from typing import Any

from .. import constants

__all__ = ["cached_assets_path"]

_UNSET: Any = object()


def __getattr__(name: str) -> Any:
    # Upstream imports HF_ASSETS_CACHE here by value and its tests patch it in this module.
    # Reading it through this hook keeps `constants` the source of truth at call time, while a
    # patched module global still takes precedence (see `_default_assets_dir`).
    if name == "HF_ASSETS_CACHE":
        return constants.HF_ASSETS_CACHE
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _default_assets_dir() -> str | Path:
    patched = globals().get("HF_ASSETS_CACHE", _UNSET)
    return constants.HF_ASSETS_CACHE if patched is _UNSET else patched


def cached_assets_path(
    library_name: str,
    namespace: str = "default",
    subfolder: str = "default",
    *,
    assets_dir: str | Path | None = None,
) -> Path:
    """Return (creating it if needed) the folder ``<assets_dir>/<library_name>/<namespace>/<subfolder>``.

    Files a library downloads from elsewhere, extracts or preprocesses are "assets": unlike Hub
    files, their layout is up to the library, but keeping them under one root lets cache tools
    find and delete them. In each of the three names, spaces, ``/`` and ``\\`` become ``--``
    (``"user/repo"`` -> ``"user--repo"``).

    Args:
        library_name (`str`):
            The library owning the folder, e.g. ``"datasets"``.
        namespace (`str`, *optional*, defaults to ``"default"``):
            e.g. a dataset or repo name.
        subfolder (`str`, *optional*, defaults to ``"default"``):
            e.g. ``"downloaded"`` or ``"extracted"``.
        assets_dir (`str` or `Path`, *optional*):
            Root of the assets cache; defaults to ``HF_ASSETS_CACHE`` (``$HF_HOME/assets``). Must
            not be the Hub cache folder.

    Raises:
        `ValueError`: if a file is in the way of one of the folders.

    ```python
    >>> cached_assets_path("datasets", namespace="SQuAD", subfolder="extracted")
    PosixPath('/home/me/.cache/huggingface/assets/datasets/SQuAD/extracted')
    ```
    """
    root = Path(_default_assets_dir() if assets_dir is None else assets_dir).expanduser().resolve()
    path = root / _safe_folder_name(library_name) / _safe_folder_name(namespace) / _safe_folder_name(subfolder)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as err:
        raise ValueError(
            f"Corrupted assets folder: cannot create directory because of an existing file ({path})."
        ) from err
    return path


def _safe_folder_name(name: str) -> str:
    for separator in (" ", "/", "\\"):
        name = name.replace(separator, "--")
    return name
