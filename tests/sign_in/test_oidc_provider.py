"""The tests' own identity provider speaks OpenID Connect as its documents say,
and refuses what a real provider refuses: these are what make the sign-in
tests able to fail."""

import secrets
from urllib.parse import parse_qs, urlparse

import httpx2 as httpx
import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet, RSAKey

from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider, Person, s256

REDIRECT = "http://127.0.0.1:9/oauth2callback"
ANA = Person("ana@example.org", "Ana Lee", ("sre",))


@pytest.fixture(scope="module")
def provider():
    with OidcProvider([ANA, Person("eve@elsewhere.net", "Eve")]) as running:
        yield running


@pytest.fixture
def http(provider):
    with httpx.Client(base_url=provider.issuer, follow_redirects=False) as client:
        yield client


def authorize(http, verifier: str, user: str = ANA.email, **extra) -> dict:
    """Press `user`'s button on the authorize page; the redirect's query."""
    params = {"client_id": CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code",
              "scope": "openid email profile", "state": "st4te", "nonce": "n0nce",
              "code_challenge": s256(verifier), "code_challenge_method": "S256", **extra}
    page = http.get("/authorize", params=params)
    assert page.status_code == 200 and "Sign in as Ana Lee" in page.text
    answer = http.post("/authorize", data={**params, "user": user})
    assert answer.status_code == 302
    location = urlparse(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def exchange(http, code: str, verifier: str):
    return http.post("/token", auth=(CLIENT_ID, CLIENT_SECRET),
                     data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                           "code_verifier": verifier})


def test_discovery_names_the_endpoints_and_s256(provider, http):
    meta = http.get("/.well-known/openid-configuration").json()
    assert meta["issuer"] == provider.issuer
    for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        assert meta[key].startswith(provider.issuer + "/")
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["id_token_signing_alg_values_supported"] == ["RS256"]


def test_it_listens_on_loopback_only(provider):
    assert provider.host == "127.0.0.1" and urlparse(provider.issuer).hostname == "127.0.0.1"


def test_the_code_flow_gives_an_id_token_signed_by_the_published_key(provider, http):
    verifier = secrets.token_urlsafe(48)
    answer = authorize(http, verifier)
    assert answer["state"] == "st4te"
    tokens = exchange(http, answer["code"], verifier)
    assert tokens.status_code == 200 and tokens.headers["cache-control"] == "no-store"
    body = tokens.json()
    assert body["token_type"] == "Bearer"
    keys = KeySet.import_key_set(http.get("/jwks").json())
    claims = jwt.decode(body["id_token"], keys, algorithms=["RS256"]).claims
    assert claims["iss"] == provider.issuer and claims["aud"] == CLIENT_ID and claims["nonce"] == "n0nce"
    assert (claims["email"], claims["name"], claims["groups"]) == ("ana@example.org", "Ana Lee", ["sre"])
    assert claims["exp"] > claims["iat"]
    me = http.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}).json()
    assert me["email"] == "ana@example.org" and me["sub"] == claims["sub"]


def test_a_token_signed_by_another_key_fails_against_the_jwks(provider, http):
    stranger = RSAKey.generate_key(2048, auto_kid=True)
    forged = provider.id_token(ANA, "n0nce", key=stranger)
    keys = KeySet.import_key_set(http.get("/jwks").json())
    with pytest.raises(BadSignatureError):
        jwt.decode(forged, keys, algorithms=["RS256"])


def test_a_wrong_code_verifier_is_refused_and_the_code_is_spent(http):
    verifier = secrets.token_urlsafe(48)
    code = authorize(http, verifier)["code"]
    wrong = exchange(http, code, secrets.token_urlsafe(48))
    assert wrong.status_code == 400 and wrong.json() == {"error": "invalid_grant"}
    # The code went with the failed attempt: the right verifier is too late.
    assert exchange(http, code, verifier).json() == {"error": "invalid_grant"}


def test_a_missing_verifier_is_refused(http):
    verifier = secrets.token_urlsafe(48)
    code = authorize(http, verifier)["code"]
    response = http.post("/token", auth=(CLIENT_ID, CLIENT_SECRET),
                         data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT})
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_an_authorization_without_pkce_is_refused(http):
    answer = http.get("/authorize", params={"client_id": CLIENT_ID, "redirect_uri": REDIRECT,
                                            "response_type": "code", "scope": "openid", "state": "s"})
    query = parse_qs(urlparse(answer.headers["location"]).query)
    assert answer.status_code == 302 and query["error"] == ["invalid_request"] and query["state"] == ["s"]


def test_a_wrong_client_secret_is_invalid_client(http):
    verifier = secrets.token_urlsafe(48)
    code = authorize(http, verifier)["code"]
    response = http.post("/token", auth=(CLIENT_ID, "wrong"),
                         data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                               "code_verifier": verifier})
    assert response.status_code == 401 and response.json() == {"error": "invalid_client"}


def test_userinfo_without_a_valid_token_is_refused(http):
    assert http.get("/userinfo").status_code == 401
    assert http.get("/userinfo", headers={"Authorization": "Bearer nope"}).status_code == 401
