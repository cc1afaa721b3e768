"""`hf://` URIs and Hugging Face web URLs, parsed into one structure; volume mount specifications built on them.

Grammar of a URI (the type prefix is plural and optional, `model` by default):

    hf://[<TYPE>/]<namespace>/<name>[@<REVISION>][/<PATH>]

A web URL copied from the browser (`https://huggingface.co/datasets/org/ds/blob/main/train.csv`) is rewritten into
the same body and goes through the same checks. Only repository/bucket pages and file or folder views are accepted:
any other route (commits, discussions, settings...) does not name a location and is refused rather than guessed.

A mount adds a local path and an optional access flag: `hf://...:<MOUNT_PATH>[:ro|:rw]`.
"""

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from .. import constants
from ..errors import HfUriError, HFValidationError
from ._validators import validate_repo_id

# Singular type -> plural URI prefix ("dataset" -> "datasets").
_PREFIX_OF_TYPE: dict[str, str] = {singular: plural for plural, singular in constants.HF_URI_TYPE_PREFIXES.items()}
_URI_TYPES = frozenset(constants.HF_URI_TYPE_PREFIXES.values())

# Revisions that contain "/" but must not be split into revision + path: PR refs and conversion refs.
_SLASHED_REVISION = re.compile(r"^refs/(?:convert/[\w.-]+|pr/\d+)")

# Web routes that name a file or folder (followed by `<revision>/<path>`; buckets have no revision).
_REPO_VIEW_ROUTES = frozenset({"blame", "blob", "raw", "resolve", "tree"})
_BUCKET_VIEW_ROUTES = frozenset({"resolve", "tree"})


@dataclass(frozen=True)
class HfUri:
    """A location on the Hub: a repository or bucket, optionally a revision and a path inside it.

    Built by [`parse_hf_uri`]; can also be built directly (the fields are validated).

    Attributes:
        type (`str`): `"model"`, `"dataset"`, `"space"`, `"kernel"` or `"bucket"`.
        id (`str`): `"namespace/name"` of the repository or bucket.
        revision (`str`, *optional*): the revision after `@`, percent-decoded; `None` when absent (always for
            buckets, which are not versioned).
        path_in_repo (`str`): the path inside the repository or bucket; `""` for the root.
    """

    type: constants.HfUriType
    id: str
    revision: str | None = None
    path_in_repo: str = ""
    _raw: str | None = field(default=None, repr=False, hash=False, compare=False)

    def __post_init__(self) -> None:
        raw = self._raw or ""
        if self.type not in _URI_TYPES:
            raise HfUriError(raw, f"Invalid type '{self.type}'. Must be one of {sorted(_URI_TYPES)}.")
        if not self.id or self.id.count("/") != 1:
            raise HfUriError(raw, f"Id must be 'namespace/name', got '{self.id}'.")
        if self.type != "bucket":
            try:
                validate_repo_id(self.id)
            except HFValidationError as err:
                raise HfUriError(raw, str(err)) from err
        if self.revision is not None:
            if self.revision == "":
                raise HfUriError(raw, "Revision must not be an empty string.")
            if self.type == "bucket":
                raise HfUriError(raw, "Bucket URIs do not support a revision.")
        if self.path_in_repo and (self.path_in_repo.startswith("/") or "//" in self.path_in_repo):
            raise HfUriError(raw, f"Path must not contain empty segments (got '{self.path_in_repo}').")

    @property
    def is_bucket(self) -> bool:
        """Whether the URI names a bucket."""
        return self.type == "bucket"

    @property
    def is_repo(self) -> bool:
        """Whether the URI names a repository (model, dataset, space or kernel)."""
        return self.type != "bucket"

    def to_uri(self) -> str:
        """The canonical `hf://` form, always with its plural type prefix (`hf://models/org/name`)."""
        uri = f"{constants.HF_PROTOCOL}{_PREFIX_OF_TYPE[self.type]}/{self.id}"
        if self.revision is not None:
            revision = self.revision
            # A "/" would be read back as the start of the path, except in the refs the parser recognises.
            if "/" in revision and not _SLASHED_REVISION.fullmatch(revision):
                revision = revision.replace("/", "%2F")
            uri += f"@{revision}"
        if self.path_in_repo:
            uri += f"/{self.path_in_repo}"
        return uri

    def to_url(self, endpoint: str | None = None) -> str:
        """The web page of this location (the inverse of parsing a URL).

        Repository root or bucket page without path or revision; `/tree/<revision>` with only a revision;
        `/blob/<revision>/<path>` for a repository path (revision `main` by default); `/tree/<path>` in a bucket.

        Args:
            endpoint (`str`, *optional*): base URL, `constants.ENDPOINT` by default.
        """
        base = (endpoint or constants.ENDPOINT).rstrip("/")
        path = quote(self.path_in_repo, safe="/")
        if self.type == "bucket":
            return f"{base}/buckets/{self.id}" + (f"/tree/{path}" if path else "")

        url = f"{base}/{self.id}" if self.type == "model" else f"{base}/{_PREFIX_OF_TYPE[self.type]}/{self.id}"
        revision = self.revision
        if revision is not None and not _SLASHED_REVISION.fullmatch(revision):
            revision = quote(revision, safe="")  # one URL segment, whatever it contains
        if path:
            return f"{url}/blob/{revision or constants.DEFAULT_REVISION}/{path}"
        if revision is not None:
            return f"{url}/tree/{revision}"
        return url


