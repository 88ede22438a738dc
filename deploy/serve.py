"""Run the Terugkeermonitor for many users as plain processes: N dashboard processes on
loopback ports, nginx in front of them with sticky sessions, all reading the publications of
one store. The one writer (`terugkeer ingest`) and PostgreSQL run beside it.

    TERUGKEER_DATABASE_URL=... python deploy/serve.py --store /srv/terugkeer/warehouse.duckdb \\
        --dashboards 2 --port 8080 --secrets /etc/terugkeer/secrets.toml --workdir /run/terugkeer

Least privilege: started as root, it runs the dashboards as --user (the service user, which
must be able to read the store's publications) and nginx's workers as nobody.

Fail closed: it does not start without a complete [auth] section in --secrets (or with
--local, the explicit choice of local mode on this machine only, for benchmarks). The
database URL (with its password) comes from the environment, never the command line.

Sticky sessions: a Streamlit session is one websocket on one process. nginx answers every
response with a cookie naming the process that served it (`tkm_backend`) and sends the next
request with that cookie to the same process; if that process is gone, to another (its
backup). A new visitor goes to the processes in turn.

Health: this supervisor checks every process (`/_stcore/health`) every few seconds; only
processes that answer, with a publication present, are in nginx's configuration (reloaded
when that changes). A process that dies is left out until it is healthy again (restarted).
The state (ports, pids, who is in) is written to <workdir>/state.json.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines import login  # noqa: E402
from pipelines.cli import streamlit_flags  # noqa: E402
from pipelines.publish import current  # noqa: E402

NAMES = "abcdefghijklmnopqrstuvwxyz"
CHECK_SECONDS = 2.0


def nginx_config(
    port: int,
    members: dict[str, int],
    workdir: Path,
    server_name: str,
    secure: bool,
    api_port: int | None = None,
) -> str:
    """nginx's configuration for the healthy dashboard processes (name -> port): only
    requests for `server_name` are served (others are dropped), nothing but the login flow
    and Streamlit's page shell reaches a dashboard with a large body, uploads only with a
    login cookie, security headers on every response, no version in `Server`."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;"
                        for p in members.values())  # fmt: skip
    sticky = []
    for name, p in members.items():
        backups = "\n".join(
            f"        server 127.0.0.1:{q} backup;" for other, q in members.items() if other != name
        )
        sticky.append(
            f"    upstream dash_{name} {{\n        server 127.0.0.1:{p} max_fails=1 "
            f"fail_timeout=5s;\n{backups}\n    }}"
        )
    routes = "\n".join(f"        {name} dash_{name};" for name in members)
    addresses = "\n".join(f'        "127.0.0.1:{p}" {name};' for name, p in members.items())
    # The workers (which talk to the network) never run as root.
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    flags = "; Secure" if secure else ""
    hsts = 'add_header Strict-Transport-Security "max-age=31536000" always;' if secure else ""
    cookie = f"tkm_backend=$served_by; Path=/; SameSite=Lax; HttpOnly{flags}"
    proxied = """            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 1d;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_hide_header X-Powered-By;
            # Streamlit's page shell says lang="en" whatever the content: served as Dutch
            # (WCAG 3.1.1). sub_filter needs the upstream's answer uncompressed; nginx
            # compresses it again.
            proxy_set_header Accept-Encoding "";
            sub_filter '<html lang="en">' '<html lang="nl">';
            sub_filter_once on;"""
    if secure:  # Streamlit's login cookie (and XSRF cookie) go out with Secure too
        proxied += "\n            proxy_cookie_flags ~ secure;"
    # The OData API (terugkeer api): its own process, no login (tokens), and no access log
    # (a token may be in the path).
    api = (
        f"""        location /odata/ {{
            proxy_pass http://127.0.0.1:{api_port};
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_hide_header Set-Cookie;
            access_log off;
        }}"""
        if api_port
        else ""
    )
    return f"""{user}worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {workdir}/nginx-access.log;
    client_body_temp_path {workdir}/client_body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    server_tokens off;
    gzip on;
    gzip_types text/css application/javascript application/json image/svg+xml;
    client_max_body_size 1m;
    limit_req_zone $binary_remote_addr zone=perip:10m rate=30r/s;
    limit_req_zone $binary_remote_addr zone=uploads:1m rate=1r/s;
    limit_req_status 429;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    map $cookie_tkm_backend $backend {{
        default dashboards;
{routes}
    }}
    map $upstream_addr $served_by {{
        default "";
{addresses}
    }}
    upstream dashboards {{
{servers}
    }}
{chr(10).join(sticky)}
    server {{
        listen 127.0.0.1:{port} default_server;
        server_name _;
        return 444;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name {server_name};
        limit_req zone=perip burst=200 nodelay;
        add_header Content-Security-Policy "frame-ancestors 'none'" always;
        add_header X-Frame-Options DENY always;
        add_header X-Content-Type-Options nosniff always;
        add_header Referrer-Policy same-origin always;
        {hsts}
        add_header Set-Cookie "{cookie}" always;
        add_header X-Terugkeer-Backend $served_by always;
        location / {{
            proxy_pass http://$backend;
{proxied}
        }}
{api}
        # Uploads (Gegevens aanleveren) only from a browser with a login cookie: an anonymous
        # session's upload never reaches a dashboard process. Streamlit checks the cookie.
        location /_stcore/upload_file/ {{
            if ($cookie__streamlit_user = "") {{ return 403; }}
            client_max_body_size 200m;
            limit_req zone=uploads burst=10 nodelay;
            proxy_pass http://$backend;
{proxied}
        }}
    }}
}}
"""


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


