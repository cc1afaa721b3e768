"""Progress bars: global and per-group switches, HF_HUB_DISABLE_PROGRESS_BARS, TQDM_POSITION, helpers."""

import io
import logging
import sys
import threading
from unittest.mock import patch

import pytest
from _upstream_oracle import json_results, ours_and_upstream, upstream_compat
from tqdm.auto import tqdm as vanilla_tqdm

from huggingface_hub import constants
from huggingface_hub.utils import _tqdm as tqdm_module
from huggingface_hub.utils import (
    are_progress_bars_disabled,
    disable_progress_bars,
    enable_progress_bars,
    hf_thread_map,
    is_tqdm_disabled,
    silent_tqdm,
    tqdm,
    tqdm_stream_file,
)
from huggingface_hub.utils.tqdm import _get_progress_bar_context

MODULE_SWITCH = "huggingface_hub.utils._tqdm.HF_HUB_DISABLE_PROGRESS_BARS"


@pytest.fixture(autouse=True)
def _programmatic_control(monkeypatch):
    """Every test starts with the environment switch unset and no programmatic state."""
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_PROGRESS_BARS", None)
    monkeypatch.delenv("TQDM_POSITION", raising=False)
    tqdm_module.progress_bar_states.clear()
    yield
    tqdm_module.progress_bar_states.clear()


def run_bar(**kwargs) -> None:
    for _ in tqdm(range(10), **kwargs):
        pass


class TestGlobalSwitch:
    def test_enabled_by_default(self):
        assert not are_progress_bars_disabled()

    def test_disable_then_enable(self):
        disable_progress_bars()
        assert are_progress_bars_disabled()
        enable_progress_bars()
        assert not are_progress_bars_disabled()

    def test_enabled_bar_prints_to_stderr(self, capsys):
        run_bar()
        captured = capsys.readouterr()
        assert captured.out == ""
        assert "10/10" in captured.err

    def test_disabled_bar_prints_nothing_even_with_disable_false(self, capsys):
        disable_progress_bars()
        run_bar()
        run_bar(disable=False)
        assert capsys.readouterr() == ("", "")

    def test_disable_true_still_silences_one_bar(self, capsys):
        run_bar(disable=True)
        assert capsys.readouterr() == ("", "")

    def test_state_is_read_when_the_bar_is_created(self):
        disable_progress_bars()
        assert tqdm(total=1).disable
        enable_progress_bars()
        assert not tqdm(total=1, file=io.StringIO()).disable


class TestEnvironmentSwitch:
    def test_env_true_disables_and_enable_only_warns(self, monkeypatch):
        monkeypatch.setattr(constants, "HF_HUB_DISABLE_PROGRESS_BARS", True)
        assert are_progress_bars_disabled()
        assert are_progress_bars_disabled("any.group")
        with pytest.warns(UserWarning, match="HF_HUB_DISABLE_PROGRESS_BARS=1"):
            enable_progress_bars()
        with pytest.warns(UserWarning):
            enable_progress_bars("any.group")
        assert are_progress_bars_disabled()
        assert tqdm(total=1, disable=False).disable

    def test_env_false_enables_and_disable_only_warns(self, monkeypatch):
        monkeypatch.setattr(constants, "HF_HUB_DISABLE_PROGRESS_BARS", False)
        with pytest.warns(UserWarning, match="HF_HUB_DISABLE_PROGRESS_BARS=0"):
            disable_progress_bars()
        with pytest.warns(UserWarning):
            with disable_progress_bars("a.b"):
                assert not are_progress_bars_disabled("a.b")
        assert not are_progress_bars_disabled()
        assert not are_progress_bars_disabled("a.b")

    def test_constants_are_read_at_call_time(self, monkeypatch):
        assert not are_progress_bars_disabled()
        monkeypatch.setattr(constants, "HF_HUB_DISABLE_PROGRESS_BARS", True)
        assert are_progress_bars_disabled()
        assert tqdm_module.HF_HUB_DISABLE_PROGRESS_BARS is True  # mirrors constants when not patched here

    def test_patching_the_module_global_like_upstream_tests_do(self):
        with patch(MODULE_SWITCH, True):
            assert are_progress_bars_disabled()
            with pytest.warns(UserWarning):
                enable_progress_bars()
        assert not are_progress_bars_disabled()
        assert "HF_HUB_DISABLE_PROGRESS_BARS" not in vars(tqdm_module)  # patch cleanly undone

    def test_module_global_patch_wins_over_constants(self, monkeypatch):
        monkeypatch.setattr(constants, "HF_HUB_DISABLE_PROGRESS_BARS", True)
        with patch(MODULE_SWITCH, None):
            assert not are_progress_bars_disabled()

    def test_environment_variable_is_honoured_from_a_fresh_process(self):
        code = (
            "import json\n"
            "from huggingface_hub.utils import are_progress_bars_disabled, tqdm\n"
            "print(json.dumps([are_progress_bars_disabled(), tqdm(total=1, disable=False).disable]))\n"
        )
        ours = {
            value: json_results(sys.executable, code, HF_HUB_DISABLE_PROGRESS_BARS=value)
            for value in ("1", "true", "0", "no")
        }
        assert ours == {"1": [True, True], "true": [True, True], "0": [False, False], "no": [False, False]}


