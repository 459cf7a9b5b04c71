"""A read-only loopback stand-in for the three Hub endpoints `snapshot_download` uses.

huggingface_hub 2.x talks through httpx2, which request-mocking libraries do not see, so the scheme's real
download code runs against a real HTTP server on 127.0.0.1 serving fixed dataset repos from memory:
repo info (the commit of a revision), the recursive tree listing, and file resolve (HEAD and GET).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit


def git_oid(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\x00" % len(content) + content).hexdigest()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: HubStandIn

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), {"Content-Type": "application/json", **(headers or {})})

    def _route(self) -> None:
        path = unquote(urlsplit(self.path).path)
        self.server.requests.append(f"{self.command} {path}")
        if m := re.fullmatch(r"/api/datasets/([^/]+/[^/]+)(?:/revision/([^/]+))?", path):
            return self._with_repo(m[1], m[2] or "main", lambda files, sha: self._json(
                {"id": m[1], "sha": sha, "private": False, "siblings": [{"rfilename": p} for p in sorted(files)]}
            ))
        if m := re.fullmatch(r"/api/datasets/([^/]+/[^/]+)/tree/([^/]+)(?:/(.*))?", path):
            return self._with_repo(m[1], m[2], lambda files, sha: self._json([
                {"type": "file", "oid": git_oid(body), "size": len(body), "path": p}
                for p, body in sorted(files.items()) if p.startswith(m[3] or "")
            ]))
        if m := re.fullmatch(r"/datasets/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", path):
            return self._with_repo(m[1], m[2], lambda files, sha: self._file(files, sha, m[3]))
        self._json({"error": "no route"}, 404)

    do_GET = do_HEAD = _route

    def _with_repo(self, repo_id: str, revision: str, answer: Any) -> None:
        files = self.server.repos.get(repo_id)
        if files is None:
            return self._json({"error": "Repository not found"}, 404, {"X-Error-Code": "RepoNotFound"})
        sha = self.server.commit(repo_id)
        if revision not in ("main", sha):
            return self._json({"error": f"Invalid rev id: {revision}"}, 404, {"X-Error-Code": "RevisionNotFound"})
        answer(files, sha)

    def _file(self, files: dict[str, bytes], sha: str, path: str) -> None:
        if path not in files:
            return self._json({"error": "Entry not found"}, 404, {"X-Error-Code": "EntryNotFound"})
        body = files[path]
        self._send(200, body, {"X-Repo-Commit": sha, "ETag": f'"{git_oid(body)}"',
                               "Content-Type": "application/octet-stream"})


class HubStandIn(ThreadingHTTPServer):
    """Dataset repos {repo_id: {path: bytes}}, each with one commit derived from its content."""

    daemon_threads = True

    def __init__(self, repos: dict[str, dict[str, bytes]]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.repos = repos
        self.requests: list[str] = []
        self.endpoint = f"http://127.0.0.1:{self.server_address[1]}"
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def commit(self, repo_id: str) -> str:
        digest = hashlib.sha1()
        for path, body in sorted(self.repos[repo_id].items()):
            digest.update(path.encode() + b"\0" + body)
        return digest.hexdigest()

    def __enter__(self) -> HubStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)