@dataclass(frozen=True)
class HfMount:
    """A Hub location mounted at a local path (Spaces and Jobs volumes).

    Attributes:
        source ([`HfUri`]): what is mounted.
        mount_path (`str`): where, an absolute path other than `/`.
        read_only (`bool`, *optional*): `True` for `:ro`, `False` for `:rw`, `None` without flag.
    """

    source: HfUri
    mount_path: str
    read_only: bool | None = None
    _raw: str | None = field(default=None, repr=False, hash=False, compare=False)

    def __post_init__(self) -> None:
        if not self.mount_path.startswith("/") or self.mount_path == "/":
            raise HfUriError(
                self._raw or "",
                f"Mount path must be a non-empty absolute path starting with '/', got '{self.mount_path}'.",
            )

    def to_uri(self) -> str:
        """The canonical form, e.g. `hf://models/org/name:/data:ro`."""
        flag = "" if self.read_only is None else (":ro" if self.read_only else ":rw")
        return f"{self.source.to_uri()}:{self.mount_path}{flag}"


def is_hf_uri(uri: str) -> bool:
    """Whether `uri` is a valid `hf://` URI or a Hugging Face web URL naming a Hub location."""
    try:
        parse_hf_uri(uri)
    except HfUriError:
        return False
    return True


@functools.lru_cache
def parse_hf_uri(uri: str, endpoint: str | None = None) -> HfUri:
    """Parse an `hf://` URI or a Hugging Face web URL into an [`HfUri`].

    Args:
        uri (`str`): `hf://[<TYPE>/]<ID>[@<REVISION>][/<PATH>]`, or a web URL of a repository or bucket page or of a
            file or folder view (`.../blob/<rev>/<path>`, `tree`, `resolve`, `raw`, `blame`).
        endpoint (`str`, *optional*): a custom Hub URL whose web URLs are recognised too (its path prefix, if any,
            is removed). Has no effect on `hf://` URIs.

    Raises:
        [`~errors.HfUriError`]: if the string is not a valid URI or recognised URL.

    Example:
        ```py
        >>> parse_hf_uri("hf://datasets/org/ds@refs/pr/3/train.json")
        HfUri(type='dataset', id='org/ds', revision='refs/pr/3', path_in_repo='train.json')
        ```
    """
    if uri.startswith(constants.HF_PROTOCOL):
        body = uri[len(constants.HF_PROTOCOL) :]
        if not body:
            raise HfUriError(uri, f"Empty body after '{constants.HF_PROTOCOL}'.")
    elif _is_web_url(uri, endpoint):
        body = _web_url_to_body(uri, endpoint)
    else:
        raise HfUriError(
            uri,
            f"Must start with '{constants.HF_PROTOCOL}' or be a Hugging Face URL (e.g. 'https://huggingface.co/...')."
            f" Expected format: {constants.HF_PROTOCOL}[<TYPE>/]<ID>[@<REVISION>][/<PATH>]",
        )
    uri_type, location = _split_type_prefix(body, raw=uri)
    if uri_type == "bucket":
        return _parse_bucket(location, raw=uri)
    return _parse_repo(location, uri_type, raw=uri)