class TestGroups:
    def test_disabling_a_group_covers_its_subgroups_only(self):
        disable_progress_bars("peft.foo")
        assert are_progress_bars_disabled("peft.foo")
        assert are_progress_bars_disabled("peft.foo.bar")
        assert not are_progress_bars_disabled("peft")
        assert not are_progress_bars_disabled("peft.other")
        assert not are_progress_bars_disabled("peft.footprint")  # a prefix of the name is not a parent
        assert not are_progress_bars_disabled()

    def test_subgroup_can_be_re_enabled(self):
        disable_progress_bars("peft.foo")
        enable_progress_bars("peft.foo.bar")
        assert are_progress_bars_disabled("peft.foo")
        assert not are_progress_bars_disabled("peft.foo.bar")
        assert not are_progress_bars_disabled("peft.foo.bar.baz")

    def test_alternating_levels(self):
        disable_progress_bars("peft")
        enable_progress_bars("peft.foo")
        disable_progress_bars("peft.foo.bar.deep")
        assert are_progress_bars_disabled("peft")
        assert not are_progress_bars_disabled("peft.foo")
        assert not are_progress_bars_disabled("peft.foo.bar")
        assert are_progress_bars_disabled("peft.foo.bar.deep")

    def test_setting_a_group_forgets_its_subgroups(self):
        disable_progress_bars("a.b.c")
        enable_progress_bars("a")
        assert not are_progress_bars_disabled("a.b.c")
        assert tqdm_module.progress_bar_states == {"a": True}

    def test_global_setting_forgets_every_group(self):
        disable_progress_bars("a")
        enable_progress_bars("b")
        disable_progress_bars()
        assert are_progress_bars_disabled("b")
        enable_progress_bars()
        assert not are_progress_bars_disabled("a")
        assert tqdm_module.progress_bar_states == {"_global": True}

    def test_unknown_group_follows_the_global_state(self):
        disable_progress_bars()
        assert are_progress_bars_disabled("never.configured")

    def test_empty_group_name_is_never_consulted(self):
        disable_progress_bars("")
        assert not are_progress_bars_disabled("peft")
        assert not are_progress_bars_disabled()

    def test_bar_uses_its_group(self, capsys):
        disable_progress_bars("lib.downloads")
        run_bar(name="lib.downloads.file")
        assert capsys.readouterr() == ("", "")
        enable_progress_bars("lib.downloads.file")
        run_bar(name="lib.downloads.file")
        assert "10/10" in capsys.readouterr().err

    def test_name_is_consumed_not_passed_to_tqdm(self):
        with pytest.raises(Exception, match="name"):
            vanilla_tqdm(total=1, name="a.b", file=io.StringIO())
        tqdm(total=1, name="a.b", file=io.StringIO()).close()


class TestDisableAsContextManager:
    def test_restores_enabled_state(self):
        with disable_progress_bars() as switch:
            assert isinstance(switch, disable_progress_bars)
            assert are_progress_bars_disabled()
        assert not are_progress_bars_disabled()

    def test_group(self):
        with disable_progress_bars("x.y"):
            assert are_progress_bars_disabled("x.y.z")
            assert not are_progress_bars_disabled("x")
        assert not are_progress_bars_disabled("x.y")

    def test_leaves_an_already_disabled_state_disabled(self):
        disable_progress_bars()
        with disable_progress_bars():
            pass
        assert are_progress_bars_disabled()

    def test_nested_blocks(self):
        with disable_progress_bars():
            with disable_progress_bars():
                assert are_progress_bars_disabled()
            assert are_progress_bars_disabled()
        assert not are_progress_bars_disabled()

    def test_restores_state_when_the_block_raises(self):
        with pytest.raises(RuntimeError):
            with disable_progress_bars():
                raise RuntimeError
        assert not are_progress_bars_disabled()

    def test_silences_bars_inside_the_block_only(self, capsys):
        with disable_progress_bars():
            run_bar()
        assert capsys.readouterr() == ("", "")
        run_bar()
        assert "10/10" in capsys.readouterr().err


