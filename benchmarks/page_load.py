"""The book's first load as a reader on a slow phone gets it: the built site before and after, side by side.

Usage::

    python benchmarks/page_load.py [--after _build/html] [--before DIR | --before-commit 599fa0f]
                                   [--lighthouse NODE_MODULES] [--output benchmarks/results/page_load.json]

Each site is served gzipped, as any web host serves it, by a local server on 127.0.0.1
(:class:`GzipHandler`), and opened in Debian's Chromium (headless, driven by Playwright) with
nothing cached and every host but 127.0.0.1 unreachable. For every page of the table of
contents it counts the bytes Chromium received (CDP ``Network.loadingFinished``'s
``encodedDataLength``: gzipped bodies plus headers) until the network has been quiet for two
seconds, before the reader touches anything; the parser-blocking scripts of its HTML; the
requests to other hosts; and the console errors. On a few pages it then loads again on the slow
profile of the goals (CDP: 150 ms round trip, 1.6 Mbps down, 750 kbps up, CPU slowed 4 times;
390 x 844 at 3 device pixels per CSS pixel) and measures the first contentful paint and, where
the page has a widget, when it answers a key press: the reader scrolls to the first widget
as soon as the page lets them and presses the right arrow key on its first slider until one of
its canvases changes; the time is from the navigation's start.

The "before" site is the book at ``--before-commit``, built by ``jupyter-book build`` in a
temporary folder from ``git archive`` (a cold build: minutes), unless ``--before`` gives a site
already built from that commit. ``--lighthouse`` runs Lighthouse (mobile: its own simulated slow
phone) from that ``node_modules`` folder against Debian's chromium on the pages of
``LIGHTHOUSE_PAGES`` of both sites. Results go to ``--output``; the table is printed.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import html.parser
import http.server
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

import browser_harness
from browser_harness import toc_files  # the pages of the book, from _toc.yml

REPO = Path(__file__).resolve().parents[1]

BEFORE_COMMIT = "599fa0f"
SLOW_PAGES = ["book/intro", "book/01_information_theory", "book/03_elbo", "book/06_latent_explorer"]
LIGHTHOUSE_PAGES = ["book/intro", "book/03_elbo", "book/06_latent_explorer"]
# CDP's units: milliseconds and bytes per second.
SLOW_NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
SLOW_CPU = 4
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
QUIET_MS = 2_000  # the network counts as settled after this long without a request in flight
GOALS = {"bytes": 500_000, "bytes_chapter_6": 1_500_000, "fcp_ms": 3_000, "answer_ms": 8_000}
# Every host but 127.0.0.1 resolves to nothing: a request elsewhere fails, and is counted.
CHROMIUM_ARGS = [*browser_harness.CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
COMPRESSIBLE = {".html", ".js", ".css", ".json", ".svg", ".txt", ".map", ".xml", ".md", ".ttf", ".otf", ".eot"}


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder as a web host does: text types gzipped (level 6) when the client accepts it."""

    cache: dict[Path, bytes] = {}

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        if path not in self.cache:
            self.cache[path] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        body = self.cache[path]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Bytes(body)


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *args) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


