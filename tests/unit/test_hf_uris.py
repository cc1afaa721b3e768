"""`hf://` URIs, web URLs, mounts, `RepoUrl` and `repo_type_and_id_from_hf_id` (no network)."""

import json
import pickle

import pytest
from _upstream_oracle import ours_and_upstream, upstream_compat

from huggingface_hub.errors import HfUriError
from huggingface_hub.hf_api import RepoUrl, ResolvedRevision, repo_type_and_id_from_hf_id
from huggingface_hub.utils import HfMount, HfUri, is_hf_uri, parse_hf_mount, parse_hf_uri
from huggingface_hub.utils._pagination import hub_params

URIS = [
    "hf://org/model",
    "hf://models/org/model",
    "hf://datasets/org/ds@v1/train/data.csv",
    "hf://datasets/org/ds@refs/pr/3/train.json",
    "hf://datasets/org/ds@refs/convert/parquet-v2/default/train/0.parquet",
    "hf://spaces/org/space@feature%2Fx/app.py",
    "hf://org/model/folder/file@1.txt",
    "hf://buckets/org/bucket/sub/dir",
    "hf://kernels/org/kernel",
    "https://huggingface.co/datasets/org/ds/blob/main/train%20set.csv",
    "https://huggingface.co/org/model/tree/refs%2Fpr%2F2",
    "https://huggingface.co/org/model/resolve/main/a/b.bin?download=true",
    "https://huggingface.co/spaces/org/space",
    "https://huggingface.co/buckets/org/b/tree/x/y",
    "huggingface.co/org/model",
    "hf.co/datasets/org/ds/raw/v2/README.md",
    "hf://a/b/c/d@x",
]
BAD_URIS = [
    "org/model",
    "hf://",
    "hf://datasets",
    "hf://dataset/org/ds",
    "hf://model",
    "hf://org",
    "hf://org/model@",
    "hf://org/mo--del",
    "hf://buckets/org/b@v1",
    "hf://org/model//x",
    "https://example.com/org/model",
    "https://huggingface.co/org",
    "https://huggingface.co/org/model/commit/abc",
    "https://huggingface.co/buckets/org/b/blob/x",
]


@pytest.mark.parametrize(
    "uri, expected",
    [
        ("hf://org/model", HfUri(type="model", id="org/model")),
        ("hf://datasets/org/ds@refs/pr/3/train.json", HfUri("dataset", "org/ds", "refs/pr/3", "train.json")),
        ("hf://spaces/org/s@feature%2Fx/app.py", HfUri("space", "org/s", "feature/x", "app.py")),
        ("hf://org/model/dir/file@1.txt", HfUri("model", "org/model", None, "dir/file@1.txt")),
        ("hf://buckets/org/b/sub/dir", HfUri("bucket", "org/b", None, "sub/dir")),
        ("https://huggingface.co/datasets/org/ds/blob/main/a%20b.csv", HfUri("dataset", "org/ds", "main", "a b.csv")),
        ("https://huggingface.co/org/m/tree/refs%2Fpr%2F2", HfUri("model", "org/m", "refs/pr/2")),
    ],
)
def test_parse_hf_uri(uri: str, expected: HfUri):
    assert parse_hf_uri(uri) == expected
    assert is_hf_uri(uri)


@pytest.mark.parametrize("uri", BAD_URIS)
def test_parse_hf_uri_rejects(uri: str):
    with pytest.raises(HfUriError):
        parse_hf_uri(uri)
    assert not is_hf_uri(uri)


def test_custom_endpoint_urls():
    uri = parse_hf_uri("http://localhost:8080/hf/datasets/org/ds/blob/v1/x.txt", endpoint="http://localhost:8080/hf")
    assert uri == HfUri("dataset", "org/ds", "v1", "x.txt")
    with pytest.raises(HfUriError, match="Unrecognized host"):
        parse_hf_uri("http://localhost:8080/hf/org/model")


def test_uri_round_trips():
    for uri in ("hf://datasets/org/ds@feature%2Fx/a b.txt", "hf://models/org/m@refs/pr/1/x", "hf://buckets/o/b/p"):
        parsed = parse_hf_uri(uri)
        assert parse_hf_uri(parsed.to_uri()) == parsed
        assert parse_hf_uri(parsed.to_url()) == parsed
    assert HfUri("model", "org/m", "v1", "a b.txt").to_url("https://hub.example") == (
        "https://hub.example/org/m/blob/v1/a%20b.txt"
    )
    assert HfUri("space", "org/s", "dev").to_url() == "https://huggingface.co/spaces/org/s/tree/dev"