def parse_hf_mount(mount_str: str) -> HfMount:
    """Parse a mount specification `hf://[<TYPE>/]<ID>[@<REVISION>][/<PATH>]:<MOUNT_PATH>[:ro|:rw]`.

    Raises:
        [`~errors.HfUriError`]: if the mount path is missing or the URI part is invalid.

    Example:
        ```py
        >>> parse_hf_mount("hf://buckets/org/b/sub:/mnt:rw").read_only
        False
        ```
    """
    if not mount_str.startswith(constants.HF_PROTOCOL):
        raise HfUriError(mount_str, f"Must start with '{constants.HF_PROTOCOL}'.")
    body = mount_str[len(constants.HF_PROTOCOL) :]
    if not body:
        raise HfUriError(mount_str, f"Empty body after '{constants.HF_PROTOCOL}'.")

    read_only: bool | None = None
    if body.endswith(":ro"):
        read_only, body = True, body[: -len(":ro")]
    elif body.endswith(":rw"):
        read_only, body = False, body[: -len(":rw")]
    # The mount path is absolute, so the last ":/" separates it from the location.
    separator = body.rfind(":/")
    if separator == -1:
        if read_only is not None:
            raise HfUriError(
                mount_str,
                "':ro'/':rw' suffix is only valid when a mount path is provided (e.g. 'hf://...:/<MOUNT_PATH>:ro').",
            )
        raise HfUriError(mount_str, "Missing mount path. Expected ':<MOUNT_PATH>' (e.g. 'hf://org/model:/data').")
    location, mount_path = body[:separator], body[separator + 1 :]
    if not location:
        raise HfUriError(mount_str, "Missing location before mount path.")
    try:
        source = parse_hf_uri(constants.HF_PROTOCOL + location)
    except HfUriError as err:
        raise HfUriError(mount_str, err.msg) from err
    return HfMount(source=source, mount_path=mount_path, read_only=read_only, _raw=mount_str)


# --- parsing helpers ---


def _endpoint_host_and_prefix(endpoint: str | None) -> tuple[str | None, str]:
    """Lower-cased host and path prefix of a custom endpoint (`http://localhost:8080/hf` -> `localhost`, `hf`)."""
    if endpoint is None:
        return None, ""
    parts = urlsplit(endpoint if "://" in endpoint else "//" + endpoint)
    return (parts.hostname.lower() if parts.hostname else None), parts.path.strip("/")


def _known_hosts(endpoint: str | None) -> frozenset[str]:
    host, _ = _endpoint_host_and_prefix(endpoint)
    return constants.HF_URL_HOSTS | {host} if host else constants.HF_URL_HOSTS


def _is_web_url(uri: str, endpoint: str | None) -> bool:
    lowered = uri.lower()
    if lowered.startswith(("http://", "https://")):
        return True
    return any(lowered == host or lowered.startswith(host + "/") for host in _known_hosts(endpoint))


def _decoded_segment(segment: str) -> str:
    # Decoded for names with spaces or '#', but an encoded '/' stays encoded: it belongs to one segment
    # (a revision like 'feature%2Fx') and is decoded later, after revision and path are split.
    return unquote(segment).replace("/", "%2F")