@contextmanager
def serve(folder: Path):
    """A gzipping server for ``folder`` on 127.0.0.1 (a free port); yields its base URL."""
    handler = functools.partial(type("Handler", (GzipHandler,), {"cache": {}}), directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


class _Scripts(html.parser.HTMLParser):
    """The scripts of a page that stop its parser: with a src, not async, not deferred, not a module."""

    def __init__(self) -> None:
        super().__init__()
        self.blocking: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        kind = attributes.get("type", "text/javascript")
        if (tag == "script" and attributes.get("src") and "async" not in attributes and "defer" not in attributes
                and kind in ("text/javascript", "application/javascript", "")):
            self.blocking.append(attributes["src"].split("?")[0])


def blocking_scripts(page_html: str) -> list[str]:
    """The parser-blocking scripts of a page's HTML, in order."""
    parser = _Scripts()
    parser.feed(page_html)
    return parser.blocking


class PageLoad:
    """One first load of a page in a fresh browser context: bytes, requests, errors, paint, answer."""

    def __init__(self, browser, url: str, slow: bool, widget: bool = False, timeout_s: float = 120):
        self.context = browser.new_context(**PHONE)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.external: list[str] = []
        self.bytes = 0
        self.requests = 0
        self.by_type: dict[str, int] = {}
        self._types: dict[str, str] = {}
        self._in_flight: set[str] = set()
        self._last = time.monotonic()
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        cdp = self.context.new_cdp_session(self.page)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", lambda event: self._types.__setitem__(event["requestId"], event["type"]))
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        if slow:
            cdp.send("Network.emulateNetworkConditions", SLOW_NETWORK)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOW_CPU})
        self.page.set_default_timeout(timeout_s * 1000)
        self._widget, self._timeout_s = widget, timeout_s
        self.page.goto(url, wait_until="commit")

    def finish(self) -> "PageLoad":
        """Wait for the page to load and its network to settle; read its paint (and its answer)."""
        self.answer_ms = self._answer() if self._widget else None
        self.page.wait_for_load_state("load")
        self._settle(self._timeout_s)
        self.fcp_ms = self.page.evaluate(
            "() => (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime ?? null")
        return self

    def _sent(self, event: dict) -> None:
        url = event["request"]["url"]
        if url.startswith(("http://", "https://")) and not url.startswith("http://127.0.0.1"):
            self.external.append(url)
        self._in_flight.add(event["requestId"])
        self._last = time.monotonic()

    def _finished(self, event: dict) -> None:
        self._in_flight.discard(event["requestId"])
        self._last = time.monotonic()
        self.requests += 1
        self.bytes += int(event["encodedDataLength"])
        kind = self._types.get(event["requestId"], "Other")
        self.by_type[kind] = self.by_type.get(kind, 0) + int(event["encodedDataLength"])

    def _failed(self, event: dict) -> None:
        self._in_flight.discard(event["requestId"])
        self._last = time.monotonic()
        if not event.get("canceled"):
            self.errors.append(f"request failed: {event.get('errorText')}")

    def _settle(self, timeout_s: float) -> None:
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            self.page.wait_for_timeout(250)
            if not self._in_flight and time.monotonic() - self._last > QUIET_MS / 1000:
                return

    def _answer(self) -> float:
        """Milliseconds from the navigation's start to a widget's canvas changing after a key press."""
        self.page.wait_for_function(REACH_WIDGET, polling=100)
        before = self.page.evaluate(LOOK)
        while True:
            self.page.evaluate("() => window.__slider.focus()")
            self.page.keyboard.press("ArrowRight")  # a trusted key event, as a reader's is
            try:
                return self.page.wait_for_function(CHANGED, arg=before, polling="raf", timeout=3_000).json_value()
            except PlaywrightTimeout:
                continue

    def close(self) -> None:
        self.context.close()


# Polled from the navigation's start: once the first widget's place exists, scroll to it (a reader
# scrolling there); true once the widget has drawn and what takes its keys is on the screen: its
# first slider, or the widget itself where it has none (chapter 8's conditional explorer: the
# arrow keys move its style point).
REACH_WIDGET = """() => {
  const view = document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]');
  if (!view) return false;
  const root = document.querySelector('.vae-panel[data-state=ready], .vae-explorer[data-state=ready], [data-state=ready] > .vae-cvae');
  const slider = root && (root.querySelector('input[type=range]') || (root.tabIndex >= 0 ? root : null));
  if (!slider) { if (!window.__scrolled) { view.parentElement.scrollIntoView(); window.__scrolled = true; } return false; }
  slider.scrollIntoView({block: 'center'});
  window.__root = root; window.__slider = slider;
  return true;
}"""
LOOK = "() => [...window.__root.querySelectorAll('canvas')].map(c => c.toDataURL()).join('|')"
CHANGED = f"before => ({LOOK})() !== before && performance.now()"


