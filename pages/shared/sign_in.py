"""The sign-in gate: with an `[auth]` section in the secrets, every page needs
a signed-in person (Streamlit's `st.login`, OpenID Connect); without one it
lets everyone through, as the app always has."""

from __future__ import annotations

import streamlit as st

from canvas.sign_in import (
    SignedInPerson, SignInRefused, SignInSettings, identity_key, may_sign_in, person_from_claims,
)
from canvas.sign_in import may_create_boards as refusal_to_create
from web.identity import sign_in_settings


def gate() -> SignedInPerson | None:
    """The signed-in person, or None when sign-in is off. Anyone else gets
    the sign-in page (one button per provider) or one sentence saying why
    they are refused, and the run stops there."""
    settings = sign_in_settings()
    if not settings.enabled:
        return None
    if not st.user.is_logged_in:
        _only_page(lambda: _sign_in_page(settings), "Sign in")
    refused, person = _refusal(settings)
    if refused is not None:
        _only_page(lambda: _refused_page(refused), "Not signed in")
    _return_component(key="sign_in_return", data={"keep": False})
    with st.sidebar:
        st.caption(f"Signed in as **{person.name}** ({person.email})")
        st.button("Sign out", key="sign_in_sign_out", icon=":material/logout:", on_click=st.logout)
    return person


def signed_in_person() -> SignedInPerson | None:
    """The person signed in on this page run (the gate let them through), or
    None when sign-in is off."""
    settings = sign_in_settings()
    if not settings.enabled or not st.user.is_logged_in:
        return None
    refused, person = _refusal(settings)
    return None if refused is not None else person


def may_create_boards() -> str | None:
    """Why this person may not create boards (None when they may, or when sign-in is off)."""
    settings = sign_in_settings()
    return refusal_to_create(settings, signed_in_person()) if settings.enabled else None


# The identity provider sends everyone back to the app's root: a shared board
# link would be lost. The sign-in page keeps the address in the tab's session
# storage; the first signed-in page returns to it.
_RETURN_JS = """
export default function(component) {
  const { data } = component;
  const key = "postmortem-canvas:after-sign-in";
  if (data.keep) {
    if (window.location.search) window.sessionStorage.setItem(key, window.location.search);
    return;
  }
  const back = window.sessionStorage.getItem(key);
  window.sessionStorage.removeItem(key);
  if (back && back !== window.location.search && /^\\?board=[A-Za-z0-9_-]+$/.test(back)) {
    window.location.replace(window.location.pathname + back);
  }
}
"""

_return_component = st.components.v2.component("postmortem_after_sign_in", js=_RETURN_JS)


def current_identity() -> str:
    """The identity key the live board's tickets carry: "" with sign-in off."""
    if not sign_in_settings().enabled or not st.user.is_logged_in:
        return ""
    email = st.user.get("email")
    return identity_key(email) if isinstance(email, str) else ""


def _refusal(settings: SignInSettings) -> tuple[str | None, SignedInPerson | None]:
    try:
        person = person_from_claims(st.user.to_dict(), settings)
    except SignInRefused as refused:
        return str(refused), None
    return may_sign_in(settings, person), person


def _only_page(draw, title: str) -> None:
    # Stopping before st.navigation would let Streamlit fall back to listing
    # the pages/ folder in the sidebar; this page is the only one instead.
    st.navigation([st.Page(draw, title=title, url_path="sign-in", default=True)], position="hidden").run()
    st.stop()


def _sign_in_page(settings: SignInSettings) -> None:
    _return_component(key="sign_in_keep", data={"keep": True})
    st.title("Postmortem Canvas")
    st.write("Sign in to open or create a postmortem board.")
    for provider in settings.providers:
        label = "Sign in" if provider == "default" else f"Sign in with {provider.title()}"
        args = () if provider == "default" else (provider,)
        st.button(label, key=f"sign_in_{provider}", type="primary", on_click=st.login, args=args)


def _refused_page(sentence: str) -> None:
    st.title("Postmortem Canvas")
    st.error(sentence)
    st.button("Sign out", key="sign_in_sign_out", on_click=st.logout)
