"""One piece of text in memory → `Document`s → mentions → `Relation`s → evidence and a graph (no store).

The interactive side of the mining path (the web app's Analyse tab): `read_text_bytes` reads
pasted or uploaded bytes with the corpus readers, `Analyser.analyse` tags and classifies them in
one call and returns an `Analysis`. A document's own mentions (PubTator, BioC) are kept; the
tagger fills in documents without any.
"""

from __future__ import annotations

import re
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from relnet.corpus.plaintext import LAYOUTS
from relnet.corpus.texts import detect_format, read_texts
from relnet.data import Document
from relnet.errors import InputError, RelnetError, warnings_of_this_thread
from relnet.mentions import Tagger
from relnet.network.graph import build_graph
from relnet.relations.evidence import Evidence, evidence_of
from relnet.relations.extract import Classifier, extract_relations_batch

INPUT_FORMATS = ("auto", "text", "pubtator", "bioc")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def safe_name(filename: str | None, default: str = "input.txt") -> str:
    """A file name made of safe characters only (its folders dropped); used for document ids, never as a path."""
    name = _UNSAFE.sub("_", Path(filename or "").name).strip("._")[:64]
    return name or default


def read_text_bytes(
    data: bytes, name: str = "input.txt", fmt: str = "auto", layout: str = "blocks"
) -> tuple[list[Document], str, list[str]]:
    """Read ``data`` (plain text, PubTator or BioC) with the corpus readers, through a private temporary file;
    return the documents, the format they were read in (``text``, ``pubtator`` or ``bioc``) and the readers'
    warnings (records skipped or kept with a remark, counted), which name ``name``.

    ``name`` (made safe with `safe_name`) gives plain-text documents their ids (``<stem>:<n>``) and
    BioC its flavour (``.json`` or ``.xml``); errors name it instead of the temporary path. ``layout``
    splits plain text into documents (`relnet.corpus.plaintext`: ``blocks`` by blank lines, or ``lines``).
    """
    if fmt not in INPUT_FORMATS:
        raise InputError(name, None, f"unknown input format {fmt!r}; choose one of {', '.join(INPUT_FORMATS)}")
    if layout not in LAYOUTS:
        raise InputError(name, None, f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    name = safe_name(name)
    if fmt == "bioc" and Path(name).suffix.lower() not in (".xml", ".json"):
        name = Path(name).stem + (".json" if data.lstrip()[:1] in (b"{", b"[") else ".xml")
    with tempfile.TemporaryDirectory(prefix="relnet-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            fmt = detect_format(path) if fmt == "auto" else fmt
            with warnings_of_this_thread() as warnings:  # read while the file is there; deletions (MEDLINE
                docs = [d for d in read_texts(path, fmt, layout) if isinstance(d, Document)]  # updates): none here
            return docs, fmt, [w.replace(str(path), name) for w in warnings]
        except InputError as err:
            raise InputError(name, err.line, err.message) from None
        except UnicodeDecodeError as err:
            raise InputError(name, None, f"not UTF-8 text ({err.reason} at byte {err.start})") from None
        except RelnetError as err:
            raise RelnetError(str(err).replace(str(path), name)) from None


@dataclass(frozen=True)
class Analysis:
    """What `Analyser.analyse` found: documents with mentions and predicted relations, their evidence
    (one list per document, aligned with ``Document.relations``) and the network of all of them."""

    documents: list[Document]
    evidence: list[list[Evidence]]
    graph: nx.MultiDiGraph
    seconds: float


class Analyser:
    """Tags and classifies documents held in memory.

    Parameters: ``classifier`` a loaded `RelationClassifier`; ``tagger`` finds mentions in
    documents without any (``None``: every input must bring its own); ``batch_size`` of `predict`.
    One analysis runs at a time: the models are shared, and on a few cores parallel runs only slow each other.
    """

    def __init__(self, classifier: Classifier, tagger: Tagger | None = None, batch_size: int = 64) -> None:
        self.classifier = classifier
        self.tagger = tagger
        self.batch_size = batch_size
        self._lock = threading.Lock()

    def analyse(self, docs: list[Document]) -> Analysis:
        """Mentions (the documents' own, else the tagger's) → relations → evidence → graph."""
        docs = [d.with_annotations(relations=()) for d in docs]
        untagged = [d for d in docs if not d.mentions]
        if untagged and self.tagger is None and len(untagged) == len(docs):
            raise RelnetError(
                "the input has no chemical or gene mentions and this server has no tagger; "
                "send PubTator or BioC with annotations, or start it with --tagger"
            )
        with self._lock:
            started = time.perf_counter()
            if untagged and self.tagger is not None:
                tag_many = getattr(self.tagger, "tag_many", None)
                tagged = iter(tag_many(untagged) if tag_many else [self.tagger.tag(d) for d in untagged])
                docs = [d if d.mentions else next(tagged) for d in docs]
            relations = extract_relations_batch(docs, self.classifier, self.batch_size)
            seconds = time.perf_counter() - started
        docs = [d.with_annotations(relations=tuple(rels)) for d, rels in zip(docs, relations)]
        evidence = [evidence_of(d, d.relations) for d in docs]
        graph = build_graph(e for ev in evidence for e in ev)
        return Analysis(docs, evidence, graph, seconds)
