"""The lazy top-level namespace: every exported name resolves, and importing stays cheap."""

import subprocess
import sys
from pathlib import Path

import huggingface_hub

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )
    return result.stdout


def test_export_table_is_in_sync_with_the_features_that_exist():
    check = subprocess.run([sys.executable, str(REPO_ROOT / "tools" / "sync_init.py"), "--check"], capture_output=True)
    assert check.returncode == 0, check.stderr.decode()


def test_every_exported_name_resolves_to_its_submodule_object():
    assert huggingface_hub.__all__, "nothing is exported"
    for name in huggingface_hub.__all__:
        value = getattr(huggingface_hub, name)
        submodule = __import__(f"huggingface_hub.{huggingface_hub._NAME_TO_SUBMOD[name]}", fromlist=["_"])
        assert value is getattr(submodule, name)
    assert set(huggingface_hub.__all__) <= set(dir(huggingface_hub))


def test_eager_import_resolves_everything():
    out = run_python("import huggingface_hub as h; print(len(h.__all__))", EAGER_IMPORT="1")
    assert int(out) == len(huggingface_hub.__all__)


def test_import_is_lazy():
    out = run_python(
        "import sys, huggingface_hub\n"
        "print(sorted(m for m in sys.modules if m.startswith(('huggingface_hub.', 'requests', 'tqdm', 'yaml'))))"
    )
    assert out.strip() == "[]"


def test_submodules_are_reachable_as_attributes_and_unknown_names_are_not():
    out = run_python("import huggingface_hub as h; print(h.constants.DEFAULT_REVISION, hasattr(h, 'no_such_thing'))")
    assert out.split() == ["main", "False"]


def test_version_is_the_upstream_api_level_with_a_local_label():
    from packaging.version import Version

    version = Version(huggingface_hub.__version__)
    assert version.release == (1, 29, 0) and version.local and version.local.startswith("rs.")