def _row(load: PageLoad) -> dict:
    return {
        "bytes": load.bytes, "requests": load.requests, "bytes_by_type": load.by_type,
        "external_requests": load.external, "console_errors": load.errors,
        "fcp_ms": None if load.fcp_ms is None else round(load.fcp_ms),
        "answer_ms": None if load.answer_ms is None else round(load.answer_ms),
    }


def load_page(browser, url: str, slow: bool, widget: bool) -> dict:
    load = PageLoad(browser, url, slow, widget)
    try:
        return _row(load.finish())
    finally:
        load.close()


def load_pages(browser, urls: list[str], at_once: int) -> list[dict]:
    """First loads on the fast profile, ``at_once`` pages open together (each in its own context).

    Bytes, requests and errors do not depend on what else loads (each context has its own cache,
    disabled); the two quiet seconds each page waits for then overlap. Not for timings.
    """
    rows = []
    for start in range(0, len(urls), at_once):
        loads = [PageLoad(browser, url, slow=False) for url in urls[start:start + at_once]]
        try:
            rows += [_row(load.finish()) for load in loads]
        finally:
            for load in loads:
                load.close()
    return rows


def has_widget(site: Path, page: str) -> bool:
    return "application/vnd.jupyter.widget-view+json" in (site / f"{page}.html").read_text(encoding="utf-8")


def measure_site(browser, site: Path, pages: list[str], slow_pages: list[str], at_once: int = 1) -> dict:
    """Each page's first load (``at_once`` pages open together) and, on ``slow_pages``, the slow profile's timings."""
    results = {}
    with serve(site) as base:
        fast = load_pages(browser, [f"{base}{page}.html" for page in pages], at_once)
        for page, loaded in zip(pages, fast):
            text = (site / f"{page}.html").read_text(encoding="utf-8")
            row = {"html_bytes": len(text.encode()), "blocking_scripts": blocking_scripts(text), **loaded}
            if page in slow_pages:
                slow = load_page(browser, f"{base}{page}.html", slow=True, widget=has_widget(site, page))
                row["slow"] = {key: slow[key] for key in ("fcp_ms", "answer_ms", "bytes", "console_errors")}
            results[page] = row
            print(f"  {page}: {row['bytes'] / 1e3:,.0f} kB, {len(row['blocking_scripts'])} blocking scripts"
                  + (f", slow FCP {row['slow']['fcp_ms']} ms, answer {row['slow']['answer_ms']} ms" if "slow" in row else ""),
                  flush=True)
    return results