class TestIsTqdmDisabled:
    def test_notset_level_disables(self, monkeypatch):
        monkeypatch.setenv("TQDM_POSITION", "-1")
        assert is_tqdm_disabled(logging.NOTSET) is True

    def test_tqdm_position_minus_one_forces_bars_on(self, monkeypatch):
        monkeypatch.setenv("TQDM_POSITION", "-1")
        assert is_tqdm_disabled(logging.INFO) is False
        assert is_tqdm_disabled(logging.ERROR) is False

    @pytest.mark.parametrize("position", [None, "0", "1", "-2"])
    def test_otherwise_tqdm_decides_from_the_tty(self, monkeypatch, position):
        if position is not None:
            monkeypatch.setenv("TQDM_POSITION", position)
        assert is_tqdm_disabled(logging.WARNING) is None


class TestProgressBarContext:
    def test_library_bar_hidden_when_stderr_is_not_a_tty(self):
        with patch.object(sys, "stderr", io.StringIO()):
            with _get_progress_bar_context(desc="file.bin", log_level=logging.INFO, total=10) as bar:
                assert isinstance(bar, tqdm)
                assert bar.disable  # disable=None + non-TTY

    def test_tqdm_position_forces_library_bar_on(self, monkeypatch):
        monkeypatch.setenv("TQDM_POSITION", "-1")
        stderr = io.StringIO()
        with patch.object(sys, "stderr", stderr):
            with _get_progress_bar_context(desc="file.bin", log_level=logging.INFO, total=2048) as bar:
                assert not bar.disable
                bar.update(2048)
        assert "file.bin: 100%" in stderr.getvalue()
        assert "2.05k/2.05k" in stderr.getvalue()  # unit "B" with unit_scale by default

    def test_notset_log_level_disables(self, monkeypatch):
        monkeypatch.setenv("TQDM_POSITION", "-1")
        with _get_progress_bar_context(desc="x", log_level=logging.NOTSET, total=1) as bar:
            assert bar.disable

    def test_group_is_respected(self, monkeypatch):
        monkeypatch.setenv("TQDM_POSITION", "-1")
        disable_progress_bars("foo.bar")
        with _get_progress_bar_context(desc="x", log_level=logging.INFO, total=1, name="foo.bar.baz") as bar:
            assert bar.disable

    def test_shared_bar_is_yielded_and_left_open(self):
        shared = tqdm(total=5, file=io.StringIO())
        with _get_progress_bar_context(desc="x", log_level=logging.INFO, _tqdm_bar=shared) as bar:
            assert bar is shared
        shared.update(1)  # still usable: the context did not close it
        assert shared.n == 1
        shared.close()

    def test_custom_class_gets_neither_disable_nor_name(self, monkeypatch):
        monkeypatch.setattr(constants, "HF_HUB_DISABLE_PROGRESS_BARS", True)
        with patch.object(sys, "stderr", io.StringIO()):
            with _get_progress_bar_context(
                desc="x", log_level=logging.INFO, total=4, tqdm_class=vanilla_tqdm, name="huggingface_hub.x"
            ) as bar:
                assert type(bar) is vanilla_tqdm
                assert not bar.disable  # the custom class decides for itself
                bar.update(4)
                assert bar.n == 4

    def test_initial_and_unit_are_forwarded(self):
        received = {}

        class Recorder(silent_tqdm):
            def __init__(self, *args, **kwargs):
                received.update(kwargs)

        _get_progress_bar_context(
            desc="d", log_level=logging.INFO, total=9, initial=3, unit="it", unit_scale=False, tqdm_class=Recorder
        )
        assert received == {"desc": "d", "total": 9, "initial": 3, "unit": "it", "unit_scale": False}


class TestHelpers:
    def test_silent_tqdm_accepts_anything_and_does_nothing(self, capsys):
        with silent_tqdm(range(3), total=3, desc="x", whatever=1) as bar:
            bar.update()
            bar.update(5)
            bar.update(None)
        assert capsys.readouterr() == ("", "")

    def test_tqdm_stream_file_counts_bytes_read(self, tmp_path, capsys):
        path = tmp_path / "config.json"
        path.write_bytes(b"#" * 1000)
        with tqdm_stream_file(str(path)) as f:
            chunks = []
            while chunk := f.read(300):
                chunks.append(chunk)
        assert b"".join(chunks) == b"#" * 1000
        assert f.closed
        err = capsys.readouterr().err
        assert "config.json: 100%" in err
        assert "1.00k/1.00k" in err

    def test_tqdm_stream_file_read_all(self, tmp_path, capsys):
        path = tmp_path / "a.bin"
        path.write_bytes(b"x" * 10)
        with tqdm_stream_file(path) as f:
            assert f.read() == b"x" * 10
        assert "10.0/10.0" in capsys.readouterr().err

    def test_closing_twice_does_not_raise(self):
        bar = tqdm(total=1, file=io.StringIO())
        bar.close()
        bar.close()
        del bar._lock  # already gone: tolerated, like upstream
        with pytest.raises(AttributeError):
            del bar.not_an_attribute


