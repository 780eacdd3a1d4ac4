from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
import torch

from relnet.corpus import read_documents
from relnet.errors import RelnetError
from relnet.examples.candidates import examples_from_documents
from relnet.examples.labels import get_scheme
from relnet.model import backends
from relnet.model.backends import CpuInfo, resolve_backend, resolve_precision
from relnet.model.classifier import RelationClassifier
from relnet.model.encoder import PairEncoder

PLAIN = CpuInfo("Old CPU", frozenset({"avx2"}))
ZEN4 = CpuInfo("AMD EPYC", frozenset({"avx512f", "avx512_bf16", "avx512_vnni"}))
SAPPHIRE = CpuInfo("Intel Xeon", frozenset({"avx512f", "avx512_bf16", "amx_bf16", "amx_int8", "amx_tile"}))


def test_backends_cpu_without_bf16_falls_back_with_a_notice(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="relnet"):
        assert resolve_backend("bf16", PLAIN) == "fp32"
        assert resolve_precision("bf16", PLAIN) == "fp32"
    notices = [r.getMessage() for r in caplog.records]
    assert len(notices) == 2 and all("Old CPU" in n and "no bf16" in n for n in notices)
    assert resolve_backend("bf16", ZEN4) == "bf16" and resolve_precision("bf16", SAPPHIRE) == "bf16"


def test_backends_auto_picks_by_cpu_and_model(monkeypatch: pytest.MonkeyPatch) -> None:
    # measured (docs §11): bf16 keeps F1 within 0.005 for relations, NER and mining; int8 does not (relations, mining)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # the CPU's choice (with a GPU, auto takes it)
    assert resolve_backend("auto", SAPPHIRE) == resolve_backend("auto", ZEN4) == "bf16"
    assert resolve_backend("auto", ZEN4, kind="ner") == resolve_backend("auto", SAPPHIRE, kind="ner") == "bf16"
    assert resolve_backend("auto", PLAIN) == resolve_backend("auto", PLAIN, kind="ner") == "onnx"  # no bf16
    assert resolve_precision("auto", ZEN4) == "bf16" and resolve_precision("auto", PLAIN) == "fp32"
    monkeypatch.setattr(backends, "onnx_available", lambda: False)
    assert resolve_backend("auto", PLAIN) == "fp32" and resolve_backend("int8", PLAIN) == "fp32"
    assert resolve_backend("auto", ZEN4, kind="ner") == "bf16"  # without onnxruntime bf16 still applies


def test_backends_reject_unknown_names() -> None:
    with pytest.raises(RelnetError, match="unknown backend 'fp16'"):
        resolve_backend("fp16", PLAIN)
    with pytest.raises(RelnetError, match="unknown precision 'int8'"):
        resolve_precision("int8", PLAIN)


