"""Where relnet finds the shared corpora when no path is given, so commands work from any folder.

``RELNET_DATA`` if set; else the ``shared/data`` folder beside a source checkout (``../shared/data`` seen from
the repository root, as laid out for development and CI); else ``../shared/data`` from the working directory.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from relnet.errors import RelnetError


def data_dir() -> Path:
    if os.environ.get("RELNET_DATA"):
        return Path(os.environ["RELNET_DATA"])
    beside_checkout = Path(__file__).resolve().parents[2] / "shared" / "data"
    return beside_checkout if beside_checkout.is_dir() else Path("../shared/data")


def data_path(relative: str) -> str:
    """``relative`` (e.g. ``chemprot/original/training``) under `data_dir`, as a string for configs."""
    return str(data_dir() / relative)


def resolve_from(base: Path, value: str) -> str:
    """A path written in a config file, read relative to that file's folder (absolute paths unchanged)."""
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base / path).resolve())


def claim_output_dir(out: Path, resume: bool, overwrite: bool) -> None:
    """Refuse a non-empty run folder unless the user said to continue it or start again: a typo in
    ``--output-dir`` must not silently mix two runs' files."""
    if out.exists() and any(out.iterdir()) and not (resume or overwrite):
        raise RelnetError(f"{out} is not empty: pass --resume to continue it or --overwrite to start again")


def check_output_file(path: str | Path | None, reads: Sequence[str | Path] = ()) -> None:
    """Refuse, before any work, a file to write that cannot be: a folder of that name, or a parent that is a file
    (otherwise a long prediction ends in an error); or one of ``reads``, the files the command reads (writing
    over its own store would destroy what was mined)."""
    if path is None:
        return
    path = Path(path)
    for source in reads:
        if path.exists() and Path(source).exists() and path.samefile(source):
            raise RelnetError(f"{path}: the command reads this file; give another file to write")
    if path.is_dir():
        raise RelnetError(f"{path}: a folder; give a file name to write")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise RelnetError(f"{path}: {parent} is a file, not a folder")
            break


def check_output_folder(path: str | Path) -> None:
    """Refuse, before any work, a folder to write into that is a file (or lies under one)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise RelnetError(f"{path}: a file; give a folder for the reports")
    check_output_file(path / "x")


def write_file(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Write the file ``path`` whole or not at all: ``write`` fills a hidden sibling (one per process, so two
    writers never share it), which then replaces ``path`` in one rename. Recipe scripts take a file's presence
    (``summary.json``, ``documents.jsonl``, ``pseudo.json``) for "this step is done": a run killed mid-write must
    leave no such file, or a truncated corpus would pass for a finished one."""
    path = Path(path)
    _sweep_stale(path)
    tmp = path.with_name(f".{path.name}.{socket.gethostname()}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


STALE_SECONDS = 600  # a hidden file untouched this long, of a process gone, is a killed writer's


def _sweep_stale(path: Path) -> None:
    """Delete what a killed writer of ``path`` on this host left: its hidden file names a process that no longer
    exists and has not changed for `STALE_SECONDS` (a SIGKILL runs no clean-up; a pseudo-tagged corpus left behind
    can be hundreds of MiB). The age guards writers that share the host name but not the process numbers
    (containers on the host's network writing one bind-mounted folder). Another host's files are left alone."""
    prefix = f".{path.name}.{socket.gethostname()}."
    try:
        siblings = [p for p in path.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(".tmp")]
    except OSError:  # no folder yet: nothing to sweep (the write itself reports it)
        return
    for stale in siblings:
        pid = stale.name[len(prefix) : -len(".tmp")]
        if not re.fullmatch(r"[0-9]{1,9}", pid) or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        try:
            if time.time() - stale.stat().st_mtime > STALE_SECONDS:
                stale.unlink()
        except OSError:  # gone meanwhile, or not ours to delete: the write goes on
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    return True


def write_text(path: str | Path, text: str) -> Path:
    """`write_file` for a text (UTF-8)."""
    return write_file(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


PARTIAL, OLD = ".partial", ".old"


def write_folder(folder: str | Path, write: Callable[[Path], object]) -> Path:
    """Write ``folder`` whole or not at all: ``write`` fills the sibling ``NAME.partial``, which then takes the
    folder's place by two renames. A process killed at any point (a session's end, a full disk) leaves the old
    folder or the new one, never the new weights beside the old optimiser state; `recover_folders` tidies up."""
    folder = Path(folder)
    partial, old = folder.with_name(folder.name + PARTIAL), folder.with_name(folder.name + OLD)
    recover_folders(folder.parent, [folder.name])  # an earlier kill's finished .partial, put back before it goes
    write(partial)
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(partial, folder)  # between these two renames only NAME.old and the finished NAME.partial exist
    shutil.rmtree(old, ignore_errors=True)
    return folder


def recover_folders(parent: str | Path, names: Sequence[str]) -> list[str]:
    """What a kill inside `write_folder` left of the folders ``names`` in ``parent``, made whole: a folder missing
    beside its ``.old`` copy gets the finished ``.partial`` (else the old copy) back; any other leftover (an
    unfinished write, an old copy not yet deleted) is removed. Returns the names of the folders put back."""
    parent = Path(parent)
    restored = []
    for name in names:
        folder = parent / name
        partial, old = parent / (name + PARTIAL), parent / (name + OLD)
        if old.is_dir() and not folder.exists():
            os.replace(partial if partial.is_dir() else old, folder)
            restored.append(name)
        for leftover in (partial, old):
            shutil.rmtree(leftover, ignore_errors=True)
    return restored
