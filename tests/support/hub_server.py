"""A loopback stand-in for the part of the Hugging Face Hub API that publishing and downloading use.

There is no installable Hub server, and huggingface_hub 2.x talks through httpx2, which request-mocking
libraries do not see; so the tests run the real client against a real HTTP server on 127.0.0.1. It keeps
git-like state in memory: repos, commits (each a full path -> blob snapshot), branches, tags and an LFS
object store. It answers only what `HfApi` (create_repo, create_commit, create_tag, list_repo_refs,
list_repo_tree, list_repo_commits, repo_info), `snapshot_download`/`hf_hub_download` and
`datasets.load_dataset` ask for, with the status codes and `X-Error-Code` headers the client maps to its
exception types. Every request is recorded so a test can assert what was (not) sent.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

LFS_SUFFIXES = (".parquet", ".arrow", ".bin", ".safetensors")
GITATTRIBUTES = b"*.parquet filter=lfs diff=lfs merge=lfs -text\n*.arrow filter=lfs diff=lfs merge=lfs -text\n"


def git_blob_oid(content: bytes) -> str:
    return hashlib.sha1(b"blob %d\x00" % len(content) + content).hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


@dataclass(frozen=True)
class Blob:
    """A file in a commit: its bytes, and for LFS files the sha256 the pointer names."""

    content: bytes
    lfs: bool

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def oid(self) -> str:
        """The git object id: of the bytes for a regular file, of the pointer for an LFS file."""
        return git_blob_oid(lfs_pointer(self.sha256, len(self.content)) if self.lfs else self.content)

    @property
    def etag(self) -> str:
        return self.sha256 if self.lfs else self.oid


@dataclass
class Commit:
    oid: str
    parent: str | None
    title: str
    message: str
    files: dict[str, Blob]
    date: str


@dataclass
class Repo:
    repo_id: str
    private: bool
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def resolve(self, revision: str) -> Commit | None:
        oid = self.branches.get(revision) or self.tags.get(revision) or revision
        return self.commits.get(oid)

    def history(self, oid: str) -> list[Commit]:
        out: list[Commit] = []
        commit: Commit | None = self.commits.get(oid)
        while commit is not None:
            out.append(commit)
            commit = self.commits.get(commit.parent) if commit.parent else None
        return out


class HubState:
    """What the stand-in Hub holds. `tokens` maps a token to the namespaces it may write to."""

    def __init__(self, tokens: dict[str, set[str]]) -> None:
        self.tokens = tokens
        self.repos: dict[str, Repo] = {}
        self.lfs: dict[str, bytes] = {}
        self.requests: list[tuple[str, str]] = []
        self.authorizations: list[str] = []
        self.lock = threading.Lock()
        self._clock = 0

    def now(self) -> str:
        """A strictly increasing timestamp in the Hub's format (a fake clock keeps the state reproducible)."""
        self._clock += 1
        return (datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=self._clock)).strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def commit(self, repo: Repo, parent: str | None, title: str, message: str, files: dict[str, Blob]) -> Commit:
        digest = hashlib.sha1()
        digest.update(f"{repo.repo_id}\n{parent}\n{title}\n{message}\n{len(repo.commits)}\n".encode())
        for path in sorted(files):
            digest.update(f"{path} {files[path].oid}\n".encode())
        commit = Commit(digest.hexdigest(), parent, title, message, dict(files), self.now())
        repo.commits[commit.oid] = commit
        return commit


