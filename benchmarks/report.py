"""Rewrite the figures' tables in benchmarks/README.md and README.md from the benchmarks' JSON.

The JSON lives in ``benchmarks/results/`` (engineering figures) and in the package,
``vae_helpers/results/`` (the figures the chapters glue, shipped as package data).

Each generated table sits between two markers, ``<!-- report:NAME -->`` and
``<!-- /report:NAME -->``; this script replaces what is between them and leaves the rest of
the file alone, so the prose around a table is written by hand and its numbers never are.
A table whose JSON is missing is left as it is, with a note on stderr.

    .venv/bin/python benchmarks/report.py           # rewrite the tables in place
    .venv/bin/python benchmarks/report.py --check   # exit 1 if a table differs from its JSON
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

from vae_helpers.benchmark_results import RESULTS_DIR

ROOT = Path(__file__).resolve().parent.parent
RESULTS = (ROOT / "benchmarks" / "results", RESULTS_DIR)
FILES = (ROOT / "benchmarks" / "README.md", ROOT / "README.md")


def _load(name: str) -> dict | None:
    found = [folder / f"{name}.json" for folder in RESULTS if (folder / f"{name}.json").exists()]
    return json.loads(found[0].read_text()) if found else None


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _ms(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f} ms"


# -- training (train_vs_reference.py, tune_pretrained.py, centre_check.py) -------------------------

RUN_NAMES = {"reference": "article's settings (1 x 128 hidden, Adam 1e-3)", "helpers": "`TrainingConfig`"}
DATA_NAMES = {"mnist": "full MNIST, 55,000 / 10,000", "bundled": "bundled, 4,000 / 1,000"}


def training(results: dict) -> str:
    rows = []
    for data in ("mnist", "bundled"):
        for run in ("reference", "helpers"):
            for epochs, row in results[data][run].items():
                rows.append([DATA_NAMES[data], RUN_NAMES[run], epochs, f"{row['seconds']:.0f} s",
                             f"{row['cpu_seconds']:.0f} s", f"{row['nats']:.2f} nats"])
    return _table(["data", "run", "epochs", "wall time", "CPU time", "test -ELBO"], rows)


def ablation(results: dict) -> str:
    rows = [[step, f"{row['cpu_seconds']:.1f} s", f"{row['nats']:.2f} nats"] for step, row in results["bundled"]["ablation"].items()]
    return _table(["bundled split, 40 epochs: each row adds one change", "CPU time", "test -ELBO"], rows)


def tuning(results: dict) -> str:
    rows = [[name, f"{row['validation_nats']:.2f} nats", f"{row['seconds']:.0f} s"] for name, row in results["candidates"].items()]
    return _table([f"candidate ({results['epochs']} epochs)", "validation -ELBO", "wall time"], rows)


def centres(results: dict) -> str:
    rows = [[name, f"{row['validation_nats']:.2f} nats", f"{row['digits_right']} of 10", f"{row['seconds']:.0f} s"]
            for name, row in results["runs"].items()]
    return _table(["run", "validation -ELBO", "digits drawn at their centres", "wall time"], rows)


# -- widgets (widget_latency.py, encoder_latency.py) -----------------------------------------------

WIDGETS = {
    "floor": "the floor: one slider, one canvas",
    "floor_end": "the floor, at the end of the notebook",
    "map_floor": "the floor for a map: one canvas, dragged on",
    "coin": "coin entropy (ch. 1)",
    "distributions": "two distributions (ch. 1)",
    "gaussian_kl": "Gaussian KL (ch. 2)",
    "elbo": "ELBO (ch. 3)",
    "explorer": "latent explorer (ch. 6), on its map",
    "explorer_slider": "latent explorer (ch. 6), by its z₁ slider",
    "explorer_without_blink": "latent explorer (ch. 6), the editors' cursor blink off",
}


def _move(row: dict | None) -> str:
    if row is None or row.get("median_ms") is None:
        return "-"
    return f"{row['median_ms']:.1f} ms ({row['page_to_screen_median_ms']:.1f} ms)"


def widgets(results: dict) -> str:
    rows_by_key = results["rows"]
    rows = []
    for widget, name in WIDGETS.items():
        lab, static = rows_by_key.get(f"{widget}_lab"), rows_by_key.get(f"{widget}_static")
        before = [rows_by_key.get(f"{widget}_lab_{old}") for old in ("ipywidgets", "naive")]
        before = [f"{row['median_ms']:.0f} ms ({row['implementation']})" for row in before if row and row.get("median_ms")]
        rows.append([name, _move(lab), _move(static),
                     _ms((lab or {}).get("steady_drag_median_ms")), _ms((static or {}).get("steady_drag_median_ms")),
                     "; ".join(before) or "-"])
    return _table(["widget", "JupyterLab, a move", "static page, a move", "JupyterLab, steady drag",
                   "static page, steady drag", "JupyterLab, the widget it replaced"], rows)


def own_work(results: dict) -> str:
    rows = [[row["label"], row["what"], _ms(row["median_ms"], 2)]
            for key, row in results["rows"].items() if row.get("what") in ("browser", "kernel")]
    return _table(["part", "where", "median"], rows)


def stroke(results: dict) -> str:
    row = results["rows"]["stroke"]
    return _table(["what", "median", "95th percentile", "events", "aim"],
                  [[row["label"], _ms(row["median_ms"], 2), _ms(row["p95_ms"], 2), f"{row['n']}", _ms(results["target_ms"])]])


# -- first load (page_load.py) ---------------------------------------------------------------------

def _seconds(row: dict, key: str) -> str:
    value = row.get("slow", {}).get(key)
    return "-" if value is None else f"{value / 1000:.1f} s"


def page_weight(results: dict) -> str:
    rows = []
    for page, after in results["pages"]["after"].items():
        before = results["pages"]["before"].get(page, {})
        rows.append([page, f"{before['bytes'] / 1e3:,.0f} kB" if before else "-", f"{after['bytes'] / 1e3:,.0f} kB",
                     _seconds(before, "fcp_ms"), _seconds(after, "fcp_ms"),
                     _seconds(before, "answer_ms"), _seconds(after, "answer_ms")])
    return _table(["page", "bytes before", "after", "slow FCP before", "after", "key press answered before", "after"], rows)


def lighthouse(results: dict) -> str:
    rows = []
    for page, after in results["lighthouse"]["after"].items():
        before = results["lighthouse"]["before"].get(page, {})
        runs = lambda row: "/".join(map(str, row.get("performance_runs", [row.get("performance", "-")])))
        rows.append([page, f"{before.get('performance', '-')} ({runs(before)})", f"{after['performance']} ({runs(after)})",
                     f"{after['fcp_ms'] / 1000:.1f} s", f"{after['lcp_ms'] / 1000:.1f} s", f"{after['tbt_ms']} ms",
                     f"{before.get('accessibility', '-')} -> {after['accessibility']}"])
    return _table(["page", "performance before (runs)", "after (runs)", "after: FCP", "LCP", "total blocking time",
                   "accessibility"], rows)


# -- the README's one short table ------------------------------------------------------------------

def summary(train: dict, latency: dict, pad: dict, load: dict) -> str:
    mnist = train["mnist"]
    (epochs, ours), = mnist["helpers"].items()
    (reference_epochs, reference), = mnist["reference"].items()
    explorer = latency["rows"]["explorer_static"]
    rows = [
        [f"train the shipped VAE, full MNIST, {epochs} epochs", f"{ours['seconds']:.0f} s, test -ELBO {ours['nats']:.1f} nats",
         "`train_vs_reference.py`"],
        [f"the article's settings, {reference_epochs} epochs", f"{reference['seconds']:.0f} s, test -ELBO {reference['nats']:.1f} nats",
         "`train_vs_reference.py`"],
        ["latent explorer, pointer move to new digit on screen, static page (median)", _ms(explorer["median_ms"]),
         "`widget_latency.py`"],
        ["drawing pad: encode + decode + draw per stroke event (median)", _ms(pad["rows"]["stroke"]["median_ms"], 2),
         "`encoder_latency.py`"],
    ]
    pages = load["pages"]["after"]
    heaviest = max(pages, key=lambda page: pages[page]["bytes"])
    slowest = max((page for page in pages if "slow" in pages[page]), key=lambda page: pages[page]["slow"]["fcp_ms"])
    answers = {page: row["slow"]["answer_ms"] for page, row in pages.items() if row.get("slow", {}).get("answer_ms")}
    rows += [
        [f"first load, heaviest page ({heaviest}), gzipped", f"{pages[heaviest]['bytes'] / 1e3:,.0f} kB", "`page_load.py`"],
        ["slow phone (1.6 Mbps, 150 ms, CPU / 4): latest first paint of any page; latest widget answer to a key",
         f"{pages[slowest]['slow']['fcp_ms'] / 1000:.1f} s; {max(answers.values()) / 1000:.1f} s", "`page_load.py`"],
        ["Lighthouse mobile performance (intro, chapter 3, chapter 6; median of runs)",
         ", ".join(str(row["performance"]) for row in load["lighthouse"]["after"].values()), "`page_load.py`"],
    ]
    return _table(["what (2 shared cores, CPU only)", "figure", "script"], rows)


TABLES: dict[str, tuple[tuple[str, ...], Callable[..., str]]] = {
    "training": (("train_vs_reference",), training),
    "ablation": (("train_vs_reference",), ablation),
    "tuning": (("tune_pretrained",), tuning),
    "centres": (("centre_check",), centres),
    "widgets": (("widget_latency",), widgets),
    "own-work": (("widget_latency",), own_work),
    "stroke": (("encoder_latency",), stroke),
    "page-weight": (("page_load",), page_weight),
    "lighthouse": (("page_load",), lighthouse),
    "summary": (("train_vs_reference", "widget_latency", "encoder_latency", "page_load"), summary),
}
MARKED = re.compile(r"(<!-- report:(?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- /report:(?P=name) -->)", re.S)


def rewrite(text: str) -> str:
    """``text`` with every marked table replaced by the one its JSON gives now."""

    def replace(match: re.Match) -> str:
        name = match["name"]
        if name not in TABLES:
            raise SystemExit(f"unknown table {name!r}: expected one of {sorted(TABLES)}")
        sources, render = TABLES[name]
        results = [_load(source) for source in sources]
        if any(result is None for result in results):
            print(f"{name}: no {'.json, '.join(sources)}.json in {' or '.join(map(str, RESULTS))}, table left as it is", file=sys.stderr)
            return match[0]
        return f"{match[1]}{render(*results)}\n{match[4]}"

    return MARKED.sub(replace, text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a table differs from its JSON, change nothing")
    args = parser.parse_args(argv)
    stale = []
    for path in FILES:
        text = path.read_text()
        new = rewrite(text)
        if new != text:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                path.write_text(new)
    verb = "stale" if args.check else "rewritten"
    print(f"{verb}: {', '.join(map(str, stale))}" if stale else "every table matches its JSON")
    if args.check and stale:
        sys.exit(1)


if __name__ == "__main__":
    main()
