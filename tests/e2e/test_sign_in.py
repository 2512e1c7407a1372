"""Sign-in in a real browser: Streamlit's st.login against the tests' own
OpenID Connect provider, on an app server with its own secrets file."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, free_port, new_context, settle, shoot, wait_healthy, create_board
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider, Person

pytestmark = pytest.mark.e2e

DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
SIZES = {"1024x768": (1024, 768), "1440x900": (1440, 900)}
TICKET_SECONDS = 6
ANA = Person("ana@example.org", "Ana Lee", ("sre",))
EVE = Person("eve@elsewhere.net", "Eve Stranger")
BEN = Person("ben@example.org", "Ben Okafor")


@pytest.fixture(scope="module")
def provider():
    with OidcProvider([ANA, EVE, BEN]) as running:
        yield running


@pytest.fixture(scope="module")
def signed_in_server(provider, tmp_path_factory):
    """The app with sign-in on: an [auth] section for the local provider,
    in a secrets file of its own (never the repository's)."""
    folder = tmp_path_factory.mktemp("sign-in")
    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{secrets.token_urlsafe(32)}"

[auth.keycloak]
client_id = "{CLIENT_ID}"
client_secret = "{CLIENT_SECRET}"
server_metadata_url = "{provider.metadata_url}"
client_kwargs = {{ code_challenge_method = "S256" }}

[postmortem_canvas.sign_in]
allowed_domains = ["example.org"]
ask = "the SRE team (sre@example.org)"
""")
    env = {"POSTMORTEM_CANVAS_DB": str(folder / "app.db"), "POSTMORTEM_CANVAS_TICKET_SECONDS": str(TICKET_SECONDS)}
    import os
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--secrets.files", str(secrets_file)],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_healthy(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def sign_in(page, base_url: str, person: Person) -> None:
    page.goto(base_url)
    settle(page)
    page.get_by_role("button", name="Sign in with Keycloak").click()
    # The provider's own page: press this person's button.
    page.locator(f"button[data-email='{person.email}']").click()
    page.wait_for_url(f"{base_url}/**")
    settle(page)


def test_the_sign_in_page_offers_the_provider(browser, signed_in_server):
    for size, (width, height) in SIZES.items():
        context = new_context(browser, width, height)
        try:
            page = context.new_page()
            page.goto(signed_in_server)
            settle(page)
            assert page.get_by_role("button", name="Sign in with Keycloak").is_visible()
            # Nothing of the app behind the gate: no board form, no sidebar pages.
            assert page.locator(".st-key-home_title").count() == 0
            path = shoot(page, f"sign-in-{size}")
            DOCS_SCREENSHOTS.mkdir(exist_ok=True)
            (DOCS_SCREENSHOTS / f"sign-in-{size}.png").write_bytes(path.read_bytes())
        finally:
            context.close()


def test_signing_in_shows_your_name(browser, signed_in_server):
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, signed_in_server, ANA)
        assert page.get_by_text("Ana Lee").first.is_visible()
        assert page.locator(".st-key-home_title input").is_visible()
    finally:
        context.close()


def test_a_person_outside_the_allowed_domain_is_refused_with_a_sentence(browser, signed_in_server):
    context = new_context(browser)
    try:
        page = context.new_page()
        sign_in(page, signed_in_server, EVE)
        alert = page.locator("[data-testid=stAlert]")
        assert alert.inner_text().strip() == (
            "eve@elsewhere.net may not sign in here: this Postmortem Canvas is for email addresses at "
            "example.org; ask the SRE team (sre@example.org).")
        assert page.locator(".st-key-home_title").count() == 0
    finally:
        context.close()


def test_signing_out_ends_the_live_stream(browser, signed_in_server):
    context = new_context(browser)
    try:
        board = context.new_page()
        sign_in(board, signed_in_server, ANA)
        create_board(board, signed_in_server, "Checkout outage", None)
        board.wait_for_selector(".pc-connection-live")
        # Sign out in another tab of the same browser: the identity cookie goes.
        other = context.new_page()
        other.goto(signed_in_server)
        settle(other)
        other.locator(".st-key-sign_in_sign_out button").click()
        other.get_by_role("button", name="Sign in with Keycloak").wait_for()
        # The board's tab cannot renew its tickets any more: within one
        # ticket's lifetime its stream is closed and it says so.
        board.wait_for_selector(".pc-connection-signed-out", timeout=TICKET_SECONDS * 1000 + 5000)
        assert "Sign in" in board.locator(".pc-root").first.inner_text()
    finally:
        context.close()


def test_a_shared_board_is_joined_by_signing_in_and_its_creator_facilitates_from_any_browser(
        browser, signed_in_server):
    ana_first, ben, ana_again = (new_context(browser, 1440, 900) for _ in range(3))
    try:
        page = ana_first.new_page()
        sign_in(page, signed_in_server, ANA)
        share = create_board(page, signed_in_server, "Checkout outage at noon", None)
        page.wait_for_selector(".pc-connection-live")
        assert "Ana Lee" in page.locator(".pc-root").first.inner_text()

        # Ben opens the shared link, signs in, and lands on the board with his
        # own seat under the name his identity provider gives: no join form.
        guest = ben.new_page()
        guest.goto(share)
        settle(guest)
        guest.get_by_role("button", name="Sign in with Keycloak").click()
        guest.locator(f"button[data-email='{BEN.email}']").click()
        guest.wait_for_selector(".pc-connection-live", timeout=30_000)
        assert guest.locator(".st-key-join_name").count() == 0
        expect(guest.locator(".pc-here").first).to_contain_text("Ben Okafor", timeout=30_000)
        # His name as his provider gives it, which he may shorten, never replace.
        guest.locator(".st-key-seat_name_value input").fill("Ben O.")
        guest.get_by_role("button", name="Save name").click()
        settle(guest)
        expect(guest.locator(".pc-here").first).to_contain_text("Ben O.", timeout=30_000)
        guest.wait_for_selector(".pc-connection-live", timeout=30_000)
        # Ben is a participant, not a facilitator: no phase controls.
        assert guest.get_by_role("button", name="Group ▶").count() == 0

        # Ana, on a fresh browser with nothing stored, signs in and still facilitates.
        again = ana_again.new_page()
        again.goto(share)
        settle(again)
        again.get_by_role("button", name="Sign in with Keycloak").click()
        again.locator(f"button[data-email='{ANA.email}']").click()
        again.wait_for_selector(".pc-connection-live", timeout=30_000)
        again.get_by_role("button", name="Group ▶").click()
        expect(guest.locator(".pc-root").first).to_have_attribute("data-phase", "group", timeout=30_000)
        # One seat for Ana, whichever browser she used.
        here = again.locator(".pc-here").first.inner_text()
        assert here.count("Ana Lee") == 1, here

        # Ana makes Ben a co-facilitator by his email; his board then steers too.
        again.goto(share.replace("/?", "/facilitate?"))
        settle(again)
        again.locator(".st-key-facil_new_facilitator input").fill(BEN.email)
        again.get_by_role("button", name="Add", exact=True).click()
        settle(again)
        expect(again.get_by_text(f"• {BEN.email}")).to_be_visible()
        # The board lists each person once, Ben by the name he chose.
        expect(again.get_by_text("• Ben O.", exact=True)).to_be_visible()
        expect(again.get_by_text("• Ana Lee", exact=True)).to_have_count(1)
        shoot(again, "sign-in-facilitators-1440x900")
        guest.goto(share)
        settle(guest)
        expect(guest.get_by_role("button", name="◀ Write")).to_be_visible(timeout=30_000)
    finally:
        for context in (ana_first, ben, ana_again):
            context.close()
