"""The review app's routes (Starlette): server-rendered pages, a few JSON endpoints, one static script.

Pages: `/queue` (a queue's page of members with filters, progress and bulk actions), `/record/{id}` (one
record in full), `/next` (redirects to the member after the one just reviewed). JSON: `POST /api/verdict`,
`/api/bulk`, `/api/undo`, `/api/rebuild`; `GET /api/count`, `/api/rebuild`. A verdict is acknowledged only
after `ledger` has fsynced it. Every request passes `security.Guard`; any refusal is a 4xx with one line.
"""

from __future__ import annotations

import json
import sys
import traceback
from dataclasses import replace
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from notus.review import actions
from notus.review.data import PAGE_SIZE
from notus.review.filters import Filters, RequestError
from notus.review.highlight import marked, phrases
from notus.review.rebuild import Rebuild, command
from notus.review.session import Review

MAX_BODY = 64 * 1024


def create_app(review: Review) -> Starlette:
    env = Environment(loader=PackageLoader("notus.review", "templates"), autoescape=select_autoescape(default=True))
    env.filters["marked"] = marked
    env.globals.update(phrases=phrases)

    def render(name: str, **context: Any) -> HTMLResponse:
        data = review.data
        context.update(data=data, version=data.version, other=data.other, progress=data.progress(),
                       pending=review.pending(), csrf=review.guard.csrf, author=review.ledger.author,
                       can_undo=review.ledger.can_undo, rebuild=review.rebuild, page_size=PAGE_SIZE)
        return HTMLResponse(env.get_template(name).render(**context))

    def filters(request: Request) -> Filters:
        return Filters.parse(request.query_params, review.data.queues)

    def queue_page(request: Request) -> Response:
        review.refresh()
        f = filters(request)
        offset = _whole(request.query_params.get("offset", "0"), "offset")
        total, reviewed = review.data.count(replace(f, status="all"))
        shown, _ = review.data.count(f)
        return render("queue.html", f=f, rows=review.data.page(f, offset), offset=offset, shown=shown,
                      total=total, reviewed=reviewed, choices=review.data.choices(),
                      done=request.query_params.get("done"))

    def record_page(request: Request) -> Response:
        review.refresh()
        f = filters(request)
        record = review.data.record(_whole(request.path_params["record_id"], "record"))
        if record is None:
            raise RequestError("no such record in this version", 404)
        ci = request.query_params.get("ci", "")
        first = record["completions"][0]["completion_index"] if record["completions"] else 0
        focus = _whole(ci, "ci") if ci else first
        live = [v for v in review.ledger.live() if v.prompt_id == record["prompt_id"]]
        unapplied = [v for v in live if v.verdict_id not in review.data.version_verdict_ids]
        total, reviewed = review.data.count(replace(f, status="all"))
        return render("record.html", f=f, record=record, focus=focus, unapplied=unapplied,
                      ci=ci, total=total, reviewed=reviewed)

    def next_member(request: Request) -> Response:
        review.refresh()
        f = filters(request)
        params = request.query_params
        record = _whole(params["from_record"], "from_record") if params.get("from_record") else None
        ci = _whole(params["from_ci"], "from_ci") if params.get("from_ci") else None
        found = review.data.step(f, record, ci, backwards=params.get("dir") == "prev")
        if found is None:
            return RedirectResponse(f"/queue?{f.query_string()}&done=1", 303)
        extra = f"&ci={found.completion_index}" if found.completion_index is not None else ""
        return RedirectResponse(f"/record/{found.record_id}?{f.query_string()}{extra}", 303)

    async def post_verdict(request: Request) -> Response:
        verdict = actions.verdict(review.data, await _json(request), review.ledger.author)
        ids = review.ledger.write([verdict])  # fsynced: only now is it acknowledged
        review.refresh()
        return JSONResponse({"saved": ids, "pending": review.pending()})

    async def post_bulk(request: Request) -> Response:
        body = await _json(request)
        f = Filters.parse({k: str(v) for k, v in (body.get("filters") or {}).items()}, review.data.queues)
        members = review.data.members(f)
        if body.get("expected") != len(members):
            raise RequestError(f"conflict: the filter now matches {len(members)} items, not {body.get('expected')}; "
                               "reload and confirm again", 409)
        verdicts = actions.bulk(review.data, members, str(body.get("action")), review.ledger.author,
                                str(body.get("note") or ""))
        review.ledger.write(verdicts)
        review.refresh()
        return JSONResponse({"saved": len(verdicts), "pending": review.pending()})

    async def post_undo(request: Request) -> Response:
        await _json(request)
        undone = review.ledger.undo()
        if not undone:
            raise RequestError("nothing to undo in this session", 409)
        review.refresh()
        first = undone[0]  # one verdict undone: the page goes back to its record, to decide again
        record_id = review.data.record_id(first.prompt_id) if len(undone) == 1 else None
        return JSONResponse({"undone": len(undone), "record_id": record_id,
                             "completion_index": first.completion_index, "pending": review.pending()})

    def count(request: Request) -> Response:
        review.refresh()
        return JSONResponse({"count": review.data.count(filters(request))[0]})

    async def rebuild(request: Request) -> Response:
        if request.method == "POST":
            await _json(request)
            if review.rebuild and review.rebuild.state == "running":
                raise RequestError("a rebuild is already running", 409)
            args = command(review.data.version, review.ledger.folder, review.cwd)
            review.rebuild = Rebuild(args, review.cwd).start()
        if review.rebuild is None:
            return JSONResponse({"state": "none"})
        review.follow_rebuild()
        return JSONResponse({**review.rebuild.status(), "version_id": review.data.version.version_id})

    routes = [
        Route("/", lambda r: RedirectResponse("/queue?" + Filters(queue=review.first_queue()).query_string(), 303)),
        Route("/queue", queue_page), Route("/record/{record_id}", record_page), Route("/next", next_member),
        Route("/api/verdict", post_verdict, methods=["POST"]), Route("/api/bulk", post_bulk, methods=["POST"]),
        Route("/api/undo", post_undo, methods=["POST"]), Route("/api/count", count),
        Route("/api/rebuild", rebuild, methods=["GET", "POST"]),
        Mount("/static", StaticFiles(packages=[("notus.review", "static")]), name="static"),
    ]

    async def guard(request: Request, call_next: RequestResponseEndpoint) -> Response:
        try:
            from_query = review.guard.admit(request)
        except RequestError as exc:
            return review.guard.seal(PlainTextResponse(str(exc), exc.status), False)
        return review.guard.seal(await call_next(request), from_query)

    handlers = {RequestError: _refused, HTTPException: _http_error, Exception: _crashed}
    return Starlette(routes=routes, middleware=[Middleware(BaseHTTPMiddleware, dispatch=guard)],
                     exception_handlers=handlers)  # type: ignore[arg-type]


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise RequestError("request body too large", 413)
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise RequestError("body: not valid JSON") from None
    if not isinstance(body, dict):
        raise RequestError("body: expected a JSON object")
    return body


def _whole(raw: str, name: str) -> int:
    if not raw.isdigit() or len(raw) > 18:
        raise RequestError(f"{name}: expected a whole number >= 0")
    return int(raw)


def _refused(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(str(exc).splitlines()[0] if str(exc) else "bad request",
                             getattr(exc, "status", 400))


def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 400)
    return PlainTextResponse("not found" if status == 404 else str(getattr(exc, "detail", "bad request")), status)


def _crashed(request: Request, exc: Exception) -> Response:
    """A bug: the server's log gets the traceback, the page one line."""
    traceback.print_exception(exc, file=sys.stderr)
    return PlainTextResponse(f"internal error ({type(exc).__name__}); the server log has the details", 500)
