"""A small OpenID Connect provider on 127.0.0.1, for the sign-in tests.

It speaks what Streamlit's sign-in (Authlib's Starlette client) uses, as
OpenID Connect Core 1.0 and Discovery 1.0 describe it:

- discovery at /.well-known/openid-configuration (Discovery 1.0, section 3);
- the authorization code flow (Core 3.1) with PKCE, S256 only (RFC 7636):
  /authorize shows one button per known person, so a browser test picks who
  signs in, and answers the redirect_uri with `code` and `state`;
- /token (Core 3.1.3.1, RFC 6749 4.1.3), the client authenticated by HTTP
  Basic (client_secret_basic, the default of Authlib and of Discovery's
  token_endpoint_auth_methods_supported) or in the body (client_secret_post);
  errors are RFC 6749 5.2 JSON (`invalid_grant`, `invalid_client` with 401);
- ID tokens signed RS256 with a key published at /jwks (RFC 7517), carrying
  iss, sub, aud, exp, iat, nonce (Core 2) and email, email_verified, name and
  a `groups` claim;
- /userinfo with the access token as a Bearer token (Core 5.3).

Signing is joserfc's (the JOSE library Authlib itself uses). Nothing here is
a real provider's security: codes and tokens live in memory for one test.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "postmortem-canvas"
CLIENT_SECRET = "test-client-secret"
TOKEN_SECONDS = 300


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    groups: tuple[str, ...] = ()
    email_verified: bool = True

    @property
    def sub(self) -> str:
        return hashlib.sha256(self.email.encode()).hexdigest()[:16]


@dataclass
class _Grant:
    person: Person
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    scope: str


@dataclass
class OidcProvider:
    """The provider's state: its people, signing key, and codes and tokens given out."""

    people: list[Person]
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    host: str = "127.0.0.1"
    port: int = 0
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"use": "sig"}, auto_kid=True))
    codes: dict[str, _Grant] = field(default_factory=dict)
    access_tokens: dict[str, Person] = field(default_factory=dict)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def issuer(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def person(self, email: str) -> Person | None:
        return next((p for p in self.people if p.email == email), None)

    # --- the endpoints -------------------------------------------------------------

    async def discovery(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "email", "email_verified",
                                 "name", "groups"],
        })

    async def jwks(self, request: Request) -> Response:
        public = self.key.as_dict(private=False)
        return JSONResponse({"keys": [{**public, "alg": "RS256", "use": "sig"}]})

    async def authorize(self, request: Request) -> Response:
        params = dict(request.query_params) if request.method == "GET" else dict(await request.form())
        if params.get("client_id") != self.client_id:
            # Core 3.1.2.6: an unknown client or redirect URI is shown, never redirected to.
            return HTMLResponse("<p>Unknown client.</p>", status_code=400)
        redirect_uri = params.get("redirect_uri", "")
        state = params.get("state")

        def back(**answer: str) -> Response:
            query = urlencode({**answer, **({"state": state} if state else {})})
            return RedirectResponse(f"{redirect_uri}?{query}", status_code=302)

        if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
            return back(error="unsupported_response_type")
        # This provider requires PKCE with S256 (RFC 7636 4.4.1): a plain or
        # missing challenge is an invalid request.
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return back(error="invalid_request", error_description="PKCE with S256 is required")
        if request.method == "GET":
            return HTMLResponse(self._chooser(params))
        person = self.person(params.get("user", ""))
        if person is None:
            return back(error="access_denied")
        code = secrets.token_urlsafe(24)
        self.codes[code] = _Grant(person, self.client_id, redirect_uri, params["code_challenge"],
                                  params.get("nonce"), params.get("scope", ""))
        return back(code=code)

    def _chooser(self, params: dict) -> str:
        hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                         for k, v in params.items() if k != "user")
        buttons = "".join(f'<button type="submit" name="user" value="{html.escape(p.email)}" '
                          f'data-email="{html.escape(p.email)}">Sign in as {html.escape(p.name)}</button>'
                          for p in self.people)
        return (f"<!doctype html><title>Test identity provider</title><h1>Who signs in?</h1>"
                f'<form method="post" action="/authorize">{hidden}{buttons}</form>')

    def _client(self, request: Request, form: dict) -> str | None:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                client_id, _, client_secret = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return None
        else:
            client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if client_id == self.client_id and secrets.compare_digest(client_secret, self.client_secret):
            return client_id
        return None

    async def token(self, request: Request) -> Response:
        form = dict(await request.form())
        no_store = {"Cache-Control": "no-store"}
        if self._client(request, form) is None:
            return JSONResponse({"error": "invalid_client"}, status_code=401,
                                headers={**no_store, "WWW-Authenticate": 'Basic realm="token"'})
        if form.get("grant_type") != "authorization_code":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400, headers=no_store)
        # A code is good once (RFC 6749 4.1.2), whatever the outcome.
        grant = self.codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        if (grant is None or grant.redirect_uri != form.get("redirect_uri")
                or not secrets.compare_digest(s256(verifier), grant.code_challenge)):
            return JSONResponse({"error": "invalid_grant"}, status_code=400, headers=no_store)
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = grant.person
        return JSONResponse({"access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_SECONDS,
                             "scope": grant.scope, "id_token": self.id_token(grant.person, grant.nonce)},
                            headers=no_store)

    def id_token(self, person: Person, nonce: str | None, *, key: RSAKey | None = None) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": person.sub, "aud": self.client_id, "iat": now,
                  "exp": now + TOKEN_SECONDS, **_profile(person), **({"nonce": nonce} if nonce else {})}
        # The header always names this provider's key, so a token signed with
        # another key is caught by its signature, not by an unknown key id.
        return jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, key or self.key)

    async def userinfo(self, request: Request) -> Response:
        header = request.headers.get("authorization", "")
        person = self.access_tokens.get(header[7:]) if header.lower().startswith("bearer ") else None
        if person is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401,
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return JSONResponse({"sub": person.sub, **_profile(person)})

    # --- running it ----------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/authorize", self.authorize, methods=["GET", "POST"]),
            Route("/token", self.token, methods=["POST"]),
            Route("/userinfo", self.userinfo, methods=["GET", "POST"]),
            Route("/jwks", self.jwks),
        ])

    def start(self) -> OidcProvider:
        sock = socket.socket()
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(self.app(), log_level="warning", lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test identity provider did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(10)

    def __enter__(self) -> OidcProvider:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def s256(verifier: str) -> str:
    """The S256 code challenge of a verifier (RFC 7636 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _profile(person: Person) -> dict:
    return {"email": person.email, "email_verified": person.email_verified, "name": person.name,
            "groups": list(person.groups)}