class Supervisor:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.workdir: Path = args.workdir.resolve()
        self.ports = {NAMES[i]: args.first_port + i for i in range(args.dashboards)}
        self.processes: dict[str, subprocess.Popen] = {}
        self.members: dict[str, int] = {}
        self.nginx: subprocess.Popen | None = None
        self.api: subprocess.Popen | None = None
        self.stopping = False
        self.server_name, self.secure = "localhost 127.0.0.1", False
        if args.auth:
            self.server_name = login.public_host(args.auth)
            self.secure = str(args.auth["redirect_uri"]).startswith("https:")

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != login.LOCAL_MODE_ENV}
        env["TERUGKEER_WAREHOUSE"] = str(self.args.store.resolve())
        if self.args.local:
            env[login.LOCAL_MODE_ENV] = "1"
        return env

    def start_dashboard(self, name: str) -> None:
        app = str(ROOT / "dashboard" / "app.py")
        flags = [*streamlit_flags(port=self.ports[name]), "--server.address=127.0.0.1"]
        command = [sys.executable, "-m", "streamlit", "run", app, *flags]
        if self.args.secrets:
            command.append(f"--secrets.files={self.args.secrets.resolve()}")
        self.processes[name] = self.spawn(command, f"dashboard-{name}.log")

    def start_api(self) -> None:
        command = [sys.executable, "-m", "pipelines.cli", "api", "--warehouse",
                   str(self.args.store.resolve()), "--port", str(self.args.api_port)]  # fmt: skip
        self.api = self.spawn(command, "api.log")

    def spawn(self, command: list[str], log_name: str) -> subprocess.Popen:
        """A process of ours, as the service user when one is named (never as root)."""
        log = open(self.workdir / log_name, "ab")  # noqa: SIM115
        env, as_user = self.env(), {}
        if self.args.user:
            account = pwd.getpwnam(self.args.user)
            home = self.workdir / f"home-{self.args.user}"
            home.mkdir(exist_ok=True)
            os.chown(home, account.pw_uid, account.pw_gid)
            env["HOME"] = str(home)
            as_user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, **as_user
        )

    def write_state(self) -> None:
        state = {
            "port": self.args.port,
            "dashboards": {
                n: {"port": self.ports[n], "pid": p.pid, "in_proxy": n in self.members}
                for n, p in self.processes.items()
            },
            "nginx_pid": self.nginx.pid if self.nginx else None,
        }
        tmp = self.workdir / "state.json.tmp"
        tmp.write_text(json.dumps(state, indent=1))
        os.replace(tmp, self.workdir / "state.json")

    def reconfigure(self, members: dict[str, int]) -> None:
        self.members = members
        (self.workdir / "nginx.conf").write_text(
            nginx_config(
                self.args.port,
                members,
                self.workdir,
                self.server_name,
                self.secure,
                self.args.api_port,
            )  # fmt: skip
        )
        nginx = [self.args.nginx, "-p", str(self.workdir), "-c", str(self.workdir / "nginx.conf")]
        if self.nginx is None or self.nginx.poll() is not None:
            self.nginx = subprocess.Popen([*nginx, "-g", "daemon off;"])
        else:
            subprocess.run([*nginx, "-s", "reload"], check=False)
        self.write_state()

    def check(self) -> None:
        if self.api is not None and self.api.poll() is not None and not self.stopping:
            self.start_api()
        published = current(self.args.store.resolve()) is not None
        members = {}
        for name, process in self.processes.items():
            if process.poll() is not None and not self.stopping and self.args.restart:
                self.start_dashboard(name)
            elif process.poll() is None and published and healthy(self.ports[name]):
                members[name] = self.ports[name]
        if members and (members != self.members or self.nginx is None):
            self.reconfigure(members)
        elif members != self.members:
            self.members = members
            self.write_state()

    def run(self) -> int:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workdir.chmod(0o711)  # the service user reaches its home inside, nothing else
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.workdir / sub).mkdir(exist_ok=True)
        for name in self.ports:
            self.start_dashboard(name)
        self.start_api()
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "stopping", True))
        signal.signal(signal.SIGINT, lambda *_: setattr(self, "stopping", True))
        try:
            while not self.stopping:
                self.check()
                time.sleep(CHECK_SECONDS)
        finally:
            self.stopping = True
            for process in [*self.processes.values(), self.api, self.nginx]:
                if process is not None and process.poll() is None:
                    process.terminate()
            for process in [*self.processes.values(), self.api, self.nginx]:
                if process is not None:
                    try:
                        process.wait(timeout=20)
                    except subprocess.TimeoutExpired:
                        process.kill()
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="the store (warehouse file)")
    parser.add_argument("--dashboards", type=int, default=2, help="dashboard processes")
    parser.add_argument("--first-port", type=int, default=8601, help="port of the first one")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port (loopback)")
    parser.add_argument("--api-port", type=int, default=8600,
                        help="the OData API's port (loopback; served at /odata/)")  # fmt: skip
    parser.add_argument("--secrets", type=Path, help="Streamlit secrets with [auth] (required)")
    parser.add_argument("--user", help="the service user the dashboards run as (needed as root)")
    parser.add_argument("--local", action="store_true",
                        help="no login: local mode, this machine only (benchmarks)")  # fmt: skip
    parser.add_argument("--workdir", type=Path, required=True, help="nginx files, logs, state")
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    parser.add_argument("--no-restart", dest="restart", action="store_false",
                        help="leave a dashboard process that ended out (tests)")  # fmt: skip
    args = parser.parse_args(argv)
    if not 1 <= args.dashboards <= len(NAMES):
        parser.error(f"--dashboards must lie between 1 and {len(NAMES)}")
    args.auth = None
    if args.secrets is None and not args.local:
        parser.error("--secrets (with an [auth] section) is required; there is no login without")
    if args.secrets is not None:
        if not args.secrets.is_file():
            parser.error(f"--secrets {args.secrets}: no such file")
        try:
            args.auth = login.auth_section(login.read_secrets([args.secrets]))
        except login.LoginConfigError as exc:
            parser.error(f"the login configuration cannot be used: {exc}")
        if args.auth is None:
            parser.error(f"--secrets {args.secrets} has no [auth] section")
    if args.local and args.auth:
        parser.error("--local and --secrets exclude each other")
    if os.geteuid() == 0 and not args.user:
        parser.error("started as root: name the service user the dashboards run as (--user)")
    if args.user:
        try:
            if pwd.getpwnam(args.user).pw_uid == 0:
                parser.error("--user must not be root")
        except KeyError:
            parser.error(f"--user {args.user}: no such user")
    return Supervisor(args).run()


if __name__ == "__main__":
    sys.exit(main())