def test_mounts():
    mount = parse_hf_mount("hf://buckets/org/b/sub:/mnt:rw")
    assert mount == HfMount(source=HfUri("bucket", "org/b", None, "sub"), mount_path="/mnt", read_only=False)
    assert mount.to_uri() == "hf://buckets/org/b/sub:/mnt:rw"
    assert parse_hf_mount("hf://org/m@v1:/data").read_only is None
    for bad in ("hf://org/m", "hf://org/m:ro", "hf://org/m:/", "org/m:/data", "hf://:/data"):
        with pytest.raises(HfUriError):
            parse_hf_mount(bad)


def test_repo_url():
    url = RepoUrl("https://huggingface.co/datasets/user/ds")
    assert (url.repo_type, url.repo_id, url.namespace, url.repo_name) == ("dataset", "user/ds", "user", "ds")
    assert url == "https://huggingface.co/datasets/user/ds"
    local = RepoUrl("http://127.0.0.1:5555/spaces/alice/s", endpoint="http://127.0.0.1:5555")
    assert (local.repo_type, local.repo_id, local.endpoint) == ("space", "alice/s", "http://127.0.0.1:5555")
    # A URL of the public Hub is pointed at the configured mirror.
    assert RepoUrl("https://huggingface.co/a/b", endpoint="http://mirror.local") == "http://mirror.local/a/b"
    assert RepoUrl("alice/bare").repo_type == "model"
    with pytest.raises(HfUriError):
        RepoUrl("https://example.com/a/b")


def test_repo_type_and_id_from_hf_id():
    hub = "https://huggingface.co"
    assert repo_type_and_id_from_hf_id("https://huggingface.co/datasets/u/d", hub_url=hub) == ("dataset", "u", "d")
    assert repo_type_and_id_from_hf_id("https://huggingface.co/u/m/blob/main/x", hub_url=hub) == (None, "u", "m")
    assert repo_type_and_id_from_hf_id("hf://spaces/u/s", hub_url=hub) == ("space", "u", "s")
    assert repo_type_and_id_from_hf_id("datasets/squad", hub_url=hub) == ("dataset", None, "squad")
    assert repo_type_and_id_from_hf_id("gpt2", hub_url=hub) == (None, None, "gpt2")
    with pytest.raises(ValueError, match="Unknown `repo_type`"):
        repo_type_and_id_from_hf_id("foo/u/m", hub_url=hub)
    with pytest.raises(ValueError, match="Unable to retrieve"):
        repo_type_and_id_from_hf_id("a/b/c/d", hub_url=hub)


def test_hub_params_encoding():
    assert hub_params({"a": True, "b": False, "c": None, "d": ["x", "y"], "e": 3, "f": "s"}) == [
        ("a", "true"),
        ("b", "false"),
        ("d", "x"),
        ("d", "y"),
        ("e", 3),
        ("f", "s"),
    ]


def test_resolved_revision():
    revision = ResolvedRevision("a" * 40)
    assert revision == "main" and revision.initial is None and revision.resolved == "a" * 40
    copy = pickle.loads(pickle.dumps(ResolvedRevision("b" * 40, initial="v1")))
    assert (copy, copy.initial, copy.resolved) == ("v1", "v1", "b" * 40)
    assert repr(copy) == f"ResolvedRevision(initial='v1', resolved='{'b' * 40}')"


@upstream_compat
def test_uris_match_upstream():
    code = f"""
import json
from huggingface_hub.utils import parse_hf_uri
from huggingface_hub.hf_api import repo_type_and_id_from_hf_id, RepoUrl
out = []
for uri in json.loads({json.dumps(json.dumps(URIS + BAD_URIS))}):
    try:
        p = parse_hf_uri(uri)
        out.append([p.type, p.id, p.revision, p.path_in_repo, p.to_uri(), p.to_url()])
    except ValueError as e:
        out.append(["error", str(e)])
    try:
        out.append(list(repo_type_and_id_from_hf_id(uri, hub_url="https://huggingface.co")))
    except ValueError as e:
        out.append(["error", str(e)])
    try:
        u = RepoUrl(uri)
        out.append([u.repo_type, u.repo_id, str(u)])
    except ValueError as e:
        out.append(["error", type(e).__name__])
print(json.dumps(out))
"""
    ours, upstream = ours_and_upstream(code)
    assert ours == upstream