def _web_url_to_body(url: str, endpoint: str | None) -> str:
    """Rewrite a web URL into the body of an `hf://` URI, for the shared parser."""
    parts = urlsplit(url if "://" in url else "//" + url)
    host = (parts.hostname or "").lower()
    if host not in _known_hosts(endpoint):
        raise HfUriError(
            url, f"Unrecognized host '{host or url}'. Expected a Hugging Face URL (e.g. 'https://huggingface.co/...')."
        )
    path = parts.path  # query and fragment (`?download=true`) are dropped
    endpoint_host, endpoint_prefix = _endpoint_host_and_prefix(endpoint)
    if endpoint_prefix and host == endpoint_host:
        prefix = "/" + endpoint_prefix
        if path == prefix or path.startswith(prefix + "/"):
            path = path[len(prefix) :]
    segments = [segment for segment in path.split("/") if segment]
    if not segments:
        raise HfUriError(url, f"Missing repository or bucket identifier in URL '{url}'.")

    type_prefix = segments.pop(0) if segments[0] in constants.HF_URI_TYPE_PREFIXES else None
    if len(segments) < 2:
        raise HfUriError(
            url,
            f"Cannot parse URL '{url}': expected a '<namespace>/<name>' repository or bucket."
            " User/organization pages and single-segment URLs are not supported.",
        )
    repo_id, rest = f"{segments[0]}/{segments[1]}", segments[2:]

    if type_prefix == "buckets":
        if not rest:
            return f"buckets/{repo_id}"
        route, *tail = rest
        if route not in _BUCKET_VIEW_ROUTES:
            raise HfUriError(url, f"Cannot parse bucket URL '{url}': unsupported '/{route}/' route.")
        inner = "/".join(_decoded_segment(segment) for segment in tail)
        return f"buckets/{repo_id}/{inner}" if inner else f"buckets/{repo_id}"

    head = f"{type_prefix}/{repo_id}" if type_prefix else repo_id
    if not rest:
        return head
    route, *tail = rest
    if route not in _REPO_VIEW_ROUTES:
        raise HfUriError(
            url,
            f"Cannot parse URL '{url}': unsupported '/{route}/' route. Only repository pages and file/folder viewer"
            " routes (blob, resolve, raw, tree, ...) can be parsed.",
        )
    if not tail:
        return head
    return f"{head}@" + "/".join(_decoded_segment(segment) for segment in tail)


def _split_type_prefix(body: str, *, raw: str) -> tuple[constants.HfUriType, str]:
    """`(type, rest)`; no prefix means a model. A singular prefix (`dataset/`) is refused with a hint."""
    first, slash, rest = body.partition("/")
    if not slash:
        if body in constants.HF_URI_TYPE_PREFIXES:
            raise HfUriError(raw, f"Missing identifier after '{body}'. Expected '{constants.HF_PROTOCOL}{body}/<ID>'.")
        if body in _PREFIX_OF_TYPE:
            raise HfUriError(
                raw, f"Type prefix must be plural. Did you mean '{constants.HF_PROTOCOL}{_PREFIX_OF_TYPE[body]}/...'?"
            )
        return "model", body
    if first in constants.HF_URI_TYPE_PREFIXES:
        return constants.HF_URI_TYPE_PREFIXES[first], rest
    if first in _PREFIX_OF_TYPE:
        raise HfUriError(raw, f"Type prefix must be plural, got '{first}/'. Did you mean '{_PREFIX_OF_TYPE[first]}/'?")
    return "model", body


def _parse_bucket(location: str, *, raw: str) -> HfUri:
    parts = location.strip("/").split("/", 2)
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise HfUriError(raw, f"Bucket id must be 'namespace/name', got '{location.strip('/')}'.")
    bucket_id = f"{parts[0]}/{parts[1]}"
    if "@" in bucket_id:
        raise HfUriError(raw, "Bucket URIs do not support a revision marker ('@').")
    return HfUri(type="bucket", id=bucket_id, path_in_repo=parts[2] if len(parts) == 3 else "", _raw=raw)


def _parse_repo(location: str, uri_type: constants.HfUriType, *, raw: str) -> HfUri:
    location = location.strip("/")
    if not location:
        raise HfUriError(raw, "Missing repository id.")
    at = location.find("@")
    # An '@' marks the revision only right after 'namespace/name'; further down it is part of a file name.
    if at == -1 or location[:at].count("/") > 1:
        parts = location.split("/", 2)
        if len(parts) < 2:
            raise HfUriError(raw, f"Repository id must be 'namespace/name', got '{location}'. ")
        return HfUri(
            type=uri_type, id=f"{parts[0]}/{parts[1]}", path_in_repo=parts[2] if len(parts) == 3 else "", _raw=raw
        )

    repo_id, after = location[:at], location[at + 1 :]
    if not repo_id:
        raise HfUriError(raw, "Missing repository id before '@'.")
    if repo_id.count("/") != 1:
        raise HfUriError(raw, f"Repository id must be 'namespace/name', got '{repo_id}'.")
    special = _SLASHED_REVISION.match(after)
    if special is not None:
        revision = special.group()
        path = after[len(revision) :].removeprefix("/")
    else:
        revision, _, path = after.partition("/")
    revision = unquote(revision)
    if not revision:
        raise HfUriError(raw, "Empty revision after '@'.")
    return HfUri(type=uri_type, id=repo_id, revision=revision, path_in_repo=path, _raw=raw)
