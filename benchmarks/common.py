"""Shared set-up of the benchmarks: a database, a configuration, timing."""

import os
import pathlib
import statistics
import subprocess
import sys
import tempfile

from cryptography.fernet import Fernet

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.odoo_env import environment, load  # noqa: E402
from tests.odoo_server import LAUNCHER, OdooServer  # noqa: E402

__all__ = ["OdooServer", "environment", "prepare", "summary"]


def _queue_job_dir():
    import importlib.util

    spec = importlib.util.find_spec("odoo.addons.queue_job")
    return os.path.dirname(list(spec.submodule_search_locations)[0])


def write_config(directory):
    conf = pathlib.Path(directory) / "odoo.conf"
    conf.write_text(
        "[options]\n"
        f"addons_path = {ROOT / 'addons'},{_queue_job_dir()}\n"
        f"data_dir = {directory}/data\n"
        f"db_host = {os.environ.get('PGHOST', '127.0.0.1')}\n"
        f"db_port = {os.environ.get('PGPORT', '5432')}\n"
        f"db_user = {os.environ.get('PGUSER', 'odoo')}\n"
        "http_interface = 127.0.0.1\n"
        "without_demo = True\n"
        f"integration_encryption_key = {Fernet.generate_key().decode()}\n"
        "limit_time_real = 600\n"
    )
    return str(conf)


def prepare(db, modules):
    """Configuration path and registry of ``db``, with ``modules`` installed or updated
    (``BENCH_UPDATE=0``: an existing database is used as it is)."""
    directory = os.environ.get("BENCH_DIR") or tempfile.mkdtemp(
        prefix="integration-bench-"
    )
    conf = os.environ.get("BENCH_CONF") or write_config(directory)
    exists = subprocess.run(
        [
            "psql",
            "-h",
            os.environ.get("PGHOST", "127.0.0.1"),
            "-U",
            os.environ.get("PGUSER", "odoo"),
            "-d",
            "postgres",
            "-XAtqc",
            f"SELECT 1 FROM pg_database WHERE datname = '{db}'",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if exists == "1" and os.environ.get("BENCH_UPDATE") == "0":
        # the database was just made or updated from this very code
        print(f"using database {db} as it is (BENCH_UPDATE=0)", flush=True)
        return conf, load(conf, db)
    if exists == "1":
        # every suite module: a dependency's new fields must reach the database too
        # (Odoo updates only the installed ones)
        action, names = (
            "-u",
            ",".join(
                sorted(
                    path.parent.name
                    for path in (ROOT / "addons").glob("*/__manifest__.py")
                )
            ),
        )
    else:
        action, names = "-i", modules
    print(
        f"{'updating' if exists == '1' else 'creating'} database {db} ({names})...",
        flush=True,
    )
    subprocess.run(
        [
            sys.executable,
            str(LAUNCHER),
            "-c",
            conf,
            "-d",
            db,
            action,
            names,
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )
    return conf, load(conf, db)


def summary(values):
    """Mean, median, p95 of a list of numbers."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {
        "n": len(values),
        "mean": statistics.fmean(values),
        "median": statistics.median(values),
        "p95": p95,
    }