def test_backends_auto_takes_the_gpu_where_there_is_one(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert backends.resolve_device("auto") == torch.device("cpu") == backends.resolve_device("cpu")
    with caplog.at_level(logging.WARNING, logger="relnet"):
        assert resolve_backend("cuda", ZEN4) == "fp32"  # inference falls back, as every backend does
    assert any("no CUDA GPU" in r.getMessage() for r in caplog.records)
    with pytest.raises(RelnetError, match="--device cuda: PyTorch sees no CUDA GPU"):
        backends.resolve_device("cuda")  # training does not: the run would take hours longer than asked for
    with pytest.raises(RelnetError, match="unknown device 'gpu'; choose one of auto, cpu, cuda"):
        backends.resolve_device("gpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    calls = []
    monkeypatch.setattr(torch, "use_deterministic_algorithms", lambda *a, **k: calls.append((a, k)))
    for name in ("enable_cudnn_sdp", "enable_flash_sdp", "enable_mem_efficient_sdp"):
        monkeypatch.setattr(torch.backends.cuda, name, lambda on, name=name: calls.append((name, on)))
    monkeypatch.setenv("CUBLAS_WORKSPACE_CONFIG", "")
    monkeypatch.delenv("CUBLAS_WORKSPACE_CONFIG")
    assert backends.resolve_device("auto") == torch.device("cuda")
    assert calls[0] == ((True,), {"warn_only": True}) and os.environ["CUBLAS_WORKSPACE_CONFIG"] == ":4096:8"
    assert sorted(calls[1:]) == [
        ("enable_cudnn_sdp", False),
        ("enable_flash_sdp", False),
        ("enable_mem_efficient_sdp", False),
    ]  # only the math kernel: deterministic
    assert resolve_backend("auto", ZEN4) == resolve_backend("auto", PLAIN, kind="ner") == "cuda"
    assert resolve_backend("int8", PLAIN) == "int8"  # an explicit CPU backend stays one
    for bf16, expected in ((True, "bf16"), (False, "fp32")):  # Ampere and later compute bf16; older GPUs not
        monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda bf16=bf16: bf16)
        monkeypatch.setattr(torch.cuda, "get_device_name", lambda *a: "Old GPU")
        assert resolve_precision("auto", PLAIN, device="cuda") == expected
        assert resolve_precision("bf16", PLAIN, device="cuda") == expected
    assert "Old GPU" in caplog.records[-1].getMessage() and "no bf16" in caplog.records[-1].getMessage()
    assert resolve_precision("auto", PLAIN, device="cpu") == "fp32"  # the CPU's own flags still decide there


def test_backends_torch_runner_returns_cpu_float32_and_knows_its_device() -> None:
    seen = []
    runner = backends.TorchRunner(lambda batch: (seen.append(batch["x"].device), batch["x"].double())[1], "fp32")
    out = runner({"x": torch.ones(2, 3, dtype=torch.long)})
    assert out.dtype == torch.float32 and out.device.type == "cpu" and seen == [torch.device("cpu")]
    assert backends.TorchRunner(lambda b: b["x"], "cuda").device == torch.device("cuda")


def test_backends_cpu_info_reads_this_machine() -> None:
    info = backends.cpu_info()
    assert info.model and info.to_json()["cores"] >= 1


@pytest.fixture(scope="module")
def memorised(tiny_encoder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny classifier that has memorised the fixture's pairs (clear margins), saved once per module."""
    from tests.conftest import write_split

    split = write_split(tmp_path_factory.mktemp("split") / "training")
    examples = list(examples_from_documents(read_documents(split), get_scheme("cpr")))
    torch.manual_seed(0)
    model = RelationClassifier(PairEncoder.from_pretrained(str(tiny_encoder), "tokens", 64),
                               list(get_scheme("cpr").labels), dropout=0.0, meta={"scheme": "cpr"})  # fmt: skip
    batch = model.encoder.collate(model.encoder.tokenize(examples))
    y = torch.tensor([model.label2id[e.label] for e in examples])
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for _ in range(60):
        torch.nn.functional.cross_entropy(model(**batch), y).backward()
        opt.step()
        opt.zero_grad()
    return model.save(tmp_path_factory.mktemp("memorised") / "m")


def _trained(memorised: Path, split_dir: Path, folder: Path) -> tuple[RelationClassifier, list]:
    """A fresh copy of the memorised model in ``folder`` (tests write graphs into it) and the fixture's pairs."""
    shutil.copytree(memorised, folder)
    examples = list(examples_from_documents(read_documents(split_dir), get_scheme("cpr")))
    return RelationClassifier.load(folder), examples


def test_backends_onnx_logits_equal_pytorch(memorised: Path, split_dir: Path, tmp_path: Path) -> None:
    model, examples = _trained(memorised, split_dir, tmp_path / "m")
    onnx = RelationClassifier.load(tmp_path / "m", "onnx")
    assert onnx.backend == "onnx" and (tmp_path / "m/onnx/model.onnx").is_file()
    feats = model.encoder.tokenize(examples)
    batch = model.encoder.collate(feats)  # rows of different lengths: padding is in the graph's inputs
    assert batch["attention_mask"].min() == 0
    with torch.no_grad():
        expected = model(**batch)
    assert torch.allclose(onnx.runner(batch), expected, atol=1e-4)
    assert torch.allclose(onnx.predict_proba(examples), model.predict_proba(examples), atol=1e-4)


def test_backends_export_is_reused_until_the_weights_change(memorised: Path, split_dir: Path, tmp_path: Path) -> None:
    model, examples = _trained(memorised, split_dir, tmp_path / "m")
    graph = tmp_path / "m/onnx/model.onnx"
    RelationClassifier.load(tmp_path / "m", "onnx")
    first = graph.stat().st_mtime_ns
    RelationClassifier.load(tmp_path / "m", "onnx")
    assert graph.stat().st_mtime_ns == first  # same weights: no second export
    with torch.no_grad():
        model.head.bias.add_(1.0)
    model.save(tmp_path / "m")
    changed = RelationClassifier.load(tmp_path / "m", "onnx")
    assert graph.stat().st_mtime_ns != first  # new weights: a new graph, which predicts with them
    assert torch.allclose(changed.predict_proba(examples), model.predict_proba(examples), atol=1e-4)


@pytest.mark.parametrize("backend", ["fp32", "bf16", "onnx", "int8"])
def test_backends_agree_in_label_with_fp32(backend: str, memorised: Path, split_dir: Path, tmp_path: Path) -> None:
    model, examples = _trained(memorised, split_dir, tmp_path / "m")
    fast = RelationClassifier.load(tmp_path / "m", backend)
    assert [p.label for p in fast.predict(examples)] == [e.label for e in examples]
    assert [p.label for p in model.predict(examples)] == [e.label for e in examples]
    if backend == "int8":
        assert (tmp_path / "m/onnx/model.int8.onnx").is_file()
        again = RelationClassifier.load(tmp_path / "m", "int8")  # the quantised graph loads from the folder
        assert torch.equal(again.predict_proba(examples), fast.predict_proba(examples))


def test_backends_read_only_model_folder_exports_to_temp(
    memorised: Path, split_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trained(memorised, split_dir, tmp_path / "m")
    monkeypatch.setattr(backends, "_writable", lambda folder: "relnet-onnx" in str(folder))
    monkeypatch.setattr(backends.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    model = RelationClassifier.load(tmp_path / "m", "onnx")
    assert model.runner.path.parent.parent == tmp_path / "tmp/relnet-onnx"  # type: ignore[union-attr]
    assert not (tmp_path / "m/onnx").exists()


def test_backends_onnx_needs_a_saved_model(tiny_encoder: Path) -> None:
    model = RelationClassifier(PairEncoder.from_pretrained(str(tiny_encoder), "tokens", 64), ["false", "CPR:3"])
    with pytest.raises(RelnetError, match="ONNX backends need a saved model"):
        model.use_backend("onnx")


def test_backends_export_keeps_chosen_layers_in_fp32(memorised: Path, split_dir: Path, tmp_path: Path) -> None:
    import json

    import onnx
    from typer.testing import CliRunner

    from relnet.cli import app

    _trained(memorised, split_dir, tmp_path / "m")
    result = CliRunner().invoke(app, ["export", str(tmp_path / "m"), "--int8-exclude", "head"])
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "m/onnx/export.json").read_text())
    assert record["int8_exclude"] == ["head"]
    graph = onnx.load(str(tmp_path / "m/onnx/model.int8.onnx"))
    ops = {n.name: n.op_type for n in graph.graph.node}
    assert any(op in ("MatMulInteger", "DynamicQuantizeLinear") for op in ops.values())  # the encoder is int8
    assert all("Integer" not in op for name, op in ops.items() if "head" in name)  # the head is not
    RelationClassifier.load(tmp_path / "m", "int8")  # loading keeps the folder's choice: no new quantisation
    assert json.loads((tmp_path / "m/onnx/export.json").read_text())["int8_exclude"] == ["head"]
