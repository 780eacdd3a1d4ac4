"""`relnet build` on a tiny corpus with a tiny encoder: steps cached, an interrupted build resumes, the models
are registered and `relnet serve` picks the default one."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relnet import registry
from relnet.build import BuildConfig, build
from relnet.cli import app
from relnet.errors import RelnetError
from tests.conftest import SHARED, needs_shared, write_split

TINY = {
    "ner": {"epochs": 1, "batch_size": 2, "max_length": 64, "precision": "fp32"},
    "relations": {"epochs": 1, "batch_size": 4, "max_length": 64, "max_steps": 2, "precision": "fp32"},
}


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RELNET_HOME", str(tmp_path / "home"))
    root = tmp_path / "data"
    write_split(root / "chemprot/original/training")
    write_split(root / "chemprot/original/development", "development", ids=("2001", "2002"))
    return root


def _config(data: Path, out: Path, encoder: Path) -> BuildConfig:
    return BuildConfig("fast", str(data), out=str(out), encoder=str(encoder), backend="fp32", settings=TINY)


def test_build_runs_every_step_then_caches_them(data: Path, tmp_path: Path, tiny_encoder: Path) -> None:
    lines: list[str] = []
    first = build(_config(data, tmp_path / "b", tiny_encoder), echo=lines.append)
    assert first["steps"] == dict.fromkeys(("ner", "relations", "mine", "network"), "ran")
    page = Path(first["html"]).read_text()
    assert "vis.Network" in page and (tmp_path / "b/summary.txt").read_text().strip()
    assert json.loads((tmp_path / "b/build-summary.json").read_text())["name"] == "fast"
    assert first["scores"]["mining_official_f1"] is not None  # the dev split has a gold standard
    second = build(_config(data, tmp_path / "b", tiny_encoder), echo=lines.append)
    assert second["steps"] == dict.fromkeys(("ner", "relations", "mine", "network"), "cached")
    assert registry.default_name() == "fast" and registry.resolve(None) == Path(first["models"]["relations"])
    assert registry.resolve("fast", "ner") == Path(first["models"]["ner"])


def test_build_resumes_an_interrupted_run_and_redoes_what_changed(
    data: Path, tmp_path: Path, tiny_encoder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import relnet.mining.pipeline as pipeline
    import relnet.training.run as training_run

    real = pipeline.mine_files

    def die(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "mine_files", die)
    with pytest.raises(KeyboardInterrupt):
        build(_config(data, tmp_path / "b", tiny_encoder), echo=lambda _: None)
    monkeypatch.setattr(pipeline, "mine_files", real)
    lines: list[str] = []
    again = build(_config(data, tmp_path / "b", tiny_encoder), echo=lines.append)
    assert again["steps"] == {"ner": "cached", "relations": "cached", "mine": "ran", "network": "ran"}
    assert "[mine] resuming" in lines
    changed = _config(data, tmp_path / "b", tiny_encoder)
    changed.settings = {**TINY, "relations": {**TINY["relations"], "lr": 3e-4}}  # new settings: retrain downstream
    redo = build(changed, echo=lambda _: None)
    assert redo["steps"] == {"ner": "cached", "relations": "ran", "mine": "ran", "network": "ran"}
    weights = Path(redo["models"]["relations"]) / "model.safetensors"
    trained_at, real_train = weights.stat().st_mtime_ns, training_run.run_training
    changed.settings = {**TINY, "relations": {**TINY["relations"], "lr": 2e-4}}
    monkeypatch.setattr(training_run, "run_training", die)
    with pytest.raises(KeyboardInterrupt):  # new settings, interrupted before their first checkpoint
        build(changed, echo=lambda _: None)
    monkeypatch.setattr(training_run, "run_training", real_train)
    assert build(changed, echo=lambda _: None)["steps"]["relations"] == "ran"
    assert weights.stat().st_mtime_ns != trained_at  # retrained, not resumed from the earlier settings' checkpoint


def test_build_refuses_a_folder_without_the_corpus(tmp_path: Path) -> None:
    with pytest.raises(RelnetError, match="no such split folder"):
        build(BuildConfig(data=str(tmp_path), out=str(tmp_path / "b")))
    with pytest.raises(RelnetError, match="unknown profile"):
        BuildConfig(profile="huge")


@pytest.mark.parametrize(("change", "message"), [({"backend": "foo"}, "unknown backend 'foo'"),
                                                 ({"name": "a/b"}, "one word without slashes")])  # fmt: skip
def test_build_refuses_a_bad_backend_or_name_before_training(
    data: Path, tmp_path: Path, tiny_encoder: Path, change: dict, message: str
) -> None:
    config = _config(data, tmp_path / "b", tiny_encoder)
    with pytest.raises(RelnetError, match=message):
        build(replace(config, **change))
    assert not (tmp_path / "b" / "ner").exists()  # no step ran (was: both models trained, then the mining failed)


def test_serve_uses_the_default_registered_model(
    data: Path, tmp_path: Path, tiny_encoder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    served = []
    monkeypatch.setattr(uvicorn, "run", lambda web_app, **kw: served.append(web_app))
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2 and "none registered: build one with `relnet build`" in result.output
    built = build(_config(data, tmp_path / "b", tiny_encoder), echo=lambda _: None)
    result = CliRunner().invoke(app, ["serve", "--backend", "fp32"])
    assert result.exit_code == 0, result.output
    assert f"model {built['models']['relations']}, tagger transformer {built['models']['ner']}" in result.output
    assert len(served) == 1
    listed = CliRunner().invoke(app, ["models", "list"]).output
    assert listed.startswith("* fast ") and built["models"]["relations"] in listed


def test_build_page_renders_in_a_browser(data: Path, tmp_path: Path, tiny_encoder: Path) -> None:
    """The page `relnet build` writes, opened from disk in headless Chromium: it draws and reports no script error."""
    chromium = Path("/usr/bin/chromium")
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not chromium.is_file():
        pytest.skip(f"{chromium} is absent (apt-get install chromium)")
    built = build(_config(data, tmp_path / "b", tiny_encoder), echo=lambda _: None)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True, args=["--no-sandbox"])
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        page.goto(Path(built["html"]).resolve().as_uri())
        playwright.expect(page.locator("canvas").first).to_be_visible()
        text = page.inner_text("body")
        browser.close()
    assert errors == [] and "entities" in text


def test_build_ner_extra_training_folders_are_read_relative_to_data(
    data: Path, tmp_path: Path, tiny_encoder: Path
) -> None:
    write_split(data / "more/training", ids=("3001", "3002"))  # a second corpus, as DrugProt is for `best`
    config = _config(data, tmp_path / "b", tiny_encoder)
    config.settings = {**TINY, "ner": {**TINY["ner"], "extra_train": ["more/training"]}}
    result = build(config, echo=lambda _: None)
    meta = json.loads((Path(result["models"]["ner"]) / "relnet_ner.json").read_text())
    assert {"1001", "1002", "3001", "3002"} <= set(meta["trained_on"])
    assert meta["config"]["extra_train"] == [str(data / "more/training")]


def test_build_ner_self_training_teacher_tags_unlabeled_text_for_the_student(
    data: Path, tmp_path: Path, tiny_encoder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import relnet.training.ner as ner_training
    import relnet.workflows.pseudo_label as pseudo_label

    config = _config(data, tmp_path / "b", tiny_encoder)
    config.settings = {**TINY, "ner": {**TINY["ner"], "self_train_docs": 2}}
    with pytest.raises(RelnetError, match="unlabeled: no such folder"):
        build(config, echo=lambda _: None)
    (data / "unlabeled").mkdir()
    rows = [("chemprot", "1001", "A training abstract.", "Aspirin inhibits COX-2."),  # gold: never pseudo-tagged
            ("pubmed", "4001", "New text.", "Aspirin and EGFR."), ("pubmed", "4002", "More.", "Gefitinib binds EGFR."),
            ("pubmed", "4003", "Past the cap.", "Caffeine.")]  # fmt: skip
    (data / "unlabeled/abstracts-000.tsv").write_text("".join("\t".join(r) + "\n" for r in rows))
    real = pseudo_label.pseudo_tag_to_folder

    def die(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pseudo_label, "pseudo_tag_to_folder", die)
    with pytest.raises(KeyboardInterrupt):  # interrupted after the teacher trained
        build(config, echo=lambda _: None)
    teacher_weights = tmp_path / "b/ner-teacher/best/model.safetensors"
    trained_at = teacher_weights.stat().st_mtime_ns
    monkeypatch.setattr(pseudo_label, "pseudo_tag_to_folder", real)
    result = build(config, echo=lambda _: None)
    assert teacher_weights.stat().st_mtime_ns == trained_at  # the resumed step kept the finished teacher
    report = json.loads((tmp_path / "b/ner-pseudo/pseudo.json").read_text())
    assert report["documents_excluded"] == 1 and report["documents_written"] == 2
    state = json.loads((tmp_path / "b/build.json").read_text())["ner"]["outputs"]
    assert state["teacher"] == str(tmp_path / "b/ner-teacher/best") and state["model"] == result["models"]["ner"]
    meta = json.loads((Path(result["models"]["ner"]) / "relnet_ner.json").read_text())
    assert {"1001", "1002", "4001", "4002"} <= set(meta["trained_on"]) and "4003" not in meta["trained_on"]
    assert build(config, echo=lambda _: None)["steps"]["ner"] == "cached"
    config.settings = {**TINY, "ner": {**TINY["ner"], "self_train_docs": 3}}  # more text: the step runs again
    real_train = ner_training.train_ner
    monkeypatch.setattr(ner_training, "train_ner", die)
    with pytest.raises(KeyboardInterrupt):  # interrupted while the new teacher trains
        build(config, echo=lambda _: None)
    monkeypatch.setattr(ner_training, "train_ner", real_train)
    assert build(config, echo=lambda _: None)["steps"]["ner"] == "ran"
    assert teacher_weights.stat().st_mtime_ns != trained_at  # the old build's teacher did not pass for the new one
    assert json.loads((tmp_path / "b/ner-pseudo/pseudo.json").read_text())["documents_written"] == 3


@needs_shared
def test_every_profile_names_folders_the_shared_corpus_has() -> None:
    """A profile is hours of training: a folder it names that the corpus lacks must fail here, not at hour two."""
    from relnet.build import PROFILES

    for profile in PROFILES:
        config = BuildConfig(profile, str(SHARED))
        for step in ("ner", "relations"):
            for folder in config.step_settings(step).get("extra_train", []):
                assert (SHARED / folder).is_dir(), (profile, step, folder)
        if config.step_settings("ner").get("self_train_docs"):
            assert any((SHARED / "unlabeled").glob("*.tsv")), profile
