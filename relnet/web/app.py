"""The local web app (``relnet serve``): a JSON API and one page over `Analyser` (text → relations) and
`Explorer` (a mined store, read-only).

`create_app` loads the models and opens the store once; each route parses its request, makes one
library call (models run in a worker thread, so the server keeps answering) and formats the result.
Every error is a short JSON body ``{"error": "…"}``: never a traceback, never a server path.
The OpenAPI schema is at ``/api/openapi.json`` and browsable at ``/api/docs``.
"""

import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from relnet.data import Document
from relnet.errors import NotFound, RelnetError
from relnet.mentions import Tagger
from relnet.mining.analyse import Analyser, read_text_bytes, safe_name
from relnet.network.explore import MEDIA_TYPES, Explorer, Filters, StoreUnavailable
from relnet.web.schemas import (
    LAYOUT_HELP,
    AnalyseRequest,
    AnalyseResponse,
    EntitiesResponse,
    EntityOut,
    ErrorResponse,
    Graph,
    InfoResponse,
    InputFormat,
    Layout,
    NeighbourhoodResponse,
)

log = logging.getLogger("relnet")
STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class Limits:
    """What one request may ask for; beyond it the answer is a 4xx JSON error saying which limit."""

    max_body_bytes: int = 2_000_000  # request body (413)
    max_chars: int = 100_000  # text of one analysis, all documents together (413)
    max_documents: int = 100  # documents in one analysis (413)
    max_pending: int = 32  # analyses running or queued; beyond it the server is busy (503)
    max_hops: int = 3
    max_edges: int = 3_000  # edges of a neighbourhood drawn in the page (422)
    max_sentences: int = 20  # evidence sentences per edge in a response


