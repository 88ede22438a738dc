"""The login configuration and who a login is: read the same way by the CLI (before it
starts a dashboard) and by the dashboard (on every page run), so that a problem stops the
one and refuses the other. Never imports Streamlit.

Fail closed: local mode (no login, the local user acts as beheerder) is chosen explicitly by
`terugkeer dashboard` on a loopback address without any login configured; it is never what
an unreadable, broken or partial configuration falls back to.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# What Streamlit's st.login needs of the default provider (its [auth] section).
REQUIRED = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
MIN_COOKIE_SECRET = 32
# Set by `terugkeer dashboard` for the Streamlit process it starts in local mode (loopback,
# no login configured). Anything else that starts the dashboard without login is refused.
LOCAL_MODE_ENV = "TERUGKEER_LOCAL_MODE"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


class LoginConfigError(ValueError):
    """The login configuration cannot be used: the message names the file, never a secret."""


def secrets_files(cwd: Path, extra: Iterable[str | os.PathLike[str]] = ()) -> list[Path]:
    """The files Streamlit reads its secrets from, in its order: the user's, the working
    directory's, then any given with --secrets.files."""
    given = [Path(p) for p in extra]
    if given:
        return given
    return [Path.home() / ".streamlit" / "secrets.toml", cwd / ".streamlit" / "secrets.toml"]


def read_secrets(paths: Iterable[Path]) -> dict[str, Any]:
    """The secrets merged as Streamlit merges them (later files win per top-level key). A
    file that exists but cannot be read or parsed is an error, whatever the others hold."""
    merged: dict[str, Any] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as exc:
            raise LoginConfigError(f"{path} cannot be read ({type(exc).__name__})") from None
        try:
            merged.update(tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            raise LoginConfigError(f"{path} is not valid TOML ({exc})") from None
    return merged


def auth_section(secrets: Mapping[str, Any]) -> dict[str, Any] | None:
    """The [auth] section when login is configured, None when there is none; an error when
    it is there but incomplete or unsafe."""
    if "auth" not in secrets:
        return None
    auth = secrets["auth"]
    if not isinstance(auth, Mapping):
        raise LoginConfigError("[auth] is not a section")
    missing = [key for key in REQUIRED if not str(auth.get(key) or "").strip()]
    if missing:
        raise LoginConfigError(f"[auth] lacks {', '.join(missing)}")
    if len(str(auth["cookie_secret"])) < MIN_COOKIE_SECRET:
        raise LoginConfigError(f"[auth] cookie_secret must be at least {MIN_COOKIE_SECRET} long")
    redirect = urlsplit(str(auth["redirect_uri"]))
    if redirect.scheme not in ("http", "https") or not redirect.hostname:
        raise LoginConfigError("[auth] redirect_uri must be an http(s) address")
    if redirect.scheme == "http" and redirect.hostname not in LOOPBACK_HOSTS:
        raise LoginConfigError("[auth] redirect_uri must use https outside this machine")
    return dict(auth)


def public_host(auth: Mapping[str, Any]) -> str:
    """The host name people use (that of the redirect URI): the only Host a request may
    carry when login is configured."""
    return (urlsplit(str(auth["redirect_uri"])).hostname or "").lower()


def host_allowed(host_header: str | None, allowed: Iterable[str]) -> bool:
    """Whether a request's Host header (with or without port) names an allowed host. A
    browser always sends one; a page on another name that resolves to this machine (DNS
    rebinding) sends its own name and is refused."""
    if host_header is None:
        return True  # no browser: Streamlit's test harness (AppTest) has no request
    host = host_header.strip().lower()
    if host.startswith("["):  # [::1]:8501
        host = host[1 : host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return bool(host) and host in {h.lower() for h in allowed}


@dataclass(frozen=True)
class Identity:
    """Who the provider says logged in, and on what claim we know them."""

    issuer: str | None
    subject: str | None
    email: str | None  # only when the provider verified it, and its domain is allowed
    unverified_email: str | None  # what the claims said, for the refusal message only


def identity(claims: Mapping[str, Any], email_domains: Iterable[str] = ()) -> Identity:
    """Identity from the provider's claims: issuer and subject always; the e-mail address
    only when `email_verified` is true (the boolean, or the string "true") and, when
    domains are configured, its domain is one of them."""
    issuer = _text(claims.get("iss"))
    subject = _text(claims.get("sub"))
    email = (_text(claims.get("email")) or "").lower() or None
    verified = claims.get("email_verified") in (True, "true", "True")
    domains = {d.lower().lstrip("@") for d in email_domains}
    usable = (
        email is not None
        and verified
        and "@" in email
        and (not domains or email.rsplit("@", 1)[1] in domains)
    )
    return Identity(issuer, subject, email if usable else None, email)


def _text(value: object) -> str | None:
    return str(value).strip() if value not in (None, "") else None
