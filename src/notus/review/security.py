"""Who may talk to the review app, and which requests may change anything.

- Loopback by default. Any other bind address needs `--allow-remote`, and then an access token, printed at
  start, is required on every request: `?token=` once (the app then sets it as an HttpOnly cookie) or the
  `X-Notus-Token` header. On loopback the Host header must name the loopback address, so a web page on the
  internet cannot reach the app through a DNS name that resolves to 127.0.0.1 (DNS rebinding).
- Every state-changing request is a POST with a JSON body and the per-session CSRF token (generated at
  start, embedded in the page) in `X-CSRF-Token`: another site's form or script cannot forge a verdict.
- Every response carries a Content-Security-Policy allowing only the app's own script and styles, so a
  `<script>` in the data could not run even if escaping failed.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response

from notus.review.filters import RequestError

TOKEN_COOKIE = "notus_review_token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
           "X-Frame-Options": "DENY", "Cache-Control": "no-store"}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Guard:
    host: str
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    token: str | None = None  # required on every request when not on loopback

    def __post_init__(self) -> None:
        if not is_loopback(self.host) and self.token is None:
            self.token = secrets.token_urlsafe(32)

    def admit(self, request: Request) -> bool:
        """Raise RequestError (4xx) for a request that may not be served; True when the token came in the
        query string (the response then sets the cookie)."""
        if self.token is None:
            name = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
            if not is_loopback(name):
                raise RequestError("forbidden: this app answers only on its loopback address", 403)
            from_query = False
        else:
            given = (request.headers.get("x-notus-token") or request.cookies.get(TOKEN_COOKIE)
                     or request.query_params.get("token") or "")
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                raise RequestError("unauthorized: open the URL with the token printed when the app started", 401)
            from_query = request.query_params.get("token") == self.token
        if request.method not in ("GET", "HEAD"):
            self.check_post(request)
        return from_query

    def check_post(self, request: Request) -> None:
        if request.method != "POST":
            raise RequestError(f"method {request.method} not allowed", 405)
        if not hmac.compare_digest((request.headers.get("x-csrf-token") or "").encode(), self.csrf.encode()):
            raise RequestError("forbidden: missing or wrong CSRF token (reload the page)", 403)
        if (request.headers.get("content-type") or "").split(";")[0].strip() != "application/json":
            raise RequestError("unsupported media type: send application/json", 415)

    def seal(self, response: Response, set_cookie: bool) -> Response:
        response.headers.update(HEADERS)
        if set_cookie and self.token is not None:
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
        return response