class BodyLimit:
    """ASGI middleware: reject request bodies over ``max_bytes`` with 413, whether or not they declare a length."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        too_large = JSONResponse({"error": f"request body over the limit of {self.max_bytes} bytes"}, 413)
        length = dict(scope["headers"]).get(b"content-length", b"0")
        if not length.isdigit():
            return await JSONResponse({"error": "the Content-Length header is not a number"}, 400)(scope, receive, send)
        if int(length) > self.max_bytes:
            return await too_large(scope, receive, send)
        body, more = b"", True  # read it all (it is small), then hand it on
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                return await too_large(scope, receive, send)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def create_app(
    model_dir: str | Path,
    store_path: str | Path | None = None,
    tagger: Tagger | None = None,
    limits: Limits = Limits(),
    tagger_name: str = "",
    backend: str = "fp32",
) -> FastAPI:
    """The web app: loads the relation model from ``model_dir`` now and opens ``store_path`` read-only.

    ``tagger`` finds mentions in text that has none (built with `relnet.mentions.get_tagger`);
    ``tagger_name`` is what the page shows for it; ``backend`` runs the relation model (`relnet.model.backends`).
    """
    from relnet.model.classifier import RelationClassifier
    from relnet.views.html import vis_network_js as read_vis_network_js

    classifier = RelationClassifier.load(model_dir, backend)
    analyser = Analyser(classifier, tagger)
    explorer = Explorer(store_path) if store_path is not None else None
    vis_js = read_vis_network_js()  # vendored standalone build; it injects its own stylesheet
    pending = 0

    app = FastAPI(
        title="relnet",
        summary="Chemical–protein relations in text, and the network of a mined store.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.add_middleware(BodyLimit, max_bytes=limits.max_body_bytes)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (404, 413, 422, 503)}

    # -- errors: one short JSON shape, no tracebacks -------------------------------------------
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = ["{}: {}".format(".".join(str(x) for x in e["loc"]), e["msg"]) for e in exc.errors()]
        return JSONResponse({"error": "invalid request: " + "; ".join(problems)}, 422)

    @app.exception_handler(RelnetError)
    async def relnet_error(request: Request, exc: RelnetError) -> JSONResponse:
        code = 404 if isinstance(exc, NotFound) else 503 if isinstance(exc, StoreUnavailable) else 422
        return JSONResponse({"error": str(exc)}, code)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return JSONResponse({"error": "internal server error; the details are in the server log"}, 500)

    # -- page and assets ---------------------------------------------------------------------
    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/vendor/vis-network.min.js", include_in_schema=False)
    async def vis_network_js() -> Response:
        return Response(vis_js, media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})

    @app.get("/api/info", response_model=InfoResponse)
    async def info() -> InfoResponse:
        """The model, the tagger, whether there is a store, and the request limits."""
        return InfoResponse(
            scheme=classifier.meta.get("scheme", "cpr"), labels=classifier.labels, tagger=tagger_name,
            store=explorer is not None, store_labels=await run_in_threadpool(explorer.labels) if explorer else [],
            max_chars=limits.max_chars, max_body_bytes=limits.max_body_bytes,
        )  # fmt: skip

    # -- analyse -------------------------------------------------------------------------------
    async def analyse(data: bytes, name: str, fmt: str, layout: str, out: str) -> AnalyseResponse | Response:
        nonlocal pending
        if pending >= limits.max_pending:
            raise HTTPException(503, f"busy: {pending} analyses in progress; try again in a moment")
        pending += 1
        try:
            docs: list[Document]
            docs, read_as, warnings = await run_in_threadpool(read_text_bytes, data, name, fmt, layout)
            chars = sum(len(d.text) for d in docs)
            if chars > limits.max_chars:
                raise HTTPException(413, f"the text has {chars} characters; the limit is {limits.max_chars}")
            if len(docs) > limits.max_documents:
                raise HTTPException(413, f"the input has {len(docs)} documents; the limit is {limits.max_documents}")
            analysis = await run_in_threadpool(analyser.analyse, docs)
        finally:
            pending -= 1
        result = AnalyseResponse.of(analysis, limits.max_sentences, layout if read_as == "text" else None, warnings)
        if out == "csv":
            return _attachment(result.to_csv(), "text/csv", "relnet-analysis.csv")
        return result

    OutFormat = Annotated[Literal["json", "csv"], Query(description="json, or csv: one row per relation")]

    @app.post("/api/analyse", response_model=AnalyseResponse, responses=errors)
    async def analyse_text(request: AnalyseRequest, format: OutFormat = "json") -> Any:  # noqa: A002
        """Find mentions and relations in pasted text; returns the documents, their relations and their network."""
        if len(request.text) > limits.max_chars:
            raise HTTPException(413, f"the text has {len(request.text)} characters; the limit is {limits.max_chars}")
        return await analyse(request.text.encode("utf-8"), "input.txt", request.input_format, request.layout, format)

    @app.post("/api/analyse/file", response_model=AnalyseResponse, responses=errors)
    async def analyse_file(
        file: Annotated[UploadFile, File(description="plain text, PubTator, or BioC (.xml / .json)")],
        input_format: Annotated[InputFormat, Form()] = "auto",
        layout: Annotated[Layout, Form(description=LAYOUT_HELP)] = "blocks",
        format: OutFormat = "json",  # noqa: A002
    ) -> Any:
        """Like `POST /api/analyse`, for an uploaded file (its name only names the documents; it is never a path)."""
        return await analyse(await file.read(), safe_name(file.filename), input_format, layout, format)

    # -- explore -------------------------------------------------------------------------------
    def need_store() -> Explorer:
        if explorer is None:
            raise HTTPException(404, "this server has no store; start it with `relnet serve --store STORE.sqlite`")
        return explorer

    TypesQuery = Annotated[list[str] | None, Query(description="relation labels or CPR groups to keep (repeat)")]
    MinEvidence = Annotated[int, Query(ge=1, description="drop edges read from fewer sentences")]
    MinConfidence = Annotated[float, Query(ge=0.0, le=1.0, description="drop relations scored below this")]
    Hops = Annotated[int, Query(ge=1, le=limits.max_hops)]

    def store_filters(types: TypesQuery = None, min_evidence: MinEvidence = 1, min_confidence: MinConfidence = 0.0):
        """The network filters every store route takes (a shared dependency: one definition of the query)."""
        kept = tuple(sorted({t.strip() for ts in types for t in ts.split(",") if t.strip()})) if types else ()
        return Filters(kept or None, min_evidence, min_confidence)

    StoreDep = Annotated[Explorer, Depends(need_store)]
    FiltersDep = Annotated[Filters, Depends(store_filters)]

    @app.get("/api/entities", response_model=EntitiesResponse, responses=errors)
    async def entities(
        store: StoreDep,
        prefix: Annotated[str, Query(max_length=200, description="case-insensitive name prefix")] = "",
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> EntitiesResponse:
        """Entities of the store (those on a relation) whose name starts with ``prefix``, most related first."""
        hits = await run_in_threadpool(store.entities, prefix, limit)
        return EntitiesResponse(entities=[EntityOut(**asdict(h)) for h in hits])

    @app.get("/api/neighbourhood", response_model=NeighbourhoodResponse, responses=errors)
    async def neighbourhood(
        store: StoreDep,
        filters: FiltersDep,
        name: Annotated[str, Query(min_length=1, max_length=200, description="an entity name, e.g. EGFR")],
        hops: Hops = 1,
    ) -> NeighbourhoodResponse:
        """The relations within ``hops`` of an entity, with their evidence sentences and document ids."""
        sub = await run_in_threadpool(store.neighbourhood, name, hops, filters)  # not there: 404; bad types: 422
        if sub.number_of_edges() > limits.max_edges:
            raise HTTPException(422, f"{sub.number_of_edges()} relations are too many to draw (limit "
                                f"{limits.max_edges}); use fewer hops or stricter filters, or export them")  # fmt: skip
        return NeighbourhoodResponse(name=name, hops=hops, graph=Graph.of(sub, limits.max_sentences))

    @app.get("/api/export", responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}}, **errors})
    async def export(
        store: StoreDep,
        filters: FiltersDep,
        format: Literal["graphml", "cyjs", "csv"] = "graphml",  # noqa: A002
        name: Annotated[str | None, Query(max_length=200, description="only this entity's neighbourhood")] = None,
        hops: Hops = 1,
    ) -> Response:
        """The (filtered) network of the store, or one entity's neighbourhood, as GraphML, Cytoscape.js JSON or CSV."""
        data = await run_in_threadpool(store.export, format, filters, name or None, hops)
        stem = f"relnet-{safe_name(name, 'network')}" if name else "relnet-network"
        return _attachment(data, MEDIA_TYPES[format], f"{stem}.{format}")

    return app


def _attachment(content: str | bytes, media_type: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})
