"""Training settings as dataclasses: `TrainConfig` (relations) and `NerConfig` (tagger), checked on creation."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from relnet.errors import RelnetError
from relnet.examples.labels import SCHEMES
from relnet.model.hardware import DEVICES, PRECISIONS
from relnet.model.markers import MARKER_STYLES
from relnet.paths import data_path, resolve_from

log = logging.getLogger("relnet")


# -- what every trainer (relations, NER, masked-LM pretraining) takes about the hardware it runs on ----------------
def precision_field() -> Any:
    return field(default="fp32", metadata={"help": "fp32 | bf16 (autocast; CPUs with AMX / AVX-512 BF16, GPUs) | auto"})


def device_field() -> Any:
    return field(default="auto", metadata={"help": "auto (the GPU where PyTorch sees one, else the CPU) | cpu | cuda"})


def threads_field() -> Any:
    # a share of the cores: recipe scripts with JOBS=N run N trainings side by side (scripts/lib/jobs.bash)
    return field(default=0, metadata={"help": "torch CPU threads (0 = every core this process may use)"})


def _model_from(base: Path, value: str) -> str:
    """A model named in a config file: a path, read relative to the file's folder, or the bare name of a
    registered model (no such folder there), resolved when the run starts."""
    from relnet.registry import entries

    bare = "/" not in value and "\\" not in value and not (base / value).exists()
    return value if bare and value in entries() else resolve_from(base, value)


def check_caps(config: Any, *names: str) -> None:
    """Caps where 0 means "none" (and counts that may be 0) must not be negative: a negative cap would cut from the
    end (``examples[:-1]``), silently."""
    for name in names:
        if getattr(config, name) < 0:
            raise RelnetError(f"{name} must be ≥ 0 (0 = off), got {getattr(config, name)}")


def check_hardware(config: Any) -> None:
    """A config's ``precision`` and ``device`` are known names, and ``threads`` is not negative."""
    if config.threads < 0:
        raise RelnetError(f"threads must be ≥ 0 (0 = every core), got {config.threads}")
    if config.precision not in PRECISIONS:
        raise RelnetError(f"precision must be one of {', '.join(PRECISIONS)}, got {config.precision!r}")
    if config.device not in DEVICES:
        raise RelnetError(f"device must be one of {', '.join(DEVICES)}, got {config.device!r}")


