from __future__ import annotations

from pathlib import Path

import pytest

from relnet.data import Example
from relnet.training import run
from relnet.training.config import TrainConfig
from relnet.training.run import run_training

LEAKED = ("2001", "Zafirlukast and CYSLTR1.", "Zafirlukast is an antagonist of CYSLTR1.", "Zafirlukast", "CYSLTR1")
KEPT = ("3001", "Tamoxifen and ESR1.", "Tamoxifen is an antagonist of ESR1.", "Tamoxifen", "ESR1")
# A re-annotation of training document 1001 (DrugProt re-uses ChemProt training abstracts).
REANNOTATED = ("1001", "Rosiglitazone and PPARG.", "Rosiglitazone is an antagonist of PPARG.", "Rosiglitazone", "PPARG")


def write_drugprot_training(folder: Path, docs: tuple[tuple[str, ...], ...] = (LEAKED, KEPT)) -> Path:
    """A DrugProt training split: PMID 2001 is also in the ChemProt dev fixture, PMID 3001 is not."""
    folder.mkdir(parents=True)
    abstracts, entities, relations = [], [], []
    for pmid, title, abstract, chem, gene in docs:
        text = f"{title}\t{abstract}"
        c, g = text.index(chem, len(title)), text.index(gene, len(title))
        abstracts.append(f"{pmid}\t{title}\t{abstract}")
        entities += [
            f"{pmid}\tT1\tCHEMICAL\t{c}\t{c + len(chem)}\t{chem}",
            f"{pmid}\tT2\tGENE\t{g}\t{g + len(gene)}\t{gene}",
        ]
        relations.append(f"{pmid}\tANTAGONIST\tArg1:T1\tArg2:T2")
    for name, rows in (("abstracs", abstracts), ("entities", entities), ("relations", relations)):
        (folder / f"drugprot_training_{name}.tsv").write_text("\n".join(rows) + "\n")
    return folder


def _spy_on_training(monkeypatch: pytest.MonkeyPatch) -> list[Example]:
    seen: list[Example] = []
    real_train = run.train

    def spy(config, model, train_examples, *args, **kwargs):
        seen.extend(train_examples)
        return real_train(config, model, train_examples, *args, **kwargs)

    monkeypatch.setattr(run, "train", spy)
    return seen


def test_run_drugprot_documents_of_the_dev_split_never_reach_training(
    tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drugprot = write_drugprot_training(tmp_path / "drugprot" / "training")
    seen = _spy_on_training(monkeypatch)
    config = TrainConfig(train=str(split_dir), dev=str(dev_dir), output_dir=str(tmp_path / "out"), scheme="cpr",
                         encoder=str(tiny_encoder), max_length=64, batch_size=4, epochs=1, max_steps=1,
                         extra_train=[str(drugprot)])  # fmt: skip
    run_training(config)
    ids = {e.doc_id for e in seen}
    assert "2001" not in ids and not any("Zafirlukast" in e.text for e in seen)  # the dev PMID is dropped …
    assert {"1001", "1002", "3001"} <= ids  # … the rest of the DrugProt split is used
    assert [e.label for e in seen if e.doc_id == "3001"] == ["CPR:6"]


@pytest.mark.parametrize("dedupe", [True, False])
def test_run_drugprot_reannotation_of_a_training_document_is_dropped_only_with_dedupe(
    dedupe: bool, tmp_path: Path, split_dir: Path, dev_dir: Path, tiny_encoder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drugprot = write_drugprot_training(tmp_path / "drugprot" / "training", docs=(REANNOTATED, KEPT))
    seen = _spy_on_training(monkeypatch)
    config = TrainConfig(train=str(split_dir), dev=str(dev_dir), output_dir=str(tmp_path / "out"), scheme="cpr",
                         encoder=str(tiny_encoder), max_length=64, batch_size=4, epochs=1, max_steps=1,
                         extra_train=[str(drugprot)], extra_dedupe=dedupe)  # fmt: skip
    run_training(config)
    assert any("Rosiglitazone" in e.text for e in seen) is not dedupe
    assert any(e.doc_id == "1001" and "Aspirin" in e.text for e in seen)  # the ChemProt version always stays
    assert any(e.doc_id == "3001" for e in seen)
