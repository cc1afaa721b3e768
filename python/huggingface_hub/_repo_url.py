"""`RepoUrl`: the URL of a repository on the Hub, a `str` that also knows the endpoint, type and id it names."""

from typing import Any
from urllib.parse import urlsplit

from . import constants
from .errors import HfUriError
from .utils import fix_hf_endpoint_in_url


class RepoUrl(str):
    """The URL of a repository on the Hub (`create_repo` returns one; `CommitInfo.repo_url` is one).

    It is the URL string itself (so it can be used wherever a `str` is expected), parsed on creation into:
    `endpoint`, `namespace`, `repo_name`, `repo_id` (`namespace/repo_name`), `repo_type` (`"model"`, `"dataset"`,
    `"space"`, ...) and `url`. Accepted forms: a web URL on the Hub or on `endpoint` (`{endpoint}/datasets/ns/name`,
    an endpoint with a path prefix included), an `hf://[TYPE/]ns/name` URI, or a bare `ns/name` id.

    Args:
        url (`Any`):
            The URL; URLs on `huggingface.co` are rewritten to `endpoint` when that is another host.
        endpoint (`str`, *optional*):
            The Hub; `HF_ENDPOINT` by default.

    Raises:
        [`~errors.HfUriError`]: if no `namespace/name` repository can be read from the URL.

    ```python
    >>> RepoUrl("https://huggingface.co/datasets/my-org/my-dataset").repo_type
    'dataset'
    ```
    """

    def __new__(cls, url: Any, endpoint: str | None = None) -> "RepoUrl":
        return super().__new__(cls, fix_hf_endpoint_in_url(url, endpoint=endpoint))

    def __init__(self, url: Any, endpoint: str | None = None) -> None:
        super().__init__()
        self.endpoint = endpoint or constants.ENDPOINT
        self.repo_type, self.repo_id = _parse_repo_location(str(self), self.endpoint)
        self.namespace, self.repo_name = self.repo_id.split("/")
        self.url = str(self)

    def __repr__(self) -> str:
        return f"RepoUrl('{self}', endpoint='{self.endpoint}', repo_type='{self.repo_type}', repo_id='{self.repo_id}')"


def _host_and_prefix(url: str) -> tuple[str, str]:
    """Lower-cased host and path of a URL that may lack its scheme."""
    parsed = urlsplit(url if "://" in url else "//" + url)
    return (parsed.hostname or "").lower(), parsed.path


def _parse_repo_location(raw: str, endpoint: str) -> tuple[str, str]:
    """`(repo_type, "namespace/name")` named by a web URL, an `hf://` URI or a bare id."""
    if raw.startswith(constants.HF_PROTOCOL):
        segments = raw[len(constants.HF_PROTOCOL) :].split("/")
        return _type_and_id(raw, segments, problem=f"Repository id must be 'namespace/name', got '{raw}'.")

    endpoint_host, endpoint_path = _host_and_prefix(endpoint)
    known_hosts = constants.HF_URL_HOSTS | ({endpoint_host} if endpoint_host else set())
    lowered = raw.lower()
    if "://" in raw or any(lowered == host or lowered.startswith(host + "/") for host in known_hosts):
        host, path = _host_and_prefix(raw)
        if host not in known_hosts:
            raise HfUriError(
                raw,
                f"Unrecognized host '{host or raw}'. Expected a Hugging Face URL (e.g. 'https://huggingface.co/...').",
            )
        # An endpoint served under a path (`http://host/hf`): its URLs carry that prefix before the repository.
        prefix = "/" + endpoint_path.strip("/")
        if prefix != "/" and host == endpoint_host and (path + "/").startswith(prefix + "/"):
            path = path[len(prefix) :]
        return _type_and_id(
            raw,
            [segment for segment in path.split("/") if segment],
            problem=(
                f"Cannot parse URL '{raw}': expected a '<namespace>/<name>' repository or bucket. "
                "User/organization pages and single-segment URLs are not supported."
            ),
        )
    return _type_and_id(
        f"{constants.HF_PROTOCOL}{raw}",
        raw.split("/"),
        problem=f"Repository id must be 'namespace/name', got '{raw}'.",
    )


def _type_and_id(raw: str, segments: list[str], *, problem: str) -> tuple[str, str]:
    repo_type = constants.REPO_TYPE_MODEL
    if segments and segments[0] in constants.HF_URI_TYPE_PREFIXES:
        repo_type = constants.HF_URI_TYPE_PREFIXES[segments[0]]
        segments = segments[1:]
    if len(segments) < 2 or not segments[0] or not segments[1]:
        raise HfUriError(raw, problem)
    name = segments[1].split("@", 1)[0]  # an hf:// URI may name a revision: `ns/name@rev`
    return repo_type, f"{segments[0]}/{name}"
