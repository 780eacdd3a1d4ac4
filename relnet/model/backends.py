"""Where a model's forward pass runs: PyTorch fp32 or bf16 autocast, ONNX Runtime fp32 or int8.

Both trained models (the relation classifier and the NER tagger) run through a `Runner`: a callable from
a batch of int64 tensors (``input_ids``, ``attention_mask``, …) to float32 logits. Backends:

- ``fp32``: PyTorch, as trained.
- ``bf16``: PyTorch under ``torch.autocast`` (bfloat16 matmuls, fp32 elsewhere). Fast only where the CPU
  computes bf16 natively (AMX, AVX-512 BF16); elsewhere oneDNN emulates it and it is slower than fp32.
- ``onnx``: ONNX Runtime, fp32, full graph optimisations; the graph is exported into the model folder.
- ``int8``: ONNX Runtime with dynamic int8 quantisation (per-channel weights, activations quantised per
  batch; VNNI/AMX int8 kernels where present).
- ``cuda``: PyTorch in fp32 on an NVIDIA GPU (the model's weights move there; batches follow, logits come
  back to the CPU). Same labels as ``fp32`` up to rounding, so not lossy.
- ``auto``: ``cuda`` where PyTorch sees a GPU, else the fastest backend measured on this kind of CPU whose F1
  stayed within 0.005 of fp32 (docs/results.md §11): see `resolve_backend`.

A backend the machine cannot run (bf16 without bf16 instructions, ONNX without onnxruntime, cuda without a GPU)
falls back to fp32 with a one-line notice, never an error. Training picks its device apart (`resolve_device`):
there an explicit ``cuda`` without a GPU is an error, since a run silently moved to the CPU takes ~50× as long.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import torch
from torch import nn

from relnet.errors import RelnetError
from relnet.model.hardware import BACKENDS, DEVICES, LOSSY, PRECISIONS, CpuInfo, cores, cpu_info, onnx_available
from relnet.model.identity import weights_digest

log = logging.getLogger("relnet")

__all__ = ["BACKENDS", "DEVICES", "LOSSY", "PRECISIONS", "CpuInfo", "OnnxRunner", "Runner", "TorchRunner", "autocast",
           "backend_device", "cores", "cpu_info", "cuda_available", "onnx_available", "resolve_backend",
           "resolve_device", "resolve_precision", "set_threads", "to_device"]  # fmt: skip

ONNX_DIR = "onnx"
OPSET = 17


def set_threads(threads: int = 0) -> int:
    """One intra-op pool sized to the cores (or ``threads``) for PyTorch; returns the count (ONNX Runtime's
    sessions take the same)."""
    n = threads or cores()
    torch.set_num_threads(n)
    return n


# -- choosing ----------------------------------------------------------------------------------
def check_backend(name: str) -> None:
    """``name`` is a backend relnet knows (checked before any work; whether this machine runs it is
    `resolve_backend`'s question)."""
    if name not in BACKENDS:
        raise RelnetError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")


def resolve_backend(name: str, cpu: CpuInfo | None = None, kind: str = "relations") -> str:
    """``auto`` → the measured choice for this CPU and model ``kind`` (``relations`` or ``ner``); an unrunnable
    backend → ``fp32`` with a notice.

    Measured (docs/results.md §11, AMD EPYC with AVX-512 BF16 and VNNI): relations — bf16 autocast 1.75× at
    −0.0007 official F1, ONNX int8 2.5× but −0.006 (over the 0.005 budget), ONNX fp32 1.1× at ±0; NER alone — ONNX
    int8 2.7× at −0.0005 strict F1, bf16 1.45×; but mining with an int8 tagger lost 0.005 end to end (bf16: −0.001)
    at no gain in abstracts/s. So both models: bf16 where the CPU has native bf16, else ONNX fp32 (``kind`` is kept
    for per-model choices as more CPUs are measured). On an AVX2-only EPYC (§11, session 15) ONNX fp32 gave 1.18×
    on relations and 1.29× mining at identical labels, the tagger alone 0.97×; int8 without VNNI only 1.2–1.3×.
    """
    check_backend(name)
    cpu = cpu or cpu_info()
    if name == "auto" and cuda_available():
        return "cuda"
    if name == "cuda" and not cuda_available():
        log.warning("notice: PyTorch sees no CUDA GPU here; running fp32 on the CPU instead")
        return "fp32"
    if name == "auto":
        if cpu.native_bf16 and torch.backends.mkldnn.is_available():
            return "bf16"
        return "onnx" if onnx_available() else "fp32"
    if name == "bf16" and not (cpu.native_bf16 and torch.backends.mkldnn.is_available()):
        log.warning("notice: this CPU (%s) has no bf16 instructions; running fp32 instead", cpu.model)
        return "fp32"
    if name in ("onnx", "int8") and not onnx_available():
        log.warning("notice: onnxruntime is not installed (pip install onnxruntime onnx); running fp32 instead")
        return "fp32"
    return name


def resolve_precision(name: str, cpu: CpuInfo | None = None, device: torch.device | str = "cpu") -> str:
    """Training precision: ``auto`` → bf16 where the device computes it natively (a CPU with AVX-512 BF16 or
    AMX, a GPU from Ampere on), else fp32; bf16 without → fp32 with a notice."""
    if name not in PRECISIONS:
        raise RelnetError(f"unknown precision {name!r}; choose one of {', '.join(PRECISIONS)}")
    if torch.device(device).type == "cuda":
        native, what = torch.cuda.is_bf16_supported(), f"this GPU ({torch.cuda.get_device_name()})"
    else:
        cpu = cpu or cpu_info()
        native, what = cpu.native_bf16 and torch.backends.mkldnn.is_available(), f"this CPU ({cpu.model})"
    if name == "auto":
        return "bf16" if native else "fp32"
    if name == "bf16" and not native:
        log.warning("notice: %s has no bf16 instructions; training in fp32 instead", what)
        return "fp32"
    return name


def cuda_available() -> bool:
    return torch.cuda.is_available()


def resolve_device(name: str = "auto") -> torch.device:
    """Where training runs: ``auto`` → the GPU where PyTorch sees one, else the CPU. An explicit ``cuda`` with
    no GPU is an error (not a fallback): the run would take hours longer than asked for."""
    if name not in DEVICES:
        raise RelnetError(f"unknown device {name!r}; choose one of {', '.join(DEVICES)}")
    if name == "cpu" or (name == "auto" and not cuda_available()):
        return torch.device("cpu")
    if not cuda_available():
        raise RelnetError(
            "--device cuda: PyTorch sees no CUDA GPU here (torch.cuda.is_available() is False; a CPU-only torch "
            "build or no driver); use --device cpu, or auto to take a GPU only where there is one"
        )
    # a seed gives the same run on the GPU too: cuBLAS's fixed workspace (read when its first handle is made, so
    # before any matmul) and the deterministic kernels (a notice where an op has none, never a failed run)
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.backends.cudnn.benchmark = False
    torch.use_deterministic_algorithms(True, warn_only=True)
    # attention: the cuDNN, flash and memory-efficient kernels' backward passes are not deterministic (seen on an
    # H200: "cuDNN Attention defaults to a non-deterministic algorithm"); the math kernel is, and at MiniLM's
    # sizes costs little
    for enable in (torch.backends.cuda.enable_cudnn_sdp, torch.backends.cuda.enable_flash_sdp,
                   torch.backends.cuda.enable_mem_efficient_sdp):  # fmt: skip
        enable(False)
    return torch.device("cuda")


def autocast(precision: str, device_type: str = "cpu") -> torch.autocast:
    """The context a forward pass runs in: bf16 autocast (weights stay fp32) or a no-op for fp32."""
    return torch.autocast(device_type, dtype=torch.bfloat16, enabled=precision == "bf16")


def backend_device(backend: str) -> torch.device:
    """Where a backend's model lives: the GPU for ``cuda``, else the CPU."""
    return torch.device("cuda" if backend == "cuda" else "cpu")


def to_device(batch: dict[str, torch.Tensor], device: torch.device) -> dict[str, torch.Tensor]:
    """A collated batch moved to ``device`` (a no-op on the CPU)."""
    return {k: v.to(device, non_blocking=True) for k, v in batch.items()}


# -- runners -----------------------------------------------------------------------------------
Batch = dict[str, torch.Tensor]


class Runner(Protocol):
    backend: str

    def __call__(self, batch: Batch) -> torch.Tensor:
        """Float32 logits for a batch of int64 inputs."""
        ...


class TorchRunner:
    """PyTorch forward: fp32 or bf16 autocast on the CPU, fp32 on the GPU (``cuda``; the model must be there).
    ``forward(batch) → logits`` is the model's own call; logits come back as float32 on the CPU."""

    def __init__(self, forward: Callable[[Batch], torch.Tensor], backend: str = "fp32") -> None:
        self.forward = forward
        self.backend = backend
        self.device = backend_device(backend)

    def __call__(self, batch: Batch) -> torch.Tensor:
        with torch.inference_mode(), autocast(self.backend):
            return self.forward(to_device(batch, self.device)).float().cpu()


class OnnxRunner:
    """An ONNX Runtime session on the CPU with one intra-op pool (threads = cores unless given)."""

    def __init__(self, path: str | Path, backend: str, threads: int = 0) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or cores()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3  # warnings about unused initialisers are noise
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.backend = backend
        self.path = Path(path)

    def __call__(self, batch: Batch) -> torch.Tensor:
        feeds = {name: batch[name].numpy() for name in self.inputs}
        return torch.from_numpy(self.session.run(None, feeds)[0]).float()


# -- export ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OnnxSpec:
    """How to export one model: input names (all int64), which have a sequence axis, the output name."""

    inputs: tuple[str, ...]
    sequence_inputs: tuple[str, ...]
    output: str = "logits"
    output_has_sequence: bool = False


def export_onnx(module: nn.Module, example: Batch, spec: OnnxSpec, path: Path) -> Path:
    """Trace ``module(**inputs) → logits`` to an ONNX graph with dynamic batch and sequence axes."""
    import warnings

    axes = {n: ({0: "batch", 1: "sequence"} if n in spec.sequence_inputs else {0: "batch"}) for n in spec.inputs}
    axes[spec.output] = {0: "batch", 1: "sequence"} if spec.output_has_sequence else {0: "batch"}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    module = module.eval()
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings about Python control flow on shapes: checked by tests
        torch.onnx.export(
            module, tuple(example[n] for n in spec.inputs), str(tmp), input_names=list(spec.inputs),
            output_names=[spec.output], dynamic_axes=axes, opset_version=OPSET, dynamo=False,
        )  # fmt: skip
    tmp.replace(path)  # an interrupted export never leaves a half-written graph behind
    return path


def quantize_int8(fp32_path: Path, int8_path: Path, exclude: tuple[str, ...] = ()) -> Path:
    """Dynamic int8 quantisation of an exported graph: per-channel int8 weights, activations quantised per batch.

    ``exclude``: node-name substrings kept in fp32 (e.g. the classifier head, where a measurement shows a loss).
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    nodes = [n.name for n in onnx.load(str(fp32_path), load_external_data=False).graph.node]
    skip = [n for n in nodes if any(x in n for x in exclude)]
    skip += [f"{n}_MatMul" for n in skip]  # the quantiser first rewrites a Gemm into MatMul + Add under this name
    tmp = int8_path.with_suffix(".tmp")
    root = logging.getLogger()
    level = root.level
    root.setLevel(max(level, logging.WARNING))  # the quantiser logs every tensor at INFO
    try:
        quantize_dynamic(
            str(fp32_path), str(tmp), per_channel=True, weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Gemm"], nodes_to_exclude=skip,
        )  # fmt: skip
    finally:
        root.setLevel(level)
    tmp.replace(int8_path)
    return int8_path


def onnx_graph(
    folder: str | Path,
    backend: str,
    make_module: Callable[[], nn.Module],
    example: Callable[[], Batch],
    spec: OnnxSpec,
    digest_files: tuple[str, ...],
    int8_exclude: tuple[str, ...] | None = None,
) -> Path:
    """The ONNX graph of a model folder for ``backend`` (``onnx`` or ``int8``), exported on first use.

    Graphs live in ``FOLDER/onnx/`` with ``export.json`` naming the weights' hash; changed weights mean a new
    export. ``int8_exclude``: node-name substrings kept in fp32 when quantising (None: as the folder was last
    quantised). A read-only model folder exports into the temp folder instead (keyed by the same hash).
    """
    digest = weights_digest(folder, digest_files)
    target = Path(folder) / ONNX_DIR
    if not _writable(target):
        target = Path(tempfile.gettempdir()) / "relnet-onnx" / digest
    record = target / "export.json"
    fp32, int8 = target / "model.onnx", target / "model.int8.onnx"
    current = json.loads(record.read_text()) if record.is_file() else {}
    if current.get("weights") != digest or not fp32.is_file():
        log.info("exporting %s to ONNX (%s)", folder, fp32)
        export_onnx(make_module(), example(), spec, fp32)
        int8.unlink(missing_ok=True)
        current = {"weights": digest, "opset": OPSET, "torch": torch.__version__}
        record.write_text(json.dumps(current, indent=2))
    if int8_exclude is None:  # keep the folder's choice (`relnet export --int8-exclude`), else quantise everything
        int8_exclude = tuple(current.get("int8_exclude", ()))
    if backend == "int8" and (not int8.is_file() or current.get("int8_exclude") != list(int8_exclude)):
        log.info("quantising %s to int8", fp32)
        quantize_int8(fp32, int8, int8_exclude)
        record.write_text(json.dumps({**current, "int8_exclude": list(int8_exclude)}, indent=2))
    return int8 if backend == "int8" else fp32


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_text("")
        probe.unlink()
        return True
    except OSError:
        return False
