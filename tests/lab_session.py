"""A real JupyterLab on 127.0.0.1, for tests and benchmarks that act as a reader in it.

``JupyterLab(root)`` starts ``jupyter lab`` on a free port of 127.0.0.1 with a random token,
its configuration, data and runtime folders in a temporary folder (nothing of the user's),
and the app exposed to the page (``window.jupyterapp``) so that a test can run commands.
``open_notebook`` opens a notebook in a Playwright page and runs all its cells.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class JupyterLab:
    """``with JupyterLab(root) as lab:``, a JupyterLab server serving ``root``; ``lab.url(path)``."""

    def __init__(self, root: Path, timeout: float = 120.0):
        self.root, self.timeout = Path(root), timeout
        self.port, self.token = _free_port(), secrets.token_hex(16)
        self.home = tempfile.TemporaryDirectory(prefix="lab-")

    def __enter__(self) -> JupyterLab:
        home = Path(self.home.name)
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "TF_CPP_MIN_LOG_LEVEL": "2",
        }
        command = [
            str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", f"--ServerApp.token={self.token}",
            f"--ServerApp.root_dir={self.root}", "--ServerApp.allow_root=True", "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        self.log = open(home / "lab.log", "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.root)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited: {(home / 'lab.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/status?token={self.token}", timeout=2)
                return self
            except OSError:
                time.sleep(0.5)
        self.__exit__(None, None, None)
        raise TimeoutError(f"jupyter lab did not answer within {self.timeout:.0f} s")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/lab/tree/{path}?token={self.token}&reset"

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        self.home.cleanup()


def open_notebook(page, lab: JupyterLab, path: str, timeout_ms: float = 240_000) -> None:
    """Open notebook ``path`` (relative to the lab's root) in ``page`` and run all its cells; wait until done."""
    page.goto(lab.url(path))
    page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget", timeout=timeout_ms)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout_ms)
    page.wait_for_function(
        "(() => { const w = window.jupyterapp.shell.currentWidget;"
        " return w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel"
        " && w.sessionContext.session.kernel.connectionStatus === 'connected'; })()",
        timeout=timeout_ms,
    )
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # Every cell has run when every code cell's prompt holds its execution count ([3]:, not [*]: or [ ]:).
    page.wait_for_function(
        "(() => { const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];"
        " return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent)); })()",
        timeout=timeout_ms,
        polling=500,
    )


def run_code(page, code: str, timeout_ms: float = 60_000) -> str:
    """Run ``code`` in the open notebook's kernel (not in a cell) and return what it printed."""
    return page.evaluate(
        """async (code) => {
          const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
          let text = "";
          const future = kernel.requestExecute({ code, store_history: false });
          future.onIOPub = (message) => {
            if (message.header.msg_type === "stream") text += message.content.text;
            if (message.header.msg_type === "error") text += message.content.ename + ": " + message.content.evalue;
          };
          await future.done;
          return text;
        }""",
        code,
    )
