"""Who is signed in, for the app's own HTTP routes.

`st.user` exists only inside a Streamlit session, so the routes beside it
read the identity cookie Streamlit sets at /oauth2callback themselves: the
same cookie, checked with Streamlit's own helpers (itsdangerous under the
`[auth]` cookie_secret, split into numbered chunks when large), so a cookie
Streamlit would not accept is not accepted here either. Every process must
share that cookie_secret, or a person signed in through one process is a
stranger to the others.
"""

from __future__ import annotations

import json
import logging

from starlette.requests import Request
from streamlit.auth_util import get_cookie_with_chunks
from streamlit.runtime.secrets import secrets_singleton
from streamlit.web.server.server_util import get_cookie_secret
from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value
from streamlit.web.server.starlette.starlette_server_config import USER_COOKIE_NAME

from canvas.errors import NotSignedIn, PersonRefused, SignInUnreadable
from canvas.sign_in import SignedInPerson, SignInRefused, SignInSettings, may_sign_in, person_from_claims

log = logging.getLogger(__name__)


def sign_in_settings() -> SignInSettings:
    """The sign-in settings of Streamlit's secrets, as the pages see them."""
    try:
        present = secrets_singleton.load_if_toml_exists()
        secrets = secrets_singleton.to_dict() if present else {}
    except Exception:  # a broken secrets file must not switch sign-in off
        log.exception("the secrets file cannot be read")
        raise SignInUnreadable() from None
    return SignInSettings.from_secrets(secrets)


def cookie_claims(request: Request) -> dict | None:
    """The claims of the request's identity cookie when Streamlit signed it,
    its signature and age checked; None otherwise."""
    secret = get_cookie_secret()

    def single(name: str) -> bytes | None:
        value = request.cookies.get(name)
        return None if value is None else decode_signed_value(secret, name, value)

    raw = get_cookie_with_chunks(single, USER_COOKIE_NAME)
    if raw is None:
        return None
    try:
        claims = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(claims, dict) or claims.get("is_logged_in") is not True:
        return None
    return claims


def signed_in_person(request: Request, settings: SignInSettings | None = None) -> SignedInPerson | None:
    """The signed-in person, or None when sign-in is off. Raises NotSignedIn
    without a valid cookie, and PersonRefused (one sentence) for a person the
    allow-lists do not admit, checked on every request so a narrowed list
    holds at once."""
    settings = settings or sign_in_settings()
    if not settings.enabled:
        return None
    claims = cookie_claims(request)
    if claims is None:
        raise NotSignedIn()
    try:
        person = person_from_claims(claims, settings)
    except SignInRefused as refused:
        raise PersonRefused(str(refused)) from None
    refused = may_sign_in(settings, person)
    if refused is not None:
        raise PersonRefused(refused)
    return person
