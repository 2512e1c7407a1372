"""Sign-in for company installs: who may sign in, and who may create boards.

Sign-in is Streamlit's own (`st.login`, OpenID Connect through Authlib),
configured in the `[auth]` section of `.streamlit/secrets.toml`. Without that
section sign-in is off and the app works on links and names, as it always
has. The app's own rules sit beside it, all optional:

    [postmortem_canvas.sign_in]
    allowed_domains = ["example.org"]      # sign in at all: these email domains ...
    allowed_groups = ["incident-review"]   # ... or these groups
    board_creator_domains = []             # create boards: these domains ...
    board_creator_groups = ["sre"]         # ... or these groups
    groups_claim = "groups"                # the ID token's claim that lists groups
    ask = "the IT service desk (it@example.org)"  # whom a refused person should ask

An empty list means "no limit by this"; two empty lists mean everyone the
provider signs in. Everything here is pure: the shell reads the secrets and
the identity, and carries out what these functions decide.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, Field, field_validator

from canvas.board_access import SignedInPerson

DEFAULT_GROUPS_CLAIM = "groups"
DEFAULT_ASK = "the person who runs Postmortem Canvas for your company"
# Streamlit's own keys of [auth]; every other table in it is a provider.
_AUTH_KEYS = {"redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url",
              "client_kwargs", "expose_tokens"}


class SignInSettings(BaseModel):
    """Whether sign-in is on, through which providers, and the allow-lists."""

    enabled: bool = False
    providers: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    allowed_groups: tuple[str, ...] = ()
    board_creator_domains: tuple[str, ...] = ()
    board_creator_groups: tuple[str, ...] = ()
    groups_claim: str = DEFAULT_GROUPS_CLAIM
    ask: str = DEFAULT_ASK
    cookie_secret: str = Field(default="", repr=False)

    @field_validator("allowed_domains", "board_creator_domains", mode="before")
    @classmethod
    def _domains(cls, value: Any) -> Any:
        # "@Example.org" and "example.org" name the same domain.
        if isinstance(value, (list, tuple)):
            return tuple(str(item).strip().lstrip("@").lower() for item in value if str(item).strip())
        return value

    @classmethod
    def from_secrets(cls, secrets: Mapping[str, Any]) -> SignInSettings:
        """Settings from the whole secrets mapping (as `st.secrets.to_dict()` gives it).
        Off when there is no `[auth]` section."""
        auth = secrets.get("auth")
        if not isinstance(auth, Mapping) or not auth:
            return cls()
        app = secrets.get("postmortem_canvas")
        rules = app.get("sign_in", {}) if isinstance(app, Mapping) else {}
        rules = rules if isinstance(rules, Mapping) else {}
        named = tuple(sorted(key for key, value in auth.items()
                             if key not in _AUTH_KEYS and isinstance(value, Mapping)))
        # A bare [auth] with its own client_id is Streamlit's "default" provider.
        providers = named or (("default",) if auth.get("client_id") else ())
        known = {key: rules[key] for key in ("allowed_domains", "allowed_groups", "board_creator_domains",
                                             "board_creator_groups", "groups_claim", "ask") if key in rules}
        return cls.model_validate({"enabled": True, "providers": providers,
                                   "cookie_secret": str(auth.get("cookie_secret", "")), **known})


class SignInRefused(Exception):
    """The identity provider signed someone in whom this install does not admit."""


def person_from_claims(claims: Mapping[str, Any], settings: SignInSettings) -> SignedInPerson:
    """The person an identity (st.user's claims, or the identity cookie) names;
    SignInRefused with one sentence when it names no usable email."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise SignInRefused("Your sign-in did not tell us your email address, so Postmortem Canvas "
                            f"cannot let you in; ask {settings.ask}.")
    # A provider that says the address is unverified must not pass a domain check with it.
    if claims.get("email_verified") is False:
        raise SignInRefused(f"Your email address {email} is not verified with your sign-in provider; "
                            f"verify it there, or ask {settings.ask}.")
    name = claims.get("name")
    groups = claims.get(settings.groups_claim) or ()
    if isinstance(groups, str):
        groups = (groups,)
    return SignedInPerson(email=email.strip(), name=name.strip() if isinstance(name, str) and name.strip()
                          else email.split("@")[0],
                          groups=tuple(str(group) for group in groups if isinstance(group, (str, int))))


def _admitted(person: SignedInPerson, domains: tuple[str, ...], groups: tuple[str, ...]) -> bool:
    if not domains and not groups:
        return True
    return person.domain in domains or any(group in groups for group in person.groups)


def _limits(domains: tuple[str, ...], groups: tuple[str, ...]) -> str:
    said = []
    if domains:
        said.append("email addresses at " + ", ".join(domains))
    if groups:
        said.append("members of " + ", ".join(groups))
    return " and ".join(said)


def may_sign_in(settings: SignInSettings, person: SignedInPerson) -> str | None:
    """None when `person` may use this install, or one sentence saying why not and whom to ask."""
    if _admitted(person, settings.allowed_domains, settings.allowed_groups):
        return None
    return (f"{person.email} may not sign in here: this Postmortem Canvas is for "
            f"{_limits(settings.allowed_domains, settings.allowed_groups)}; ask {settings.ask}.")


def may_create_boards(settings: SignInSettings, person: SignedInPerson | None) -> str | None:
    """None when `person` may create boards (anyone, with sign-in off), or one
    sentence saying why not and whom to ask."""
    if not settings.enabled:
        return None
    if person is None:
        return "Sign in to create a board."
    refused = may_sign_in(settings, person)
    if refused is not None:
        return refused
    if _admitted(person, settings.board_creator_domains, settings.board_creator_groups):
        return None
    return (f"{person.email} may join boards but not create them: creating boards is for "
            f"{_limits(settings.board_creator_domains, settings.board_creator_groups)}; "
            f"ask {settings.ask}.")


def identity_key(email: str) -> str:
    """What a ticket carries of its holder's identity: a hash of the email
    (case-insensitive), never the address itself, since stream tickets travel in URLs."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