def lighthouse(node_modules: Path, site: Path, pages: list[str], runs: int = 1) -> dict:
    """Lighthouse's mobile performance and accessibility scores (0-100) of each page: the run of
    median performance of ``runs`` (Lighthouse's own advice, its scores vary run to run), and every
    run's performance."""
    scores = {}
    binary = node_modules / ".bin" / "lighthouse"
    environment = {**os.environ, "CHROME_PATH": shutil.which("chromium")}
    with serve(site) as base, tempfile.TemporaryDirectory() as folder:
        for page in pages:
            rows = []
            for _ in range(runs):
                report = Path(folder) / "report.json"
                subprocess.run([str(binary), f"{base}{page}.html", "--only-categories=performance,accessibility",
                                "--form-factor=mobile", "--output=json", f"--output-path={report}", "--quiet",
                                "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                               check=True, env=environment, timeout=600)
                data = json.loads(report.read_text())
                audits = data["audits"]
                rows.append({
                    "performance": round(100 * data["categories"]["performance"]["score"]),
                    "accessibility": round(100 * data["categories"]["accessibility"]["score"]),
                    "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
                    "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
                    "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
                    "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
                    "lighthouse": data["lighthouseVersion"],
                })
            median = sorted(rows, key=lambda row: row["performance"])[len(rows) // 2]
            scores[page] = {**median, "performance_runs": [row["performance"] for row in rows]}
            print(f"  lighthouse {page}: {scores[page]}", flush=True)
    return scores


def build_before(commit: str, folder: Path) -> Path:
    """The book at ``commit``, built cold from ``git archive`` in ``folder``; its HTML folder."""
    source = folder / "source"
    source.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    # The old commit installs its own pinned web packages into its own book/_vendor/.
    subprocess.run([sys.executable, str(source / "book" / "_ext" / "install_web_packages.py")], check=True)
    subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", str(source), "-W", "--keep-going"],
                   check=True)
    return source / "_build" / "html"


def table(results: dict) -> str:
    lines = ["| page | before: kB | after: kB | before: blocking scripts | after | before: slow FCP | after | "
             "before: key answered | after |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for page, after in results["after"].items():
        before = results["before"].get(page, {})

        def slow(row, key):
            value = row.get("slow", {}).get(key)
            return "-" if value is None else f"{value / 1000:.1f} s"

        before_kb = f"{before['bytes'] / 1e3:,.0f}" if before else "-"
        lines.append(f"| {page} | {before_kb} | {after['bytes'] / 1e3:,.0f} | "
                     f"{len(before.get('blocking_scripts', []))} | {len(after['blocking_scripts'])} | "
                     f"{slow(before, 'fcp_ms')} | {slow(after, 'fcp_ms')} | {slow(before, 'answer_ms')} | "
                     f"{slow(after, 'answer_ms')} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--after", type=Path, default=REPO / "_build" / "html")
    parser.add_argument("--before", type=Path, help="a site built from --before-commit (else built here)")
    parser.add_argument("--before-commit", default=BEFORE_COMMIT)
    parser.add_argument("--lighthouse", type=Path, help="a node_modules folder holding lighthouse")
    parser.add_argument("--pages", nargs="*", help="default: every page of the table of contents")
    parser.add_argument("--slow-pages", nargs="*", default=SLOW_PAGES,
                        help="pages also loaded on the slow profile (default: %(default)s); 'all' for every page")
    parser.add_argument("--lighthouse-runs", type=int, default=1, help="runs per page; the median is reported")
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results" / "page_load.json")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    pages = args.pages or toc_files()
    with tempfile.TemporaryDirectory() as folder:
        before_site = args.before or build_before(args.before_commit, Path(folder))
        sites = {"before": before_site, "after": args.after}
        results: dict = {"before": {}, "after": {}}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                                 args=CHROMIUM_ARGS)
            # Side by side: each page before, then after, so that the machine's load falls on both.
            for page in pages:
                for name, site in sites.items():
                    print(f"{name}:", flush=True)
                    if not (site / f"{page}.html").is_file():
                        print(f"  {page}: not in this site (a later chapter)", flush=True)
                        continue
                    slow = [page] if page in args.slow_pages or "all" in args.slow_pages else []
                    results[name].update(measure_site(browser, site, [page], slow))
            chromium = browser.version
            browser.close()
        scores = {}
        if args.lighthouse:
            for name, site in sites.items():
                print(f"{name}:", flush=True)
                scores[name] = lighthouse(args.lighthouse, site, LIGHTHOUSE_PAGES, args.lighthouse_runs)
    output = {
        "what": "first load of each page, served gzipped from 127.0.0.1, nothing cached (benchmarks/page_load.py)",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "before_commit": args.before_commit,
        "before_site": str(args.before) if args.before else "built here from git archive",
        "chromium": chromium,
        "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg(), "python": platform.python_version()},
        "slow_profile": {"network": SLOW_NETWORK, "cpu_slowdown": SLOW_CPU, "screen": PHONE},
        "goals": GOALS,
        "pages": results,
        "lighthouse": scores,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(output, indent=1) + "\n")
    print(table(results))
    for name, rows in scores.items():
        for page, row in rows.items():
            print(f"lighthouse {name} {page}: performance {row['performance']}, accessibility {row['accessibility']}")


if __name__ == "__main__":
    main()
