"""Built models by name: ``RELNET_HOME/models.json`` (default ``~/.cache/relnet``).

`relnet build` registers what it trained (a relation model and an NER tagger) under a name and makes it the
default; every command that takes ``--model`` / ``--ner-model`` accepts a registered name or a folder, and
`relnet serve` without ``--model`` serves the default.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from relnet.errors import RelnetError

REGISTRY = "models.json"


def home() -> Path:
    if os.environ.get("RELNET_HOME"):
        return Path(os.environ["RELNET_HOME"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "relnet"


@dataclass
class ModelEntry:
    name: str
    relations: str  # a relation model folder (…/best)
    ner: str = ""  # an NER model folder, if built with one
    profile: str = ""
    scores: dict = field(default_factory=dict)
    created: str = ""


def _read() -> dict:
    path = home() / REGISTRY
    if not path.is_file():
        return {"default": "", "models": {}}
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise RelnetError(f"{path}: line {err.lineno}: not valid JSON ({err.msg}); fix or delete it") from err


def entries() -> dict[str, ModelEntry]:
    return {name: ModelEntry(**e) for name, e in _read()["models"].items()}


def default_name() -> str:
    return _read().get("default", "")


def register(entry: ModelEntry, make_default: bool = True) -> Path:
    """Add (or replace) ``entry``; returns the registry file."""
    data = _read()
    entry.created = entry.created or datetime.now(UTC).isoformat(timespec="seconds")
    entry.relations = str(Path(entry.relations).resolve())
    entry.ner = str(Path(entry.ner).resolve()) if entry.ner else ""
    data["models"][entry.name] = asdict(entry)
    if make_default or not data.get("default"):
        data["default"] = entry.name
    path = home() / REGISTRY
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.replace(path)
    return path


def resolve(value: str | Path | None, part: str = "relations") -> Path:
    """A model folder from a folder path, a registered name, or (``None``) the default registered model.

    ``part``: ``relations`` or ``ner`` (which folder of a registered entry).
    """
    if value is not None and Path(value).exists():
        return Path(value)
    known = entries()
    name = str(value) if value is not None else default_name()
    if not name:
        raise RelnetError("no model given and none registered: build one with `relnet build` (or pass --model PATH)")
    if name not in known:
        listed = ", ".join(sorted(known)) or "none"
        raise RelnetError(f"{value}: neither a model folder nor a registered model (registered: {listed})")
    folder = getattr(known[name], part)
    if not folder:
        raise RelnetError(f"registered model {name!r} has no {part} model")
    if not Path(folder).exists():
        raise RelnetError(f"registered model {name!r}: {folder} is gone; rebuild it with `relnet build`")
    return Path(folder)