@dataclass
class TrainConfig:
    train: str = field(
        default_factory=lambda: data_path("chemprot/original/training"), metadata={"help": "training split folder"}
    )
    dev: str = field(
        default_factory=lambda: data_path("chemprot/original/development"), metadata={"help": "dev split folder"}
    )
    output_dir: str = field(default="runs/model", metadata={"help": "where the model folder and reports go"})
    scheme: str = field(default="cpr", metadata={"help": "label scheme: cpr | fine | coarse5"})
    encoder: str = field(default="default", metadata={"help": "HF encoder name or folder; default = bundled MiniLM"})
    marker_style: str = field(default="tokens", metadata={"help": "entity markers: tokens | punct (see docs)"})
    max_length: int = field(default=256, metadata={"help": "max tokens per example (window around the pair)"})
    epochs: int = field(default=3, metadata={"help": "training epochs"})
    batch_size: int = field(default=16, metadata={"help": "training batch size"})
    eval_batch_size: int = field(default=64, metadata={"help": "evaluation batch size"})
    lr: float = field(default=6e-5, metadata={"help": "peak learning rate (AdamW)"})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay"})
    warmup_ratio: float = field(default=0.1, metadata={"help": "fraction of steps with linear warmup"})
    max_grad_norm: float = field(default=1.0, metadata={"help": "gradient clipping norm"})
    dropout: float = field(default=0.1, metadata={"help": "dropout before the classifier head"})
    seed: int = field(default=13, metadata={"help": "random seed (data order, init, sampling)"})
    oversample: str = field(default="", metadata={"help": "'' | auto | seed | LABEL=N,… copies per class"})
    class_weights: bool = field(default=False, metadata={"help": "inverse-frequency weighted loss"})
    negative_keep: float = field(default=1.0, metadata={"help": "fraction of negative training pairs kept"})
    patience: int = field(default=2, metadata={"help": "epochs without dev improvement before stopping"})
    max_train_examples: int = field(default=0, metadata={"help": "use the first N training examples (0 = all)"})
    max_dev_examples: int = field(default=0, metadata={"help": "debug: cap on dev examples (0 = all)"})
    max_steps: int = field(default=0, metadata={"help": "debug: stop after this many steps (0 = no cap)"})
    extra_train: list[str] = field(
        default_factory=list, metadata={"help": "more training data: DrugProt folders, `relnet synth` corpora"}
    )
    extra_ratio: float = field(
        default=0.0, metadata={"help": "cap the extra data at this multiple of the real training size (0 = all)"}
    )
    extra_dedupe: bool = field(
        default=True,
        metadata={"help": "drop extra documents that re-annotate a --train document (DrugProt re-uses ChemProt text)"},
    )
    init_from: str = field(
        default="", metadata={"help": "start from a trained relnet model (folder or registered name; same labels)"}
    )
    threads: int = threads_field()
    precision: str = precision_field()
    device: str = device_field()
    teacher: list[str] = field(
        default_factory=list,
        metadata={"help": "distil from these models (folders or registered names; repeat; mean of probabilities)"},
    )
    distill_alpha: float = field(
        default=0.5, metadata={"help": "weight of the gold labels' loss; 1 − it on the teacher's (with --teacher)"}
    )
    distill_temperature: float = field(default=2.0, metadata={"help": "softmax temperature of the distillation"})
    calibration_holdout: float = field(
        default=0.0,
        metadata={"help": "hold out this fraction of --train documents to set the negative class's offset (cpr)"},
    )

    def __post_init__(self) -> None:
        if not 0 <= self.distill_alpha <= 1:
            raise RelnetError(f"distill_alpha must be in [0, 1], got {self.distill_alpha}")
        if self.distill_temperature <= 0:
            raise RelnetError(f"distill_temperature must be > 0, got {self.distill_temperature}")
        if not 0 <= self.calibration_holdout < 1:
            raise RelnetError(f"calibration_holdout must be in [0, 1), got {self.calibration_holdout}")
        if self.calibration_holdout and self.scheme in SCHEMES and SCHEMES[self.scheme].negative is None:
            raise RelnetError(f"calibration_holdout needs a scheme with a negative class (cpr), not {self.scheme!r}")
        check_hardware(self)
        if self.scheme not in SCHEMES:
            raise RelnetError(f"scheme must be one of {', '.join(SCHEMES)}, got {self.scheme!r}")
        if self.marker_style not in MARKER_STYLES:
            raise RelnetError(f"marker_style must be one of {', '.join(MARKER_STYLES)}, got {self.marker_style!r}")
        for name in ("epochs", "batch_size", "eval_batch_size"):
            if getattr(self, name) < 1:
                raise RelnetError(f"{name} must be at least 1, got {getattr(self, name)}")
        if not 0 < self.lr < 1:
            raise RelnetError(f"lr must be in (0, 1), got {self.lr}")
        if not 0 <= self.warmup_ratio < 1:
            raise RelnetError(f"warmup_ratio must be in [0, 1), got {self.warmup_ratio}")
        if self.max_length < 16:
            raise RelnetError(f"max_length must be at least 16, got {self.max_length}")
        if not 0 < self.negative_keep <= 1:
            raise RelnetError(f"negative_keep must be in (0, 1], got {self.negative_keep}")
        if self.extra_ratio < 0:
            raise RelnetError(f"extra_ratio must be ≥ 0, got {self.extra_ratio}")
        if not 0 <= self.dropout < 1:
            raise RelnetError(f"dropout must be in [0, 1), got {self.dropout}")
        check_caps(self, "max_train_examples", "max_dev_examples")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_file(cls, path: str | Path, **overrides: Any) -> TrainConfig:
        """A preset from ``configs/*.json``; unknown keys are an error, not silently ignored.

        Paths in the file (data folders, ``init_from``, ``output_dir``, an encoder folder) are read relative to
        the file's folder, so a preset works from any working directory; ``overrides`` (command-line flags) are
        taken as given.
        """
        try:
            data = json.loads(Path(path).read_text())
        except OSError as err:
            raise RelnetError(f"{path}: cannot read the config ({err.strerror})") from err
        except json.JSONDecodeError as err:
            raise RelnetError(f"{path}: line {err.lineno}: not valid JSON ({err.msg})") from err
        if not isinstance(data, dict):
            raise RelnetError(f"{path}: a config is a JSON object of settings, got a {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise RelnetError(f"{path}: unknown config keys {sorted(unknown)}")
        _check_types(path, cls, data)
        base = Path(path).resolve().parent
        for key in ("train", "dev", "output_dir"):
            if data.get(key):
                data[key] = resolve_from(base, data[key])
        data["extra_train"] = [resolve_from(base, x) for x in data.get("extra_train", [])]
        if data.get("init_from"):
            data["init_from"] = _model_from(base, data["init_from"])
        data["teacher"] = [_model_from(base, x) for x in data.get("teacher", [])]
        if data.get("encoder") and (base / data["encoder"]).exists():  # a folder, not a hub name
            data["encoder"] = resolve_from(base, data["encoder"])
        for key in ("extra_train", "teacher"):
            if overrides.get(key) is None:
                continue
            given = {str(Path(x).resolve()) for x in overrides[key]}
            dropped = [x for x in data[key] if str(Path(x).resolve()) not in given]
            if dropped:
                # A list flag replaces the preset's list; said aloud because silently dropping DrugProt costs 0.02.
                log.warning(
                    "--%s replaces %s's %s, dropping %s; name them again to keep them",
                    key.replace("_", "-"), Path(path).name, key, dropped,
                )  # fmt: skip
        data.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**data)


