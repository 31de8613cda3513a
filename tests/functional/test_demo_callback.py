"""The development-only demo callback page."""


def test_shows_the_code_and_how_to_exchange_it_in_development(make_testapp):
    app = make_testapp(identity_env="development")
    page = app.get("/demo/callback", params={"code": "the-code<b>", "state": "s1"})
    assert "the-code&lt;b&gt;" in page.text  # escaped, never markup
    assert "grant_type=authorization_code" in page.text
    assert "https://identity.test/oauth/token" in page.text


def test_shows_the_error_when_the_person_denied(make_testapp):
    app = make_testapp(identity_env="development")
    page = app.get("/demo/callback", params={"error": "access_denied"})
    assert "access_denied" in page.text
    assert "curl" not in page.text


def test_does_not_exist_outside_development(app):
    app.get("/demo/callback", params={"code": "x"}, status=404)
