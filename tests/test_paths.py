"""Run folders: a non-empty one is refused unless the user asks to resume or overwrite."""

from __future__ import annotations

import pytest

from relnet.errors import RelnetError
from relnet.paths import claim_output_dir


def test_claim_output_dir(tmp_path):
    claim_output_dir(tmp_path / "new", resume=False, overwrite=False)  # missing: fine
    claim_output_dir(tmp_path, resume=False, overwrite=False)  # empty: fine
    (tmp_path / "summary.json").write_text("{}")
    with pytest.raises(RelnetError, match=rf"{tmp_path.name} is not empty: pass --resume"):
        claim_output_dir(tmp_path, resume=False, overwrite=False)
    claim_output_dir(tmp_path, resume=True, overwrite=False)
    claim_output_dir(tmp_path, resume=False, overwrite=True)


def test_outputs_that_cannot_be_written_are_refused_before_any_work(tmp_path):
    from relnet.paths import check_output_file, check_output_folder

    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir").mkdir()
    check_output_file(tmp_path / "new" / "deeper" / "p.tsv")  # missing parents are made when writing
    check_output_file(None)
    check_output_folder(tmp_path / "adir")
    with pytest.raises(RelnetError, match="a folder; give a file name"):
        check_output_file(tmp_path / "adir")
    with pytest.raises(RelnetError, match="afile is a file, not a folder"):
        check_output_file(tmp_path / "afile" / "p.tsv")
    with pytest.raises(RelnetError, match="a file; give a folder"):
        check_output_folder(tmp_path / "afile")


def _folder(path, text: str) -> None:
    path.mkdir()
    (path / "weights").write_text(text)
    (path / "state").write_text(text)


def test_write_folder_swaps_a_whole_folder_in(tmp_path):
    from relnet.paths import write_folder

    write_folder(tmp_path / "last", lambda f: _folder(f, "epoch 1"))
    write_folder(tmp_path / "last", lambda f: _folder(f, "epoch 2"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last"]
    assert {p.read_text() for p in (tmp_path / "last").iterdir()} == {"epoch 2"}


def _half_written(text: str):
    """A write killed after the weights, before the state."""

    def write(folder):
        folder.mkdir()
        (folder / "weights").write_text(text)
        raise KeyboardInterrupt

    return write


def _killed_between_the_renames(folder, text: str, monkeypatch) -> None:
    """`write_folder` of a finished folder, killed at its second rename (the finished folder into place)."""
    from relnet import paths

    real_replace, calls = paths.os.replace, []

    def replace_then_die(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(paths.os, "replace", replace_then_die)
    with pytest.raises(KeyboardInterrupt):
        paths.write_folder(folder, lambda f: _folder(f, text))
    monkeypatch.setattr(paths.os, "replace", real_replace)


def test_a_kill_inside_write_folder_leaves_one_whole_folder(tmp_path, monkeypatch):
    """Killed while writing (the weights written, not the state): the old folder is untouched and the
    unfinished one removed on recovery; killed between the two renames: the finished new one is put back."""
    from relnet.paths import recover_folders, write_folder

    write_folder(tmp_path / "last", lambda f: _folder(f, "epoch 1"))
    with pytest.raises(KeyboardInterrupt):
        write_folder(tmp_path / "last", _half_written("epoch 2"))
    assert (tmp_path / "last" / "weights").read_text() == "epoch 1"
    assert recover_folders(tmp_path, ["last"]) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last"]
    assert {p.read_text() for p in (tmp_path / "last").iterdir()} == {"epoch 1"}

    _killed_between_the_renames(tmp_path / "last", "epoch 2", monkeypatch)
    assert not (tmp_path / "last").exists()  # only last.old and the finished last.partial
    (tmp_path / "notes.old").mkdir()  # not a checkpoint's: left alone
    assert recover_folders(tmp_path, ["best", "last"]) == ["last"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last", "notes.old"]
    assert {p.read_text() for p in (tmp_path / "last").iterdir()} == {"epoch 2"}


def test_write_folder_after_an_unmended_kill_keeps_the_finished_folder(tmp_path, monkeypatch):
    """Killed between the renames, then a run that does not resume (--overwrite) writes the folder again and is
    killed mid-write: the finished folder of the first run must be what a resume finds, not the half-written one."""
    from relnet.paths import recover_folders, write_folder

    write_folder(tmp_path / "last", lambda f: _folder(f, "epoch 1"))
    _killed_between_the_renames(tmp_path / "last", "epoch 2", monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        write_folder(tmp_path / "last", _half_written("epoch 1 again"))
    recover_folders(tmp_path, ["last"])
    assert {p.read_text() for p in (tmp_path / "last").iterdir()} == {"epoch 2"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last"]


def test_write_file_sweeps_what_a_killed_writer_left(tmp_path, monkeypatch):
    """A SIGKILL runs no clean-up: the next write of the same file deletes the dead writer's hidden file once it is
    old enough, and only that one (a live writer's, a recent one's, another host's, other files' stay; a name that
    is no pid is no traceback)."""
    import os
    import socket
    import subprocess
    import sys
    import time

    from relnet import paths
    from relnet.paths import write_text

    host = socket.gethostname()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)  # exited: that pid names no process (unless reused within this test)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        left = {
            "dead": tmp_path / f".documents.jsonl.{host}.{dead_pid}.tmp",
            "live": tmp_path / f".documents.jsonl.{host}.{live.pid}.tmp",
            "other host": tmp_path / f".documents.jsonl.elsewhere.{dead_pid}.tmp",
            "other file": tmp_path / f".pseudo.json.{host}.{dead_pid}.tmp",
        }
        left["dead, recent"] = tmp_path / f".documents.jsonl.{host}.{dead_pid + 1}.tmp"  # if that pid is free too
        left["not a pid"] = tmp_path / f".documents.jsonl.{host}.²{'9' * 30}.tmp"
        for path in left.values():
            path.write_text("half")
        an_hour_ago = time.time() - 3600
        for name, path in left.items():
            if name != "dead, recent":
                os.utime(path, (an_hour_ago, an_hour_ago))
        assert paths._alive(live.pid) and not paths._alive(dead_pid)
        monkeypatch.setattr(paths, "_alive", lambda pid: pid == live.pid)  # whatever runs under dead_pid + 1 now
        write_text(tmp_path / "documents.jsonl", "whole\n")
        assert (tmp_path / "documents.jsonl").read_text() == "whole\n"
        kept = {"live", "other host", "other file", "dead, recent", "not a pid"}
        assert {name for name, path in left.items() if path.exists()} == kept
    finally:
        live.kill()
        live.wait()
