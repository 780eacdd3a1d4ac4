"""The machine a model runs on: CPU model and instruction-set flags, cores, which runtimes are installed, and the
names of the backends and training precisions. Torch-free, so configs and the CLI can import it cheaply;
`relnet.model.backends` decides and runs.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

BACKENDS = ("auto", "fp32", "bf16", "onnx", "int8", "cuda")
PRECISIONS = ("auto", "fp32", "bf16")  # training
DEVICES = ("auto", "cpu", "cuda")  # training: where the weights and batches live
LOSSY = ("bf16", "int8")  # backends whose predictions may differ from fp32 beyond rounding


@dataclass(frozen=True)
class CpuInfo:
    """The CPU model and the instruction-set flags that decide the backends (from /proc/cpuinfo)."""

    model: str
    flags: frozenset[str] = field(default_factory=frozenset)

    @property
    def amx(self) -> bool:
        return "amx_bf16" in self.flags

    @property
    def avx512_bf16(self) -> bool:
        return "avx512_bf16" in self.flags

    @property
    def int8_dot(self) -> bool:
        """Hardware int8 dot products (AVX-512 VNNI, AVX-VNNI or AMX)."""
        return bool({"avx512_vnni", "avx_vnni", "amx_int8"} & self.flags)

    @property
    def native_bf16(self) -> bool:
        return self.amx or self.avx512_bf16

    def to_json(self) -> dict:
        wanted = ("amx_bf16", "amx_int8", "amx_tile", "avx512_bf16", "avx512_vnni", "avx_vnni", "avx512f", "avx2")
        return {"model": self.model, "flags": [f for f in wanted if f in self.flags], "cores": cores()}


@functools.cache
def cpu_info() -> CpuInfo:
    model, flags = platform.processor() or platform.machine(), frozenset[str]()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and model in ("", platform.machine(), platform.processor()):
                model = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = frozenset(value.split())
    except OSError:  # not Linux: no flags, so bf16 stays off and auto picks fp32/onnx
        pass
    return CpuInfo(model, flags)


def cores() -> int:
    """Cores this process may use (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def onnx_available() -> bool:
    return importlib.util.find_spec("onnxruntime") is not None and importlib.util.find_spec("onnx") is not None
