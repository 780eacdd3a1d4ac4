"""The web API's request and response bodies (pydantic, so they document themselves in the OpenAPI schema),
and the conversions from relnet's own objects: `Analysis` → `AnalyseResponse`, graph → `Graph`, CSV rows.

`NodeOut`, `EdgeOut` and `SentenceOut` are `relnet.network.types`' `NodeRecord`, `EdgeRecord` and
`SentenceData` with descriptions (tests/web/test_schemas.py keeps their fields the same).
"""

from __future__ import annotations

import csv
import io
from typing import Literal

import networkx as nx
from pydantic import BaseModel, Field

from relnet.mining.analyse import Analysis
from relnet.network.types import edge_record, edges, node_record, nodes

InputFormat = Literal["auto", "text", "pubtator", "bioc"]
Layout = Literal["blocks", "lines"]
LAYOUT_HELP = "plain text only: blocks (documents separated by blank lines; the default) or lines (one per line)"


class ErrorResponse(BaseModel):
    error: str = Field(description="what went wrong and, where it can, how to fix it")


class AnalyseRequest(BaseModel):
    text: str = Field(min_length=1, description="plain text (documents separated by blank lines, or one per line "
                      "with `layout: lines`; optionally `PMID<TAB>text`), PubTator or BioC")  # fmt: skip
    input_format: InputFormat = Field("auto", description="how to read `text`; auto detects PubTator and BioC")
    layout: Layout = Field("blocks", description=LAYOUT_HELP)


class MentionOut(BaseModel):
    id: str
    start: int = Field(description="character offset into the document's text")
    end: int
    text: str
    kind: str = Field(description="CHEMICAL | GENE")


class RelationOut(BaseModel):
    doc_id: str
    chemical: str
    chemical_id: str = Field(description="the chemical's mention id")
    gene: str
    gene_id: str = Field(description="the gene's mention id")
    label: str
    group: str = Field(description="CPR group, where the label scheme has one")
    confidence: float | None = Field(description="the model's probability of `label`")
    sentence: str = Field(description="the sentence(s) holding both mentions")
    chemical_span: tuple[int, int] = Field(description="offsets into `sentence`")
    gene_span: tuple[int, int]


class DocumentOut(BaseModel):
    id: str
    text: str
    mentions: list[MentionOut]
    relations: list[RelationOut]


class SentenceOut(BaseModel):
    doc_id: str
    text: str
    head: tuple[int, int] = Field(description="the chemical's offsets into `text`")
    tail: tuple[int, int] = Field(description="the gene's offsets into `text`")
    score: float | None


class NodeOut(BaseModel):
    id: str = Field(description="the entity key, KIND:normalised")
    kind: str = Field(description="CHEMICAL | GENE")
    name: str
    mentions: int = Field(description="the entity's mention spans")
    names: list[str] = Field(description="the mentions' texts, most frequent first")
    long_forms: list[str] = Field(description="what the documents define the entity's abbreviation as")
    docs: list[str] = Field(description="the documents that mention the entity")


class EdgeOut(BaseModel):
    id: str = Field(description="source|target|label")
    source: str = Field(description="the chemical's node id")
    target: str = Field(description="the gene's node id")
    label: str
    group: str = Field(description="CPR group, where the label scheme has one")
    evidence: int = Field(description="sentences the relation was read from")
    docs: int = Field(description="distinct documents")
    mean_score: float = Field(description="mean score of the scored sentences (1.0 when none is: gold relations)")
    sentences: list[SentenceOut] = Field(description="evidence sentences (at most the server's limit)")


class Node(BaseModel):
    data: NodeOut


class Edge(BaseModel):
    data: EdgeOut


class Graph(BaseModel):
    """Cytoscape.js-style elements."""

    nodes: list[Node]
    edges: list[Edge]

    @classmethod
    def of(cls, graph: nx.MultiDiGraph, max_sentences: int = 20) -> Graph:
        return cls(
            nodes=[Node(data=NodeOut.model_validate(node_record(n, d))) for n, d in nodes(graph)],
            edges=[
                Edge(data=EdgeOut.model_validate(edge_record(u, v, key, d, max_sentences, digits=4)))
                for u, v, key, d in edges(graph)
            ],
        )


class AnalyseResponse(BaseModel):
    documents: list[DocumentOut]
    graph: Graph
    seconds: float = Field(description="time spent tagging and classifying")
    layout: Layout | None = Field(None, description="how plain text was split into documents; null for PubTator/BioC")
    warnings: list[str] = Field(
        default_factory=list, description="what the reader skipped or kept with a remark, counted (else: nothing)"
    )

    @classmethod
    def of(
        cls, analysis: Analysis, max_sentences: int = 20, layout: Layout | None = None, warnings: list[str] = ()
    ) -> AnalyseResponse:
        documents = []
        for doc, evidence in zip(analysis.documents, analysis.evidence):
            mentions = doc.mention_index()
            relations = [
                RelationOut(
                    doc_id=doc.id, chemical=mentions[r.arg1].text, chemical_id=r.arg1, gene=mentions[r.arg2].text,
                    gene_id=r.arg2, label=r.label, group=r.group, confidence=r.score, sentence=e.sentence,
                    chemical_span=tuple(e.head_span.as_list()), gene_span=tuple(e.tail_span.as_list()),
                )
                for r, e in zip(doc.relations, evidence)
            ]  # fmt: skip
            documents.append(
                DocumentOut(
                    id=doc.id,
                    text=doc.text,
                    mentions=[MentionOut(id=m.id, start=m.start, end=m.end, text=m.text, kind=m.kind)
                              for m in sorted(doc.mentions, key=lambda m: (m.start, -m.end))],
                    relations=relations,
                )
            )  # fmt: skip
        graph = Graph.of(analysis.graph, max_sentences)
        return cls(documents=documents, graph=graph, seconds=analysis.seconds, layout=layout, warnings=list(warnings))

    def to_csv(self) -> str:
        """One row per relation."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["doc_id", "chemical", "chemical_id", "gene", "gene_id", "label", "group", "confidence",
                         "sentence"])  # fmt: skip
        for doc in self.documents:
            for r in doc.relations:
                confidence = "" if r.confidence is None else f"{r.confidence:.4f}"
                writer.writerow([r.doc_id, r.chemical, r.chemical_id, r.gene, r.gene_id, r.label, r.group, confidence,
                                 r.sentence])  # fmt: skip
        return out.getvalue()


class EntityOut(BaseModel):
    key: str
    name: str
    kind: str
    relations: int = Field(description="edges of the entity in the unfiltered network")
    mentions: int


class EntitiesResponse(BaseModel):
    entities: list[EntityOut]


class NeighbourhoodResponse(BaseModel):
    name: str
    hops: int
    graph: Graph


class InfoResponse(BaseModel):
    scheme: str
    labels: list[str] = Field(description="the model's relation labels (the negative class included)")
    tagger: str = Field(description="the NER backend for text without mentions; empty: none")
    store: bool = Field(description="whether the Explore endpoints have a store to read")
    store_labels: list[str] = Field(description="relation labels and CPR groups in the store's network")
    max_chars: int
    max_body_bytes: int
