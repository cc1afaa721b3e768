"""`RepoUrl`, the URL of a repository returned by `create_repo` and friends, and the older id parser
`repo_type_and_id_from_hf_id`."""

import re
from typing import Any

from . import constants
from .errors import HfUriError
from .utils._hf_uris import parse_hf_uri
from .utils._http import fix_hf_endpoint_in_url

_HTTP_SCHEME = re.compile(r"https?://")


class RepoUrl(str):
    """The URL of a repository, as a `str`, with its parts as attributes.

    Accepts a web URL (on the Hub or on `endpoint`), an `hf://` URI or a bare `namespace/name`. A URL pointing at
    the public Hub is rewritten to `endpoint` when that is a mirror or proxy.

    Attributes:
        endpoint (`str`): the Hub's URL.
        namespace (`str`), repo_name (`str`), repo_id (`str`): the owner, the name and both joined by `/`.
        repo_type (`str`): `"model"`, `"dataset"`, `"space"`, `"kernel"` or `"bucket"`.
        url (`str`): the URL itself.

    Args:
        url (`Any`): the URL or id.
        endpoint (`str`, *optional*): the Hub's URL; `constants.ENDPOINT` by default.

    Raises:
        [`~errors.HfUriError`]: if no `namespace/name` repository can be read from `url`.

    Example:
        ```py
        >>> RepoUrl("https://huggingface.co/datasets/user/ds")
        RepoUrl('https://huggingface.co/datasets/user/ds', endpoint='https://huggingface.co', repo_type='dataset', repo_id='user/ds')
        ```
    """

    endpoint: str
    namespace: str
    repo_name: str
    repo_id: str
    repo_type: str
    url: str

    def __new__(cls, url: Any, endpoint: str | None = None) -> "RepoUrl":
        return super().__new__(cls, fix_hf_endpoint_in_url(url, endpoint=endpoint))

    def __init__(self, url: Any, endpoint: str | None = None) -> None:
        super().__init__()
        self.endpoint = endpoint or constants.ENDPOINT
        value = str(self)
        try:
            parsed = parse_hf_uri(value, endpoint=self.endpoint)
        except HfUriError:
            if "://" in value:
                raise  # a URL that does not parse is an error; only a bare id gets a second chance
            parsed = parse_hf_uri(f"{constants.HF_PROTOCOL}{value}")
        self.namespace, self.repo_name = parsed.id.split("/")
        self.repo_id = parsed.id
        self.repo_type = parsed.type
        self.url = value

    def __repr__(self) -> str:
        return f"RepoUrl('{self}', endpoint='{self.endpoint}', repo_type='{self.repo_type}', repo_id='{self.repo_id}')"


def repo_type_and_id_from_hf_id(hf_id: str, hub_url: str | None = None) -> tuple[str | None, str | None, str]:
    """`(repo_type, namespace, name)` of a repository URL or id.

    > [!WARNING]
    > Deprecated: [`parse_hf_uri`] parses `hf://` URIs and web URLs into an [`HfUri`].

    Accepted forms: `https://<hub>/[<type>s/]<namespace>/<name>`, `hf://[<type>s/]<namespace>/<name>`,
    `[<type>s/]<namespace>/<name>` and `<name>`. The type is `None` when not given.

    Args:
        hf_id (`str`): the URL or id.
        hub_url (`str`, *optional*): the Hub's URL; `constants.ENDPOINT` by default.

    Raises:
        `ValueError`: if the id has too many parts or names an unknown repository type.
    """
    original = hf_id
    hub_host_path = _HTTP_SCHEME.sub("", hub_url if hub_url is not None else constants.ENDPOINT)
    is_hub_url = hub_host_path in _HTTP_SCHEME.sub("", hf_id) and "@" not in hf_id

    hf_id = hf_id.removeprefix(constants.HF_PROTOCOL)
    if is_hub_url:
        without_scheme = _HTTP_SCHEME.sub("", hf_id)
        if without_scheme.startswith(hub_host_path):
            hf_id = without_scheme[len(hub_host_path) :].lstrip("/")

    segments = hf_id.split("/")
    repo_type: str | None
    namespace: str | None
    if is_hub_url and len(segments) >= 3:
        # A page URL may go on (`/blob/main/...`): only the first three segments matter.
        repo_type, namespace, name = _typed_or_namespaced(segments[0], segments[1], segments[2])
    elif is_hub_url or len(segments) <= 3:
        if len(segments) == 3:
            repo_type, namespace, name = segments
        elif len(segments) == 2:
            if segments[0] in constants.REPO_TYPES_MAPPING or segments[0] == "buckets":
                # `datasets/<name>`: a canonical repository, without namespace.
                repo_type, namespace, name = _singular(segments[0]), None, segments[1]
            else:
                repo_type, namespace, name = None, segments[0], segments[1]
        else:
            repo_type, namespace, name = None, None, segments[0]
    else:
        raise ValueError(f"Unable to retrieve user and repo ID from the passed HF ID: {hf_id}")

    # `<type>s/<namespace>/<name>` ids keep the type as written: `buckets/...` is refused there, like upstream.
    repo_type = constants.REPO_TYPES_MAPPING.get(repo_type, repo_type) if repo_type else None
    if repo_type not in constants.REPO_TYPES_WITH_KERNEL and repo_type != "bucket":
        raise ValueError(f"Unknown `repo_type`: '{repo_type}' ('{original}')")
    return repo_type, namespace, name


def _typed_or_namespaced(first: str, second: str, third: str) -> tuple[str | None, str | None, str]:
    """`<type>s/<namespace>/<name>/...` or `<namespace>/<name>/...` (then `third` is a sub-page)."""
    if first in constants.REPO_TYPES_MAPPING or first == "buckets":
        return _singular(first), second, third
    return None, first, second


def _singular(prefix: str) -> str:
    return "bucket" if prefix == "buckets" else constants.REPO_TYPES_MAPPING[prefix]