class HubError(Exception):
    """An HTTP error answer, with the headers huggingface_hub reads to pick its exception type."""

    def __init__(self, status: int, message: str, code: str | None = None, commit: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.commit = status, message, code, commit


class HubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: HubServer

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        return

    # --- plumbing -------------------------------------------------------------------------------------

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(payload).encode(), {"Content-Type": "application/json", **(headers or {})})

    def _dispatch(self) -> None:
        state = self.server.state
        path = urlsplit(self.path).path
        with state.lock:
            state.requests.append((self.command, path))
            auth = self.headers.get("Authorization")
            if auth:
                state.authorizations.append(auth)
        body = self._body()
        try:
            with state.lock:
                self._route(path, body)
        except HubError as err:
            headers = {"X-Error-Message": err.message}
            if err.code:
                headers["X-Error-Code"] = err.code
            if err.commit:
                headers["X-Repo-Commit"] = err.commit
            self._json({"error": err.message}, status=err.status, headers=headers)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _dispatch

    # --- auth -----------------------------------------------------------------------------------------

    def _token(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        if not auth:
            return None
        token = auth.removeprefix("Bearer ").strip()
        if token not in self.server.state.tokens:
            raise HubError(401, "Invalid credentials in Authorization header")
        return token

    def _require_write(self, namespace: str) -> None:
        token = self._token()
        if token is None:
            raise HubError(401, "Authorization header is required")
        if namespace not in self.server.state.tokens[token]:
            raise HubError(403, f"You don't have the rights to write to the namespace {namespace}")

    def _repo(self, repo_id: str, *, write: bool = False) -> Repo:
        token = self._token()
        repo = self.server.state.repos.get(repo_id)
        visible = repo is not None and (not repo.private or (token is not None and repo_id.split("/")[0]
                                                              in self.server.state.tokens[token]))
        if repo is None or not visible:
            raise HubError(404, "Repository not found", code="RepoNotFound")
        if write:
            self._require_write(repo_id.split("/")[0])
        return repo

    def _commit(self, repo: Repo, revision: str) -> Commit:
        commit = repo.resolve(unquote(revision))
        if commit is None:
            raise HubError(404, f"Invalid rev id: {unquote(revision)}", code="RevisionNotFound")
        return commit

    # --- routes ---------------------------------------------------------------------------------------

    def _route(self, path: str, body: bytes) -> None:
        if self.server.refuse_all_with is not None:
            raise HubError(self.server.refuse_all_with, "refused by test configuration")
        if path == "/api/repos/create" and self.command == "POST":
            return self._create_repo(json.loads(body))
        if path == "/api/validate-yaml" and self.command == "POST":
            return self._validate_yaml(json.loads(body))
        if path.startswith("/lfs-upload/") and self.command == "PUT":
            return self._lfs_put(path.removeprefix("/lfs-upload/"), body)
        if m := re.fullmatch(r"/datasets/([^/]+/[^/]+)\.git/info/lfs/objects/batch", path):
            return self._lfs_batch(m[1], json.loads(body))
        if m := re.fullmatch(r"/datasets/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", path):
            return self._resolve(m[1], m[2], unquote(m[3]))
        if m := re.fullmatch(r"/api/datasets/([^/]+/[^/]+)(?:/revision/([^/]+))?", path):
            return self._info(m[1], m[2] or "main")
        if m := re.fullmatch(r"/api/datasets/([^/]+/[^/]+)/refs", path):
            return self._refs(m[1])
        if m := re.fullmatch(r"/api/datasets/([^/]+/[^/]+)/preupload/([^/]+)", path):
            return self._preupload(m[1], m[2], json.loads(body))
        if m := re.fullmatch(r"/api/datasets/([^/]+/[^/]+)/commit/([^/]+)", path):
            return self._commit_post(m[1], m[2], body)
        if m := re.fullmatch(r"/api/datasets/([^/]+/[^/]+)/tag/([^/]+)", path):
            return self._tag(m[1], m[2], json.loads(body))
        if m := re.fullmatch(r"/api/datasets/([^/]+/[^/]+)/tree/([^/]+)(?:/(.+))?", path):
            return self._tree(m[1], m[2], unquote(m[3] or ""))
        if m := re.fullmatch(r"/api/datasets/([^/]+/[^/]+)/paths-info/([^/]+)", path):
            return self._paths_info(m[1], m[2], body)
        if m := re.fullmatch(r"/api/datasets/([^/]+/[^/]+)/commits/([^/]+)", path):
            return self._commits(m[1], m[2])
        raise HubError(404, f"no route for {self.command} {path}")

    def _create_repo(self, payload: dict[str, Any]) -> None:
        state = self.server.state
        namespace, name = payload.get("organization"), payload["name"]
        if payload.get("type") != "dataset" or not namespace:
            raise HubError(400, "the stand-in only hosts namespaced dataset repos")
        if namespace in self.server.missing_namespaces:
            raise HubError(404, f"Namespace {namespace} does not exist", code="RepoNotFound")
        self._require_write(namespace)
        repo_id = f"{namespace}/{name}"
        url = f"{self.server.endpoint}/datasets/{repo_id}"
        if repo_id in state.repos:
            raise HubError(409, "You already created this dataset repo")
        repo = Repo(repo_id, private=payload.get("visibility") == "private" or bool(payload.get("private")))
        initial = state.commit(repo, None, "initial commit", "", {".gitattributes": Blob(GITATTRIBUTES, False)})
        repo.branches["main"] = initial.oid
        state.repos[repo_id] = repo
        self._json({"url": url, "name": repo_id})

    def _validate_yaml(self, payload: dict[str, Any]) -> None:
        content = payload.get("content", "")
        errors: list[dict[str, str]] = []
        if content.startswith("---\n"):
            front = content[4:].split("\n---\n", 1)[0]
            try:
                meta = yaml.safe_load(front)
                if not isinstance(meta, dict):
                    errors.append({"message": "metadata is not a mapping"})
            except yaml.YAMLError as exc:
                errors.append({"message": f"invalid YAML: {exc}"})
        self._json({"errors": errors, "warnings": []}, status=400 if errors else 200)

    def _info(self, repo_id: str, revision: str) -> None:
        repo = self._repo(repo_id)
        commit = self._commit(repo, revision)
        self._json(
            {
                "id": repo_id,
                "author": repo_id.split("/")[0],
                "sha": commit.oid,
                "private": repo.private,
                "lastModified": commit.date,
                "tags": [],
                "siblings": [{"rfilename": p} for p in sorted(commit.files)],
            }
        )

    def _refs(self, repo_id: str) -> None:
        repo = self._repo(repo_id)

        def refs(kind: str, items: dict[str, str]) -> list[dict[str, str]]:
            return [{"name": n, "ref": f"refs/{kind}/{n}", "targetCommit": oid} for n, oid in sorted(items.items())]

        self._json({"branches": refs("heads", repo.branches), "converts": [], "tags": refs("tags", repo.tags)})

    def _preupload(self, repo_id: str, revision: str, payload: dict[str, Any]) -> None:
        repo = self._repo(repo_id, write=True)
        commit = self._commit(repo, revision)
        files = []
        for item in payload["files"]:
            lfs = item["path"].endswith(LFS_SUFFIXES)
            remote = commit.files.get(item["path"])
            oid = None if remote is None else (remote.sha256 if remote.lfs else remote.oid)
            files.append({"path": item["path"], "uploadMode": "lfs" if lfs else "regular",
                          "shouldIgnore": False, "oid": oid})
        self._json({"files": files, "commitOid": commit.oid})

    def _lfs_batch(self, repo_id: str, payload: dict[str, Any]) -> None:
        self._repo(repo_id, write=True)
        objects = []
        for obj in payload["objects"]:
            entry: dict[str, Any] = {"oid": obj["oid"], "size": obj["size"], "authenticated": True}
            if obj["oid"] not in self.server.state.lfs:
                entry["actions"] = {"upload": {"href": f"{self.server.endpoint}/lfs-upload/{obj['oid']}"}}
            objects.append(entry)
        self._send(200, json.dumps({"transfer": "basic", "objects": objects}).encode(),
                   {"Content-Type": "application/vnd.git-lfs+json"})

    def _lfs_put(self, oid: str, body: bytes) -> None:
        if hashlib.sha256(body).hexdigest() != oid:
            raise HubError(400, "uploaded content does not match its oid")
        self.server.state.lfs[oid] = body
        self._send(200)

    def _commit_post(self, repo_id: str, revision: str, body: bytes) -> None:
        state = self.server.state
        repo = self._repo(repo_id, write=True)
        branch = unquote(revision)
        if branch not in repo.branches:
            raise HubError(404, f"Invalid rev id: {branch}", code="RevisionNotFound")
        head = repo.commits[repo.branches[branch]]
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        header = next(item["value"] for item in lines if item["key"] == "header")
        if header.get("parentCommit") not in (None, head.oid):
            raise HubError(412, "A commit has happened since. Please refresh and try again.")
        files = dict(head.files)
        for item in lines:
            key, value = item["key"], item["value"]
            if key == "file":
                files[value["path"]] = Blob(base64.b64decode(value["content"]), lfs=False)
            elif key == "lfsFile":
                if value["oid"] not in state.lfs:
                    raise HubError(422, f"LFS object {value['oid']} was never uploaded")
                files[value["path"]] = Blob(state.lfs[value["oid"]], lfs=True)
            elif key == "deletedFile":
                if value["path"] not in files:
                    raise HubError(404, "A file with this name doesn't exist", code="EntryNotFound")
                del files[value["path"]]
            elif key == "deletedFolder":
                prefix = value["path"].rstrip("/") + "/"
                files = {p: b for p, b in files.items() if not p.startswith(prefix)}
        commit = state.commit(repo, head.oid, header["summary"], header.get("description", ""), files)
        repo.branches[branch] = commit.oid
        self._json({"commitUrl": f"{self.server.endpoint}/datasets/{repo_id}/commit/{commit.oid}",
                    "commitOid": commit.oid, "success": True, "hookOutput": ""})

    def _tag(self, repo_id: str, revision: str, payload: dict[str, Any]) -> None:
        repo = self._repo(repo_id, write=True)
        commit = self._commit(repo, revision)
        if payload["tag"] in repo.tags:
            raise HubError(409, f"Tag {payload['tag']} already exists")
        repo.tags[payload["tag"]] = commit.oid
        self._json({})

    def _entries(self, commit: Commit, folder: str, recursive: bool) -> list[dict[str, Any]]:
        prefix = folder.rstrip("/") + "/" if folder else ""
        entries: dict[str, dict[str, Any]] = {}
        for path, blob in sorted(commit.files.items()):
            if not path.startswith(prefix):
                continue
            rest = path[len(prefix):]
            parts = rest.split("/")
            for depth in range(1, len(parts)):
                sub = prefix + "/".join(parts[:depth])
                if recursive or depth == 1:
                    entries.setdefault(sub, {"type": "directory", "oid": git_blob_oid(sub.encode()), "size": 0,
                                             "path": sub})
            if recursive or len(parts) == 1:
                entries[path] = self._file_entry(path, blob)
        return [entries[k] for k in sorted(entries)]

    @staticmethod
    def _file_entry(path: str, blob: Blob) -> dict[str, Any]:
        entry: dict[str, Any] = {"type": "file", "oid": blob.oid, "size": len(blob.content), "path": path}
        if blob.lfs:
            pointer = lfs_pointer(blob.sha256, len(blob.content))
            entry["lfs"] = {"oid": blob.sha256, "size": len(blob.content), "pointerSize": len(pointer)}
        return entry

    def _tree(self, repo_id: str, revision: str, folder: str) -> None:
        commit = self._commit(self._repo(repo_id), revision)
        query = parse_qs(urlsplit(self.path).query)
        recursive = query.get("recursive", ["False"])[0].lower() in ("1", "true")
        entries = self._entries(commit, folder, recursive)
        if folder and not entries:
            raise HubError(404, f"{folder} does not exist", code="EntryNotFound", commit=commit.oid)
        self._json(entries)

    def _paths_info(self, repo_id: str, revision: str, body: bytes) -> None:
        commit = self._commit(self._repo(repo_id), revision)
        paths = parse_qs(body.decode()).get("paths", [])
        out = []
        for path in paths:
            path = path.strip("/")
            if path in commit.files:
                out.append(self._file_entry(path, commit.files[path]))
            elif any(p.startswith(path + "/") for p in commit.files):
                out.append({"type": "directory", "oid": git_blob_oid(path.encode()), "path": path})
        self._json(out)

    def _commits(self, repo_id: str, revision: str) -> None:
        repo = self._repo(repo_id)
        commit = self._commit(repo, revision)
        self._json([{"id": c.oid, "title": c.title, "message": c.message, "date": c.date,
                     "authors": [{"user": "notus-test"}]} for c in repo.history(commit.oid)])

    def _resolve(self, repo_id: str, revision: str, path: str) -> None:
        repo = self._repo(repo_id)
        commit = self._commit(repo, revision)
        blob = commit.files.get(path)
        if blob is None:
            raise HubError(404, "Entry not found", code="EntryNotFound", commit=commit.oid)
        content = blob.content
        headers = {"X-Repo-Commit": commit.oid, "ETag": f'"{blob.etag}"', "Accept-Ranges": "bytes",
                   "Content-Type": "application/octet-stream"}
        if blob.lfs:
            headers["X-Linked-Etag"] = f'"{blob.sha256}"'
            headers["X-Linked-Size"] = str(len(content))
        status = 200
        if (rng := self.headers.get("Range")) and (m := re.fullmatch(r"bytes=(\d*)-(\d*)", rng.strip())):
            start = int(m[1]) if m[1] else max(0, len(content) - int(m[2]))
            end = int(m[2]) if m[1] and m[2] else len(content) - 1
            end = min(end, len(content) - 1)
            headers["Content-Range"] = f"bytes {start}-{end}/{len(content)}"
            content, status = content[start : end + 1], 206
        self._send(status, content, headers)


class HubServer(ThreadingHTTPServer):
    """The stand-in Hub on an ephemeral 127.0.0.1 port, served from a daemon thread."""

    daemon_threads = True

    def __init__(self, tokens: dict[str, set[str]]) -> None:
        super().__init__(("127.0.0.1", 0), HubHandler)
        self.state = HubState(tokens)
        self.endpoint = f"http://127.0.0.1:{self.server_address[1]}"
        self.missing_namespaces: set[str] = set()
        self.refuse_all_with: int | None = None
        self._thread = threading.Thread(target=self.serve_forever, name="hub-stand-in", daemon=True)

    def start(self) -> HubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)

    def repo(self, repo_id: str) -> Repo:
        return self.state.repos[repo_id]

    def seed(self, repo_id: str, files: dict[str, bytes], title: str = "upload") -> str:
        """Commit `files` (the repo's whole new content) to a public dataset repo's main branch, creating
        the repo if needed, as if someone had pushed them; returns the commit id."""
        with self.state.lock:
            repo = self.state.repos.setdefault(repo_id, Repo(repo_id, private=False))
            blobs = {path: Blob(content, path.endswith(LFS_SUFFIXES)) for path, content in files.items()}
            commit = self.state.commit(repo, repo.branches.get("main"), title, "", blobs)
            repo.branches["main"] = commit.oid
        return commit.oid

    def main(self, repo_id: str) -> str:
        """The commit id the repo's main branch points to."""
        return self.state.repos[repo_id].branches["main"]

    def request_lines(self) -> list[str]:
        """Every request so far as 'METHOD /path'."""
        return [f"{method} {path}" for method, path in self.state.requests]

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class SilentServer:
    """Accepts TCP connections and never answers: the failure the default hub 2.x client hangs on."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="silent-server", daemon=True)

    def _accept(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(conn)

    def start(self) -> SilentServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in self.connections:
            conn.close()
        self.sock.close()
