"""The model registry: models trained outside `relnet build` are added by name, checked for their kind, made the
default, and removed; the CLI turns every mistake into one error line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from relnet import registry
from relnet.cli import app
from relnet.errors import RelnetError


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RELNET_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _folder(path: Path, part: str, meta: dict) -> Path:
    """A model folder as the trainers leave it, as far as the registry reads one: the metadata file (and, for a
    relation model, that its weights are there)."""
    path.mkdir(parents=True)
    (path / registry.META_FILES[part]).write_text(json.dumps(meta))
    if part == "relations":
        (path / "model.safetensors").write_bytes(b"")
    return path


@pytest.fixture
def student(tmp_path: Path) -> Path:
    scores = {"micro": {"precision": 0.64, "recall": 0.80, "f1": 0.7085}, "macro": {"f1": 0.698}}
    return _folder(tmp_path / "student/best", "relations", {"scheme": "cpr", "dev_scores": scores})


@pytest.fixture
def tagger(tmp_path: Path) -> Path:
    return _folder(tmp_path / "ner/best", "ner", {"dev_scores": {"micro_f1": 0.815}})


def test_add_records_kind_scores_and_becomes_the_default(student: Path, tagger: Path) -> None:
    entry = registry.add("student", student, tagger)
    assert entry.profile == "added:cpr"
    assert entry.scores == {"relations_dev_micro_f1": 0.7085, "ner_dev_strict_f1": 0.815}
    assert registry.default_name() == "student"
    assert registry.resolve(None) == student.resolve() and registry.resolve("student", "ner") == tagger.resolve()


def test_add_without_default_keeps_the_default_then_default_and_remove_move_it(student: Path, tmp_path: Path) -> None:
    registry.add("first", student)
    other = _folder(tmp_path / "other/best", "relations", {"scheme": "fine"})
    entry = registry.add("second", other, make_default=False)
    assert registry.default_name() == "first" and entry.scores == {"relations_dev_micro_f1": None}
    registry.set_default("second")
    assert registry.resolve(None) == other.resolve()
    registry.remove("second")
    assert registry.default_name() == "first" and set(registry.entries()) == {"first"}
    assert other.is_dir()  # the folders stay on disk
    registry.remove("first")
    assert registry.default_name() == "" and registry.entries() == {}


def test_add_refuses_the_wrong_kind_of_folder_and_bad_names(student: Path, tagger: Path, tmp_path: Path) -> None:
    with pytest.raises(RelnetError, match=r"not a relnet relations model folder.*it is a ner model"):
        registry.add("swapped", tagger, student)
    with pytest.raises(RelnetError, match="not a relnet ner model folder"):
        registry.add("swapped", student, student)
    with pytest.raises(RelnetError, match="no relnet_model.json"):
        registry.add("empty", tmp_path)
    with pytest.raises(RelnetError, match="one word without slashes"):
        registry.add("a/b", student)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "relnet_model.json").write_text("{oops")
    with pytest.raises(RelnetError, match="relnet_model.json: line 1: not valid JSON"):
        registry.add("broken", broken)
    weightless = _folder(tmp_path / "weightless", "ner", {})  # a relation model's metadata, its weights not copied
    (weightless / registry.META_FILES["relations"]).write_text("{}")
    with pytest.raises(RelnetError, match="no model.safetensors beside relnet_model.json"):
        registry.add("weightless", weightless)
    with pytest.raises(RelnetError, match="one word without slashes"):  # `relnet build --name a/b` too
        registry.register(registry.ModelEntry("a/b", str(student)))
    assert registry.entries() == {}  # nothing half-registered
    with pytest.raises(RelnetError, match="not a registered model"):
        registry.set_default("nobody")


@pytest.mark.parametrize(
    "content", ["[]", "{}", '{"models": []}', '{"models": {"m": {"relations": "x", "colour": "red"}}}',
                '{"models": {"m": {"ner": "x"}}}', '{"default": 3, "models": {}}'],
)  # fmt: skip
def test_a_registry_of_the_wrong_shape_is_named(home: Path, content: str) -> None:
    home.mkdir()
    (home / registry.REGISTRY).write_text(content)
    with pytest.raises(RelnetError, match=r"models.json: not a relnet model registry .*fix or delete it"):
        registry.entries()
    result = CliRunner().invoke(app, ["models", "list"])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_a_registered_folder_that_is_gone_names_the_way_out(student: Path) -> None:
    registry.add("student", student)
    shutil.rmtree(student)
    with pytest.raises(RelnetError, match="is gone.*relnet models remove student"):
        registry.resolve(None)


def test_cli_add_list_default_remove(student: Path, tagger: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(app, ["models", "add", "student", "--relations", str(student), "--ner", str(tagger)])
    assert added.exit_code == 0, added.output
    assert "registered 'student' (default)" in added.output and "relations_dev_micro_f1 0.7085" in added.output
    other = _folder(tmp_path / "other/best", "relations", {"scheme": "cpr"})
    assert runner.invoke(app, ["models", "add", "other", "--relations", str(other), "--no-default"]).exit_code == 0
    listed = runner.invoke(app, ["models", "list"]).output.splitlines()
    assert listed[0].startswith("* student") and listed[1].startswith("  other")
    assert runner.invoke(app, ["models", "default", "other"]).exit_code == 0
    assert registry.default_name() == "other"
    removed = runner.invoke(app, ["models", "remove", "other"])
    assert removed.exit_code == 0 and "default: student" in removed.output
    wrong = runner.invoke(app, ["models", "add", "x", "--relations", str(tagger)])
    assert wrong.exit_code == 2 and "not a relnet relations model folder" in wrong.output
    missing = runner.invoke(app, ["models", "default", "nobody"])
    assert missing.exit_code == 2 and "nobody: not a registered model" in missing.output


def test_remove_passes_the_default_on_in_a_registry_written_by_hand(home: Path) -> None:
    home.mkdir()
    (home / registry.REGISTRY).write_text(
        '{"default": "a", "models": {"a": {"relations": "/x"}, "b": {"relations": "/y"}}}'
    )
    registry.remove("a")  # entries without "name": the key is the name
    assert registry.default_name() == "b" and list(registry.entries()) == ["b"]


def _capture(monkeypatch: pytest.MonkeyPatch, target: str, result) -> list:
    """Replace a workflow the CLI calls with one that records its arguments (the CLI's part is the lookup)."""
    calls: list = []
    monkeypatch.setattr(target, lambda *args, **kwargs: calls.append(args) or result)
    return calls


def test_every_command_that_reads_a_trained_model_takes_a_registered_name(
    student: Path, tagger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry.add("student", student, tagger)
    runner, split = CliRunner(), tmp_path / "split"
    cases = [  # command line, the workflow it reaches, where in that call the folders must be
        (["evaluate", "student", str(split)], "relnet.workflows.evaluate.evaluate_split", "x",
         lambda a: a[0] == student.resolve()),
        (["predict", "student", str(split)], "relnet.workflows.evaluate.predict_split", 0,
         lambda a: a[0] == student.resolve()),
        (["ensemble", "student", str(student), "--split", str(split)], "relnet.workflows.ensemble.evaluate_ensemble",
         {"text": "x"}, lambda a: a[0] == [student.resolve(), student]),
        (["bench", "--model", "student", "--ner-model", "student"], "relnet.benchmark.run_bench", {"text": "x"},
         lambda a: (a[0].model, a[0].ner_model) == (str(student.resolve()), str(tagger.resolve()))),
        (["pseudo-label", str(split), "--output", str(tmp_path / "p"), "--teacher", "student", "--gate", "student",
          "--tagger", "lexicon", "--lexicon-from", str(split)], "relnet.workflows.pseudo_label.pseudo_label_to_folder",
         SimpleNamespace(format=lambda: "x"),
         lambda a: a[2] == [str(student.resolve())] and a[4] == str(student.resolve())),
    ]  # fmt: skip
    monkeypatch.setattr("relnet.mentions.get_tagger", lambda *args, **kwargs: None)
    for argv, target, result, check in cases:
        calls = _capture(monkeypatch, target, result)
        outcome = runner.invoke(app, argv)
        assert len(calls) == 1 and check(calls[0]), (argv, outcome.output, calls)
        unknown = runner.invoke(app, [x if x != "student" else "nobody" for x in argv])
        assert unknown.exit_code == 2 and "nobody: neither a model folder nor a registered model" in unknown.output


def test_export_of_a_registered_name_exports_both_its_models(
    student: Path, tagger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry.add("student", student, tagger)
    loaded: list[Path] = []

    def load(folder: Path) -> SimpleNamespace:
        loaded.append(folder)
        return SimpleNamespace(use_backend=lambda *args, **kwargs: None, runner=SimpleNamespace(path=folder))

    monkeypatch.setattr("relnet.model.classifier.RelationClassifier.load", load)
    monkeypatch.setattr("relnet.mentions.ner_model.TransformerTagger.load", load)
    result = CliRunner().invoke(app, ["export", "student", "--no-int8"])
    assert result.exit_code == 0, result.output
    assert loaded == [student.resolve(), tagger.resolve()]


def test_mine_and_serve_take_a_registered_models_own_tagger_by_its_name(
    student: Path, tagger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry.add("first", student, make_default=True)  # the default has no tagger: the name's own is the one
    registry.add("student", student, tagger, make_default=False)
    seen: dict = {}
    monkeypatch.setattr("relnet.mining.pipeline.mine_files",
                        lambda *args, **kwargs: seen.update(mine=kwargs["ner_model"]) or SimpleNamespace())  # fmt: skip
    monkeypatch.setattr("relnet.mentions.get_tagger", lambda name, **kwargs: seen.update(serve=kwargs["ner_model"]))
    monkeypatch.setattr("relnet.web.create_app", lambda *args, **kwargs: None)
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: None)
    runner = CliRunner()
    runner.invoke(app, ["mine", str(tmp_path), "--model", "student", "--tagger", "transformer", "--store",
                        str(tmp_path / "s.sqlite")])  # fmt: skip
    runner.invoke(app, ["serve", "--model", "student"])
    assert seen == {"mine": tagger.resolve(), "serve": tagger.resolve()}
