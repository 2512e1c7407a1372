import pytest

from canvas.sign_in import (
    SignedInPerson, SignInRefused, SignInSettings, identity_key, may_create_boards, may_sign_in,
    person_from_claims,
)

AUTH = {"redirect_uri": "https://canvas.example.org/oauth2callback", "cookie_secret": "s" * 32}


def settings(**rules) -> SignInSettings:
    return SignInSettings.from_secrets({"auth": {**AUTH, "keycloak": {"client_id": "pmc"}},
                                        "postmortem_canvas": {"sign_in": rules}})


def person(email="ana@example.org", groups=()) -> SignedInPerson:
    return SignedInPerson(email=email, name="Ana", groups=groups)


def test_without_an_auth_section_sign_in_is_off_and_everyone_may_create_boards():
    off = SignInSettings.from_secrets({"postmortem_canvas": {"sign_in": {"allowed_domains": ["x.org"]}}})
    assert not off.enabled
    assert may_create_boards(off, None) is None


def test_providers_are_the_tables_of_auth_and_a_bare_auth_is_the_default_provider():
    both = SignInSettings.from_secrets({"auth": {**AUTH, "google": {"client_id": "g"},
                                                 "keycloak": {"client_id": "k"}}})
    assert both.enabled and both.providers == ("google", "keycloak")
    bare = SignInSettings.from_secrets({"auth": {**AUTH, "client_id": "c", "server_metadata_url": "u"}})
    assert bare.providers == ("default",)


def test_a_person_outside_the_allowed_domains_is_refused_with_whom_to_ask():
    rules = settings(allowed_domains=["@Example.org"], ask="it@example.org")
    assert may_sign_in(rules, person()) is None
    refused = may_sign_in(rules, person("eve@elsewhere.net"))
    assert refused == ("eve@elsewhere.net may not sign in here: this Postmortem Canvas is for "
                       "email addresses at example.org; ask it@example.org.")


def test_an_allowed_group_admits_someone_from_another_domain():
    rules = settings(allowed_domains=["example.org"], allowed_groups=["contractors"])
    assert may_sign_in(rules, person("cy@vendor.net", groups=("contractors",))) is None
    assert may_sign_in(rules, person("cy@vendor.net", groups=("other",))) is not None


def test_creating_boards_can_be_limited_to_a_group():
    rules = settings(board_creator_groups=["sre"])
    assert may_create_boards(rules, person(groups=("sre",))) is None
    refused = may_create_boards(rules, person())
    assert refused.startswith("ana@example.org may join boards but not create them")
    assert "members of sre" in refused
    assert may_create_boards(rules, None) == "Sign in to create a board."


def test_someone_refused_sign_in_may_not_create_boards_either():
    rules = settings(allowed_domains=["example.org"])
    assert "may not sign in here" in may_create_boards(rules, person("eve@elsewhere.net"))


def test_claims_give_the_person_with_groups_from_the_configured_claim():
    rules = settings(groups_claim="roles")
    got = person_from_claims({"email": "ana@example.org", "name": "Ana Lee", "roles": ["sre", "oncall"],
                              "groups": ["ignored"]}, rules)
    assert got == SignedInPerson(email="ana@example.org", name="Ana Lee", groups=("sre", "oncall"))
    assert person_from_claims({"email": "ben@example.org"}, rules).name == "ben"


def test_claims_without_email_or_with_an_unverified_one_are_refused():
    with pytest.raises(SignInRefused, match="did not tell us your email"):
        person_from_claims({"name": "Nobody"}, settings())
    with pytest.raises(SignInRefused, match="not verified"):
        person_from_claims({"email": "ana@example.org", "email_verified": False}, settings())


def test_identity_key_ignores_case_and_hides_the_address():
    assert identity_key("Ana@Example.org") == identity_key("ana@example.org")
    assert identity_key("ana@example.org") != identity_key("ben@example.org")
    assert "example" not in identity_key("ana@example.org")


def test_the_cookie_secret_is_not_in_the_settings_repr():
    assert "s" * 32 not in repr(settings())
