"""Shared fixtures: a two-abstract ChemProt split written by the tests, a tiny encoder, the shared corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CHEMPROT = SHARED / "chemprot" / "original"

needs_shared = pytest.mark.skipif(not CHEMPROT.is_dir(), reason="../shared/data (the ChemProt corpus) is absent")

TITLE1 = "Aspirin inhibits COX-2 in platelets."
ABSTRACT1 = (
    "We show that aspirin blocks cyclooxygenase-2 (COX-2) activity. "
    "Ibuprofen, e.g. at 10 mg, activates PPAR-gamma. Caffeine was not related to EGFR."
)
TITLE2 = "Gefitinib and EGFR."
ABSTRACT2 = "Gefitinib is an antagonist of EGFR. Metformin is a substrate of OCT1."


def _spans(text: str, items: list[tuple[str, str, str]]) -> list[tuple[str, str, int, int, str]]:
    out, cursor = [], {}
    for tid, etype, surface in items:
        start = text.index(surface, cursor.get(surface, 0))
        cursor[surface] = start + 1
        out.append((tid, etype, start, start + len(surface), surface))
    return out


def write_split(folder: Path, name: str = "training", ids: tuple[str, str] = ("1001", "1002")) -> Path:
    """A ChemProt-layout split with two abstracts, written where the test wants it."""
    folder.mkdir(parents=True, exist_ok=True)
    t1 = f"{TITLE1}\t{ABSTRACT1}"
    t2 = f"{TITLE2}\t{ABSTRACT2}"
    e1 = _spans(
        t1,
        [
            ("T1", "CHEMICAL", "Aspirin"),
            ("T2", "GENE-Y", "COX-2"),
            ("T3", "CHEMICAL", "aspirin"),
            ("T4", "GENE-N", "cyclooxygenase-2"),
            ("T5", "GENE-Y", "COX-2"),
            ("T6", "CHEMICAL", "Ibuprofen"),
            ("T7", "GENE-Y", "PPAR-gamma"),
            ("T8", "CHEMICAL", "Caffeine"),
            ("T9", "GENE-Y", "EGFR"),
        ],
    )
    e2 = _spans(
        t2,
        [
            ("T1", "CHEMICAL", "Gefitinib"),
            ("T2", "GENE-Y", "EGFR"),
            ("T3", "CHEMICAL", "Gefitinib"),
            ("T4", "GENE-Y", "EGFR"),
            ("T5", "CHEMICAL", "Metformin"),
            ("T6", "GENE-Y", "OCT1"),
        ],
    )
    (folder / f"chemprot_{name}_abstracts.tsv").write_text(
        f"1001\t{TITLE1}\t{ABSTRACT1}\n1002\t{TITLE2}\t{ABSTRACT2}\n"
    )
    rows = [f"1001\t{tid}\t{ty}\t{s}\t{e}\t{x}" for tid, ty, s, e, x in e1]
    rows += [f"1002\t{tid}\t{ty}\t{s}\t{e}\t{x}" for tid, ty, s, e, x in e2]
    (folder / f"chemprot_{name}_entities.tsv").write_text("\n".join(rows) + "\n")
    rels = [
        "1001\tCPR:4\tY \tINHIBITOR\tArg1:T1\tArg2:T2",
        "1001\tCPR:4\tY \tINHIBITOR\tArg1:T3\tArg2:T4",
        "1001\tCPR:4\tY \tINHIBITOR\tArg1:T3\tArg2:T5",
        "1001\tCPR:3\tY \tACTIVATOR\tArg1:T6\tArg2:T7",
        "1001\tCPR:10\tN \tNOT\tArg1:T8\tArg2:T9",
        "1002\tCPR:6\tY \tANTAGONIST\tArg1:T3\tArg2:T4",
        "1002\tCPR:9\tY \tSUBSTRATE\tArg1:T5\tArg2:T6",
        "1002\tCPR:2\tN \tREGULATOR\tArg1:T1\tArg2:T4",
    ]
    (folder / f"chemprot_{name}_relations.tsv").write_text("\n".join(rels) + "\n")
    gold = [r.split("\t") for r in rels if "\tY \t" in r]
    (folder / f"chemprot_{name}_gold_standard.tsv").write_text(
        "\n".join(f"{g[0]}\t{g[1]}\t{g[4]}\t{g[5]}" for g in gold) + "\n"
    )
    if ids != ("1001", "1002"):  # another split needs other PMIDs (the leak filter drops shared ones)
        for path in folder.iterdir():
            lines = [ids[int(line[3]) - 1] + line[4:] for line in path.read_text().splitlines()]
            path.write_text("\n".join(lines) + "\n")
    return folder


@pytest.fixture(autouse=True)
def _private_relnet_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own RELNET_HOME: the model registry and the teachers' probability cache of a user (or of
    another test) must neither leak into a test nor receive its models."""
    monkeypatch.setenv("RELNET_HOME", str(tmp_path / "relnet-home"))


@pytest.fixture
def split_dir(tmp_path: Path) -> Path:
    return write_split(tmp_path / "training")


@pytest.fixture
def dev_dir(tmp_path: Path) -> Path:
    return write_split(tmp_path / "development", "development", ids=("2001", "2002"))


def tiny_encoder_folder(folder: Path) -> Path:
    """A randomly initialised 1-layer BERT with the bundled MiniLM tokenizer, saved as an HF folder."""
    import torch
    from transformers import BertModel

    from relnet.model.tiny import tiny_bert_config, tiny_tokenizer

    tok = tiny_tokenizer()
    torch.manual_seed(0)
    BertModel(tiny_bert_config(len(tok))).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_encoder_folder(tmp_path_factory.mktemp("tiny-encoder"))