# JSON types a field's annotation accepts (annotations are strings under `from __future__ import annotations`)
_JSON_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}


def _check_types(path: str | Path, cls: type, data: dict[str, Any]) -> None:
    """A value of the wrong JSON type is named with its file and key, not met later as a TypeError."""
    for f in fields(cls):
        if f.name not in data:
            continue
        value, kind = data[f.name], str(f.type)
        if kind == "list[str]":
            ok = isinstance(value, list) and all(isinstance(x, str) for x in value)
        elif kind not in _JSON_TYPES:
            continue  # a type this check does not know: the dataclass's own checks apply
        else:
            # bool is an int to Python; `"epochs": true` is still a mistake
            ok = isinstance(value, _JSON_TYPES[kind]) and (kind == "bool" or not isinstance(value, bool))
        if not ok:
            want = {"list[str]": "a list of strings", "int": "an integer"}.get(kind, f"a {kind}")
            raise RelnetError(f"{path}: {f.name} must be {want}, got {json.dumps(value)}")


@dataclass
class NerConfig:
    train: str = field(
        default_factory=lambda: data_path("chemprot/original/training"), metadata={"help": "training split"}
    )
    dev: str = field(default_factory=lambda: data_path("chemprot/original/development"), metadata={"help": "dev split"})
    output_dir: str = field(default="runs/ner", metadata={"help": "model folder and reports"})
    encoder: str = field(default="default", metadata={"help": "HF encoder name or folder"})
    keep_gene_types: bool = field(default=False, metadata={"help": "tag GENE-Y and GENE-N apart"})
    tagging: str = field(
        default="layered", metadata={"help": "layered (one BIO sequence per type: nested mentions kept) | flat"}
    )
    extra_train: list[str] = field(default_factory=list, metadata={"help": "more training folders (DrugProt)"})
    extra_dedupe: bool = field(
        default=True, metadata={"help": "drop extra documents that re-annotate a --train document"}
    )
    max_length: int = field(default=192, metadata={"help": "tokens per window"})
    epochs: int = field(default=3, metadata={"help": "training epochs"})
    batch_size: int = field(default=16, metadata={"help": "batch size"})
    lr: float = field(default=1e-4, metadata={"help": "peak learning rate"})
    warmup_ratio: float = field(default=0.1, metadata={"help": "warmup fraction"})
    weight_decay: float = field(default=0.01, metadata={"help": "AdamW weight decay"})
    max_grad_norm: float = field(default=1.0, metadata={"help": "clipping norm"})
    seed: int = field(default=13, metadata={"help": "random seed"})
    patience: int = field(default=2, metadata={"help": "early-stopping patience (epochs)"})
    max_train_docs: int = field(default=0, metadata={"help": "debug: cap on training documents"})
    max_dev_docs: int = field(default=0, metadata={"help": "debug: cap on dev documents"})
    threads: int = threads_field()
    precision: str = precision_field()
    device: str = device_field()

    def __post_init__(self) -> None:
        check_hardware(self)
        if self.epochs < 1 or self.batch_size < 1:
            raise RelnetError("epochs and batch_size must be at least 1")
        if self.max_length < 16:
            raise RelnetError(f"max_length must be at least 16, got {self.max_length}")
        check_caps(self, "max_train_docs", "max_dev_docs")
        if self.tagging not in ("flat", "layered"):
            raise RelnetError(f"tagging must be flat or layered, got {self.tagging!r}")
        if not 0 < self.lr < 1:
            raise RelnetError(f"lr must be in (0, 1), got {self.lr}")
