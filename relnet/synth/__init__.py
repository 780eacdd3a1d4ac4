"""Artificial training corpora: training split → template families → class-balanced `Document`s.

A side path of the training path: `corpus/` (training split only) → `synth/` → the same `Document`s
that `examples/` turns into `Example`s. Modules: `lexicon` (entity names, held-out names),
`templates` (slots and filling), `seed` (the presentation's hand-written phrases), `realistic`
(contexts of real annotated pairs), `generate` (`SynthConfig` → `SynthCorpus`), `io` (JSONL,
SciBERT jsonl, `read_synth`), `report` (markdown inspection), `run` (what ``relnet synth`` calls).
"""

from __future__ import annotations

from relnet.synth.generate import SynthConfig, SynthCorpus, generate_corpus
from relnet.synth.io import read_synth, write_documents, write_scibert_jsonl
from relnet.synth.report import inspection_report
from relnet.synth.run import synth_to_folder

__all__ = [
    "SynthConfig",
    "SynthCorpus",
    "generate_corpus",
    "inspection_report",
    "read_synth",
    "synth_to_folder",
    "write_documents",
    "write_scibert_jsonl",
]
