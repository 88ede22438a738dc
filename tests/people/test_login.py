"""Login that fails closed (issue 31, findings 1-3 and the audit trail's integrity): the
configuration is read as Streamlit merges it and any problem refuses; identity comes from
the provider's issuer and subject, or a verified e-mail address; only allowed Host headers;
the audit trail refuses UPDATE and DELETE on both back ends."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from cli.main import main
from people import appdb, login

VALID = (
    '[auth]\nredirect_uri = "https://terugkeer.example.nl/oauth2callback"\n'
    'cookie_secret = "0123456789abcdef0123456789abcdef"\nclient_id = "tkm"\n'
    'client_secret = "geheim"\n'
    'server_metadata_url = "https://login.example.nl/.well-known/openid-configuration"\n'
)
ISSUER = "https://login.example.nl"


def test_a_broken_secrets_file_beside_a_valid_one_is_an_error(tmp_path: Path) -> None:
    home, work = tmp_path / "home.toml", tmp_path / "work.toml"
    home.write_text('[auth\nredirect_uri = "x"\n', encoding="utf-8")  # a typo
    work.write_text(VALID, encoding="utf-8")
    with pytest.raises(login.LoginConfigError, match="home.toml is not valid TOML"):
        login.read_secrets([home, work])
    # A missing file is skipped, as Streamlit skips it; the valid one alone is read.
    assert login.auth_section(login.read_secrets([tmp_path / "gone.toml", work])) is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[auth]\nredirect_uri = "https://t.nl/oauth2callback"\n', "lacks cookie_secret"),
        (VALID.replace("0123456789abcdef0123456789abcdef", "kort"), "at least 32"),
        (VALID.replace("https://terugkeer", "http://terugkeer"), "must use https"),
        ('auth = "aan"\n', "not a section"),
    ],
)
def test_a_partial_or_unsafe_auth_section_is_refused(text: str, message: str) -> None:
    import tomllib

    with pytest.raises(login.LoginConfigError, match=message):
        login.auth_section(tomllib.loads(text))


def test_no_auth_section_is_not_an_error_but_no_login() -> None:
    assert login.auth_section({"other": 1}) is None


def test_the_public_host_comes_from_the_redirect_uri_and_only_it_is_allowed() -> None:
    import tomllib

    auth = login.auth_section(tomllib.loads(VALID))
    assert login.public_host(auth) == "terugkeer.example.nl"
    allowed = (login.public_host(auth),)
    assert login.host_allowed("terugkeer.example.nl", allowed)
    assert login.host_allowed("Terugkeer.Example.nl:443", allowed)
    assert not login.host_allowed("evil.example.com", allowed)
    assert not login.host_allowed("evil.example.com:8501", login.LOOPBACK_HOSTS)
    assert login.host_allowed("127.0.0.1:8501", login.LOOPBACK_HOSTS)
    assert login.host_allowed("[::1]:8501", login.LOOPBACK_HOSTS)
    assert login.host_allowed("localhost", login.LOOPBACK_HOSTS)
    assert not login.host_allowed("", login.LOOPBACK_HOSTS)


def test_an_email_counts_only_when_verified_and_of_an_allowed_domain() -> None:
    claims = {"iss": ISSUER, "sub": "abc", "email": "Beheer@Rijk.nl"}
    assert login.identity(claims).email is None  # no email_verified claim
    assert login.identity({**claims, "email_verified": False}).email is None
    assert login.identity({**claims, "email_verified": "false"}).email is None
    assert login.identity({**claims, "email_verified": True}).email == "beheer@rijk.nl"
    assert login.identity({**claims, "email_verified": True}, ["rijk.nl"]).email
    assert login.identity({**claims, "email_verified": True}, ["gemeente.nl"]).email is None


def test_a_login_is_bound_to_its_account_and_an_unverified_claim_gets_nothing(
    database: str,
) -> None:
    engine = appdb.engine_for(database)
    appdb.add_user(engine, "beheer@rijk.nl", "beheerder", None, "os:test")
    # Another account whose unverified e-mail claim is the beheerder's address: nothing.
    forged = login.identity({"iss": ISSUER, "sub": "mallory", "email": "beheer@rijk.nl"})
    assert appdb.find_login(engine, forged) is None
    # The beheerder's first login with a verified address binds their account ...
    real = login.identity(
        {"iss": ISSUER, "sub": "b-1", "email": "beheer@rijk.nl", "email_verified": True}
    )
    assert appdb.find_login(engine, real)["role"] == "beheerder"
    # ... after which even a verified claim of that address from another account is refused,
    other = login.identity(
        {"iss": ISSUER, "sub": "mallory", "email": "beheer@rijk.nl", "email_verified": True}
    )
    assert appdb.find_login(engine, other) is None
    # and the same subject of another issuer is another account.
    elsewhere = login.identity({"iss": "https://other.example", "sub": "b-1"})
    assert appdb.find_login(engine, elsewhere) is None
    # The account is known by issuer and subject, whatever its e-mail claim says now.
    renamed = login.identity({"iss": ISSUER, "sub": "b-1", "email": "nieuw@rijk.nl"})
    assert appdb.find_login(engine, renamed)["email"] == "beheer@rijk.nl"
    # A change of role keeps the binding.
    appdb.add_user(engine, "beheer@rijk.nl", "lezer", None, "os:test")
    assert appdb.find_login(engine, renamed)["role"] == "lezer"
    bound = [a for a in appdb.audit_trail(engine) if a["action"] == "user_bound"]
    assert [(a["actor"], a["target"]) for a in bound] == [("beheer@rijk.nl", "beheer@rijk.nl")]


def test_the_audit_trail_refuses_update_and_delete_by_the_application(database: str) -> None:
    engine = appdb.engine_for(database)
    appdb.record(engine, "os:test", "user_added", "x@y.nl")
    for statement in (
        sa.update(appdb.audit).values(actor="iemand-anders"),
        sa.delete(appdb.audit),
    ):
        refused = pytest.raises(sa.exc.DBAPIError, match="append-only|permission denied")
        with refused, engine.begin() as connection:
            connection.execute(statement)
    assert [a["actor"] for a in appdb.audit_trail(engine)] == ["os:test"]


def _secrets_in(monkeypatch: pytest.MonkeyPatch, *files: Path) -> None:
    monkeypatch.setattr(login, "secrets_files", lambda cwd, extra=(): list(files))


def test_the_dashboard_does_not_start_with_a_broken_secrets_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    broken, valid = tmp_path / "home.toml", tmp_path / "work.toml"
    broken.write_text("[auth\n", encoding="utf-8")
    valid.write_text(VALID, encoding="utf-8")
    _secrets_in(monkeypatch, broken, valid)
    for address in ("0.0.0.0", "127.0.0.1"):  # not even locally: a broken file is an error
        code = main(["dashboard", "--address", address, "--warehouse", str(tmp_path / "w.db")])
        assert code == 1
        assert "login configuration cannot be used" in capsys.readouterr().err


def test_the_dashboard_does_not_start_with_a_partial_auth_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    partial = tmp_path / "secrets.toml"
    partial.write_text('[auth]\nclient_id = "tkm"\n', encoding="utf-8")
    _secrets_in(monkeypatch, partial)
    assert main(["dashboard", "--address", "0.0.0.0", "--warehouse", str(tmp_path / "w")]) == 1
    assert "lacks redirect_uri" in capsys.readouterr().err


def test_the_dashboard_refuses_to_listen_beyond_this_machine_without_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    _secrets_in(monkeypatch, tmp_path / "none.toml")
    code = main(["dashboard", "--address", "0.0.0.0", "--warehouse", str(tmp_path / "w.duckdb")])
    assert code == 1
    assert "refusing to listen on 0.0.0.0" in capsys.readouterr().err


def test_every_write_rechecks_the_role_in_the_database(database: str) -> None:
    """Finding 11 of issue 31: a role revoked while a page is open writes nothing more."""
    from dashboard.access import Person, still_may

    engine = appdb.engine_for(database)
    appdb.add_user(engine, "anna@zwolle.nl", "gemeente", "GM0193", "os:test")
    anna = Person("anna@zwolle.nl", "gemeente", "GM0193")
    assert still_may(engine, anna, "zelfscan")
    assert not still_may(engine, anna, "beheer")  # never beyond the role
    appdb.add_user(engine, "anna@zwolle.nl", "lezer", None, "os:test")  # role changed
    assert not still_may(engine, anna, "zelfscan")
    appdb.remove_user(engine, "anna@zwolle.nl", "os:test")  # removed
    assert not still_may(engine, Person("anna@zwolle.nl", "lezer", None), "overzicht")
    assert still_may(engine, Person("lokaal", "beheerder", None, local=True), "beheer")
