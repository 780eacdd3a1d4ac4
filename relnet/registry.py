"""Built models by name: ``RELNET_HOME/models.json`` (default ``~/.cache/relnet``).

`relnet build` registers what it trained (a relation model and an NER tagger) under a name and makes it the
default; `relnet models add` registers models trained elsewhere (a self-trained student, a tagger from
`scripts/build_best_ner.sh`). Every command that takes ``--model`` / ``--ner-model`` accepts a registered name or a
folder, and `relnet serve` / `relnet mine` without ``--model`` use the default.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

from relnet.errors import RelnetError

REGISTRY = "models.json"
#: The file that marks each kind of model folder: the ``META_FILE`` of `relnet.model.classifier` and of
#: `relnet.mentions.ner_model`, named here so that the registry (and `relnet models`) need not import torch.
META_FILES = {"relations": "relnet_model.json", "ner": "relnet_ner.json"}


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
        data = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise RelnetError(f"{path}: line {err.lineno}: not valid JSON ({err.msg}); fix or delete it") from err
    known = {f.name for f in fields(ModelEntry)}
    shaped = isinstance(data, dict) and isinstance(data.get("models"), dict)
    shaped = (
        shaped
        and isinstance(data.get("default", ""), str)
        and all(
            isinstance(e, dict) and isinstance(e.get("relations"), str) and set(e) <= known
            for e in data["models"].values()
        )
    )
    if not shaped:
        raise RelnetError(f"{path}: not a relnet model registry (expected {{\"default\": NAME, \"models\": {{NAME: "
                          f"{{{', '.join(sorted(known))}}}}}}}); fix or delete it")  # fmt: skip
    return data


def entries() -> dict[str, ModelEntry]:
    return {name: ModelEntry(**{"name": name, **e}) for name, e in _read()["models"].items()}


def default_name() -> str:
    return _read().get("default", "")


def _write(data: dict) -> Path:
    path = home() / REGISTRY
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.replace(path)
    return path


def model_meta(folder: str | Path, part: str) -> dict:
    """The metadata of a relation (``part="relations"``) or NER (``"ner"``) model folder; a clear error otherwise."""
    folder = Path(folder)
    meta_file = folder / META_FILES[part]
    if not meta_file.is_file():
        other = next((p for p, f in META_FILES.items() if p != part and (folder / f).is_file()), None)
        hint = f" (it is a {other} model)" if other else ""
        raise RelnetError(f"{folder}: not a relnet {part} model folder, no {META_FILES[part]}{hint}")
    try:
        return json.loads(meta_file.read_text())
    except json.JSONDecodeError as err:
        raise RelnetError(f"{meta_file}: line {err.lineno}: not valid JSON ({err.msg})") from err


def add(name: str, relations: str | Path, ner: str | Path | None = None, make_default: bool = True) -> ModelEntry:
    """Register model folders trained outside `relnet build`, checking that each is the kind it is given as; the
    dev scores their trainers stored (best epoch) are recorded under `relnet build`'s keys."""
    check_name(name)
    rel = model_meta(relations, "relations")
    if not (Path(relations) / "model.safetensors").is_file():
        raise RelnetError(f"{relations}: no model.safetensors beside {META_FILES['relations']}: an unfinished copy?")
    scores = {"relations_dev_micro_f1": ((rel.get("dev_scores") or {}).get("micro") or {}).get("f1")}
    if ner:
        scores["ner_dev_strict_f1"] = (model_meta(ner, "ner").get("dev_scores") or {}).get("micro_f1")
    scheme = rel.get("scheme", "")
    entry = ModelEntry(name, str(relations), str(ner or ""), f"added:{scheme}" if scheme else "added", scores)
    register(entry, make_default)
    return entry


def check_name(name: str) -> None:
    """A model name is one word without slashes (it is a key, and `relnet build` makes ``runs/NAME`` of it)."""
    if not name.strip() or Path(name).name != name:
        raise RelnetError(f"{name!r}: a model name is one word without slashes")


def set_default(name: str) -> None:
    data = _read()
    if name not in data["models"]:
        listed = ", ".join(sorted(data["models"])) or "none"
        raise RelnetError(f"{name}: not a registered model (registered: {listed})")
    data["default"] = name
    _write(data)


def remove(name: str) -> None:
    """Forget ``name`` (its folders stay on disk); the default passes to the newest remaining model."""
    data = _read()
    if name not in data["models"]:
        raise RelnetError(f"{name}: not a registered model")
    del data["models"][name]
    if data.get("default") == name:
        newest = max(data["models"].items(), key=lambda kv: str(kv[1].get("created", "")), default=None)
        data["default"] = newest[0] if newest else ""  # the key: an entry written by hand may lack "name"
    _write(data)


def register(entry: ModelEntry, make_default: bool = True) -> Path:
    """Add (or replace) ``entry``; returns the registry file."""
    check_name(entry.name)
    data = _read()
    entry.created = entry.created or datetime.now(UTC).isoformat(timespec="seconds")
    entry.relations = str(Path(entry.relations).resolve())
    entry.ner = str(Path(entry.ner).resolve()) if entry.ner else ""
    data["models"][entry.name] = asdict(entry)
    if make_default or not data.get("default"):
        data["default"] = entry.name
    return _write(data)


def own_tagger(model: str | Path | None) -> Path | None:
    """The NER model registered with ``model`` (a registered name, or ``None``: the default), if it has one that is
    there; ``None`` for a folder path or a model registered without a tagger."""
    if model is not None and Path(model).exists():
        return None
    entry = entries().get(str(model) if model is not None else default_name())
    return Path(entry.ner) if entry is not None and entry.ner and Path(entry.ner).exists() else None


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
        raise RelnetError(f"registered model {name!r}: {folder} is gone; rebuild it, or `relnet models remove {name}`")
    return Path(folder)
