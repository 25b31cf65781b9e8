"""A real JupyterLab on 127.0.0.1 for tests and benchmarks that act as a reader of the notebooks.

``JupyterLab.start(notebooks)`` copies the notebooks into a temporary folder (so that nothing
the browser does writes into the repository), points ``JUPYTER_CONFIG_DIR``, ``JUPYTER_DATA_DIR``
and ``JUPYTER_RUNTIME_DIR`` into it (the user's own Jupyter set-up plays no part; the
virtual environment's extensions, anywidget's among them, still load), turns off autosave and
news, and starts ``jupyter lab`` with a random token. Then, with a Playwright page::

    lab.open(page, "01_information_theory.ipynb")   # opens it and waits for the kernel
    lab.run_all(page)                                # Run > Run All Cells, waits until idle
    lab.kernel_eval("coin.bias")                     # the kernel's value, as a string (repr)
    lab.kernel_execute("coin.bias = 0.5")            # code run in the kernel, as a cell would

``kernel_eval`` and ``kernel_execute`` talk to the notebook's kernel through its connection file (a second client,
as a console would): the test reads back what Python holds after a drag in the page.
In tests, use the session-wide ``jupyterlab`` fixture (tests/conftest.py); tests/test_jupyterlab.py
shows a whole round trip. It lives beside the benchmarks so that both import it as it is (browser_harness.py).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from browser_harness import free_port

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
SERVER_TIMEOUT = 90  # seconds for jupyter lab to answer (2 busy cores)
KERNEL_TIMEOUT = 120_000  # milliseconds for Run All to finish, TensorFlow-free notebooks
SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"checkForUpdates": False, "fetchNews": "false"},
}


class JupyterLab:
    """A JupyterLab server in a temporary folder, stopped by :meth:`stop`."""

    def __init__(self, folder: Path, process: subprocess.Popen, port: int, token: str, log: Path):
        self.folder, self.process, self.port, self.token, self.log = folder, process, port, token, log
        self.url = f"http://127.0.0.1:{port}/"
        self._clients: dict[str, object] = {}

    @classmethod
    def start(cls, notebooks: list[Path]) -> "JupyterLab":
        folder = Path(tempfile.mkdtemp(prefix="jupyterlab-test-"))
        root = folder / "notebooks"
        root.mkdir()
        for notebook in notebooks:
            shutil.copy(notebook, root / notebook.name)
        # Nothing else: a notebook reads its data and figures through the package, as a downloaded one does.
        environment = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(folder / "config"),
            "JUPYTER_DATA_DIR": str(folder / "data"),
            "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
            "TF_CPP_MIN_LOG_LEVEL": "2",
        }
        for plugin, values in SETTINGS.items():
            package, name = plugin.rsplit("/", 1)
            path = folder / "config" / "lab" / "user-settings" / package / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        port, token = free_port(), secrets.token_hex(16)
        log = folder / "jupyterlab.log"
        command = [
            str(Path(sys.executable).with_name("jupyter-lab")), "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
            "--LabApp.extension_manager=readonly",  # no queries to PyPI
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # containers and CI run as root
        process = subprocess.Popen(command, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT)
        lab = cls(folder, process, port, token, log)
        lab._wait_until_up()
        return lab

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + SERVER_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}api/status?token={self.token}", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer in {SERVER_TIMEOUT} s")

    def api(self, path: str):
        with urllib.request.urlopen(f"{self.url}api/{path}?token={self.token}", timeout=10) as response:
            return json.loads(response.read())

    # -- the browser side --------------------------------------------------------------------

    def open(self, page, notebook: str) -> None:
        """Open ``notebook`` in JupyterLab and wait until its kernel is idle."""
        page.goto(f"{self.url}lab/tree/{notebook}?token={self.token}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60_000)
        # The page may say "idle" before its kernel has started: ask the server too.
        deadline = time.monotonic() + KERNEL_TIMEOUT / 1000
        while not any(session["path"].endswith(notebook) and session["kernel"]["execution_state"] == "idle"
                      for session in self.api("sessions")):
            if time.monotonic() > deadline:
                raise TimeoutError(f"JupyterLab: the kernel of {notebook} did not start")
            page.wait_for_timeout(500)  # not time.sleep: Playwright must keep serving the page's routes
        self._wait_idle(page)

    def run_all(self, page, timeout_ms: float | None = None) -> None:
        """Run > Run All Cells, then wait (``timeout_ms``, default KERNEL_TIMEOUT) until every cell has run and the kernel is idle."""
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.click()  # the menu acts on the active notebook
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
        self._wait(page, """() => {
              const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];
              return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
            }""", "every cell to run", timeout_ms)
        self._wait_idle(page)

    def _wait_idle(self, page) -> None:
        self._wait(page, """() => {
              const status = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
              return status && status.getAttribute('data-status') === 'idle';
            }""", "the kernel to be idle")

    def _wait(self, page, condition: str, what: str, timeout_ms: float | None = None) -> None:
        """Wait for a JavaScript condition; on time-out, keep a screenshot and the server's log for the reader."""
        try:
            page.wait_for_function(condition, timeout=timeout_ms or KERNEL_TIMEOUT)
        except Exception as error:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "jupyterlab-timeout.png"))
            shutil.copy(self.log, ARTIFACTS / "jupyterlab-timeout.log")
            raise TimeoutError(f"JupyterLab: waited in vain for {what} (see {ARTIFACTS}/jupyterlab-timeout.*)") from error

    # -- the kernel side ---------------------------------------------------------------------

    def _client(self, notebook: str | None):
        from jupyter_client import BlockingKernelClient

        sessions = self.api("sessions")
        if notebook is not None:
            sessions = [session for session in sessions if session["path"].endswith(notebook)]
        if len(sessions) != 1:
            raise RuntimeError(f"expected one kernel session for {notebook!r}: got {[s['path'] for s in sessions]}")
        kernel_id = sessions[0]["kernel"]["id"]
        if kernel_id not in self._clients:
            client = BlockingKernelClient(connection_file=str(self.folder / "runtime" / f"kernel-{kernel_id}.json"))
            client.load_connection_file()
            client.start_channels()
            client.wait_for_ready(timeout=30)
            self._clients[kernel_id] = client
        return self._clients[kernel_id]

    def kernel_eval(self, expression: str, notebook: str | None = None) -> str:
        """``repr(expression)`` evaluated in the kernel of ``notebook`` (the only running one if None)."""
        reply = self._client(notebook).execute_interactive(
            "", user_expressions={"value": expression}, timeout=30, output_hook=lambda message: None
        )
        value = reply["content"]["user_expressions"]["value"]
        if value["status"] != "ok":
            raise RuntimeError(f"{expression} raised {value.get('ename')}: {value.get('evalue')}")
        return value["data"]["text/plain"]

    def kernel_execute(self, code: str, notebook: str | None = None) -> None:
        """Run ``code`` in the kernel of ``notebook``, as a cell would (its output is not shown anywhere)."""
        reply = self._client(notebook).execute_interactive(code, timeout=30, output_hook=lambda message: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"{code!r} raised {reply['content'].get('ename')}: {reply['content'].get('evalue')}")

    def stop(self) -> None:
        for client in self._clients.values():
            client.stop_channels()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)