class TestHfThreadMap:
    def test_results_follow_input_order(self):
        release = {index: threading.Event() for index in range(4)}

        def work(index: int) -> int:
            # Items finish in reverse order: each waits for the next one to be done.
            if index < 3:
                assert release[index + 1].wait(timeout=30)
            release[index].set()
            return index * 10

        assert hf_thread_map(work, range(4), max_workers=4, disable=True) == [0, 10, 20, 30]

    def test_bar_advances_when_any_item_completes(self):
        slow_may_finish = threading.Event()
        advanced = threading.Event()

        class Watching(vanilla_tqdm):
            def update(self, n=1):
                advanced.set()
                return super().update(n)

        def work(index: int) -> int:
            if index == 0:
                assert advanced.wait(timeout=30)  # finishes only once the bar moved for item 1
                slow_may_finish.set()
            return index

        result = hf_thread_map(work, range(2), max_workers=2, tqdm_class=Watching, disable=True)
        assert result == [0, 1]
        assert slow_may_finish.is_set()

    def test_error_cancels_items_not_started(self):
        started = []

        def work(index: int) -> int:
            started.append(index)
            if index == 0:
                raise ValueError("boom")
            return index

        with pytest.raises(ValueError, match="boom"):
            hf_thread_map(work, range(100), max_workers=1, disable=True)
        assert len(started) < 100

    def test_total_defaults_to_item_count_and_kwargs_reach_the_bar(self):
        seen = {}

        class Recorder(silent_tqdm):
            def __init__(self, *args, **kwargs):
                seen.update(kwargs)

        assert hf_thread_map(str, iter([1, 2, 3]), tqdm_class=Recorder, desc="files") == ["1", "2", "3"]
        assert seen == {"total": 3, "desc": "files"}

    def test_bar_class_without_lock_api(self):
        assert hf_thread_map(lambda x: x + 1, range(5), max_workers=2, tqdm_class=silent_tqdm) == [1, 2, 3, 4, 5]

    def test_workers_share_one_bar_lock(self):
        class Custom(vanilla_tqdm):
            pass

        locks = []
        hf_thread_map(
            lambda _: locks.append(Custom.get_lock()), range(6), max_workers=3, tqdm_class=Custom, disable=True
        )
        assert len(locks) == 6
        assert all(lock is locks[0] for lock in locks)

    def test_default_bar_respects_the_switches(self, capsys):
        disable_progress_bars()
        assert hf_thread_map(abs, [-1, -2]) == [1, 2]
        assert capsys.readouterr() == ("", "")

    def test_empty_input(self):
        assert hf_thread_map(abs, [], disable=True) == []


_GROUP_SCRIPT = """
import json, warnings
from unittest.mock import patch
from huggingface_hub.utils import are_progress_bars_disabled as off, disable_progress_bars, enable_progress_bars
from huggingface_hub.utils import _tqdm
groups = [None, "", "peft", "peft.foo", "peft.foo.bar", "peft.footprint", "other"]
steps = [("d", "peft.foo"), ("e", "peft.foo.bar"), ("d", "peft"), ("e", None), ("d", ""), ("d", None),
         ("e", "peft.foo.bar.baz"), ("ctx", "peft"), ("e", "peft"), ("ctx", None)]
out = []
for env in (None, True, False):
    with patch("huggingface_hub.utils._tqdm.HF_HUB_DISABLE_PROGRESS_BARS", env), warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        enable_progress_bars() if env is not True else None
        for action, name in steps:
            if action == "d":
                disable_progress_bars(name)
            elif action == "e":
                enable_progress_bars(name)
            else:
                with disable_progress_bars(name):
                    out.append([off(g) for g in groups])
            out.append([off(g) for g in groups])
        out.append(len(w))
    _tqdm.progress_bar_states.clear()
print(json.dumps(out))
"""


@upstream_compat
def test_group_semantics_match_upstream():
    ours, upstream = ours_and_upstream(_GROUP_SCRIPT)
    assert ours == upstream


_TQDM_POSITION_SCRIPT = """
import json, logging
from huggingface_hub.utils import is_tqdm_disabled
print(json.dumps([is_tqdm_disabled(level) for level in (0, 10, 20, 30, 40)]))
"""


@upstream_compat
@pytest.mark.parametrize("position", ["-1", "0", "2"])
def test_is_tqdm_disabled_matches_upstream(position):
    ours, upstream = ours_and_upstream(_TQDM_POSITION_SCRIPT, TQDM_POSITION=position)
    assert ours == upstream
