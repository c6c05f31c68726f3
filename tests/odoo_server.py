"""Start, kill and restart a real Odoo server for end-to-end tests and benchmarks.

The server runs with HTTP workers and the queue_job runner, as in
production, in its own process group so that SIGKILL takes all of it.
"""

import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing

import requests

# python3 -m odoo cannot re-run itself for the gevent process under --workers
LAUNCHER = pathlib.Path(__file__).resolve().parents[1] / "setup" / "odoo-launcher.py"


def free_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OdooServer:
    def __init__(
        self,
        conf,
        db,
        workers=2,
        channels="root:4,root.integration_webhook:2,root.integration_api:2",
        log_path=None,
        cron_threads=1,
        queue_job_port=None,
    ):
        """:param queue_job_port: where the queue_job runner sends the jobs
        (default this server's HTTP port; several servers on one database
        give it a load balancer's)"""
        self.conf = conf
        self.db = db
        self.workers = workers
        self.channels = channels
        self.cron_threads = cron_threads
        self.port = free_port()
        self.log_path = log_path or f"/tmp/odoo-e2e-{self.port}.log"
        self.process = None
        self.queue_job_port = queue_job_port

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def command(self):
        return [
            sys.executable,
            str(LAUNCHER),
            "-c",
            self.conf,
            # the database by name, without --db-filter: with a filter, Odoo 18
            # lists the databases over a new PostgreSQL connection for every
            # request without a session (every API call), about 8 ms of
            # PostgreSQL CPU each; by name alone it serves just this one
            "-d",
            self.db,
            f"--workers={self.workers}",
            f"--max-cron-threads={self.cron_threads}",
            f"--http-port={self.port}",
            f"--gevent-port={free_port()}",
            "--http-interface=127.0.0.1",
            "--load=base,web,queue_job",
            "--no-database-list",
            f"--logfile={self.log_path}",
            "--log-level=warn",
        ]

    def start(self, timeout=120):
        env = dict(os.environ)
        env["TZ"] = "UTC"
        env["ODOO_QUEUE_JOB_CHANNELS"] = self.channels
        env["ODOO_QUEUE_JOB_PORT"] = str(self.queue_job_port or self.port)
        env["ODOO_QUEUE_JOB_HOST"] = "127.0.0.1"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                env=env,
                start_new_session=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Odoo exited early, see {self.log_path}")
            try:
                if requests.get(f"{self.url}/web/health", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.kill()
        raise RuntimeError(
            f"Odoo did not answer within {timeout} s, see {self.log_path}"
        )

    def kill(self):
        """SIGKILL the whole server: workers, runner, everything."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
