"""Where a widget's latency goes: Chrome traces of the drags that widget_latency.py measures.

The book's widgets (the panels and the explorer), on the same two pages as
``benchmarks/widget_latency.py`` (a static page and a JupyterLab notebook), dragged the same way
with the same probe, while Chromium records a trace (devtools.timeline). For each widget and
home it prints, per measured move, the renderer main thread's time in:

- the input events' handlers (the widget draws there) and animation-frame callbacks;
- style recalculation, layout, and the layout and pre-paint Chromium runs for a text
  selection that may start (``MouseEventManager::handleMouseDraggedEvent``);
- ResizeObserver callbacks (the probe's pixel check among them, after its clock stops);
- JupyterLab's own work: kernel messages arriving (``_onWSMessage``) and the React renders
  they set off (React's scheduler runs in ``MessagePort`` tasks);
- paint and commit (after the probe's clock stops);

and the display frame clock: Chromium starts frames on a fixed grid (the interval between
the frame times of its BeginFrames), so a pointer event waits for the next tick before the
page sees it, whatever the page does. Tracing slows the page down: compare the parts, not
the latencies, with widget_latency.py's. Prints only; writes nothing.

    .venv/bin/python benchmarks/widget_frames.py [--moves 15] [--rounds 1] [--homes "static page,JupyterLab"]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

import browser_harness  # this and the next: beside this script
import widget_latency as wl

CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink", "toplevel", "input",
              "benchmark"]
def main_thread_events(trace: dict, url_part: str) -> tuple[list, list, int]:
    """The main thread's complete events (start ms, duration ms, name, args) of the renderer showing ``url_part``,
    its compositor thread's (start ms, name) for input arrivals and frame ticks, and the renderer's pid."""
    renderers = {e["pid"]: e["tid"] for e in trace["traceEvents"]
                 if e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    pid = None
    for event in trace["traceEvents"]:
        if event.get("name") == "TracingStartedInBrowser":
            for frame in event["args"]["data"].get("frames", []):
                if url_part in frame.get("url", "") and frame.get("processId") in renderers:
                    pid = frame["processId"]
    tid = renderers[pid]
    found, open_ = [], defaultdict(list)
    for event in trace["traceEvents"]:
        if event.get("pid") != pid or event.get("tid") != tid or "ts" not in event:
            continue
        if event.get("ph") == "X" and "dur" in event:
            found.append((event["ts"] / 1e3, event["dur"] / 1e3, event["name"], event.get("args", {})))
        elif event.get("ph") == "B":
            open_[event["name"]].append(event)
        elif event.get("ph") == "E" and open_[event["name"]]:
            begin = open_[event["name"]].pop()
            found.append((begin["ts"] / 1e3, (event["ts"] - begin["ts"]) / 1e3, event["name"], begin.get("args", {})))
    compositor_tids = {e["tid"] for e in trace["traceEvents"] if e.get("pid") == pid and e.get("name") == "thread_name"
                       and e["args"].get("name") == "Compositor"}
    compositor = sorted((e["ts"] / 1e3, e["name"]) for e in trace["traceEvents"]
                        if e.get("pid") == pid and e.get("tid") in compositor_tids
                        and e.get("name") in ("WidgetInputHandlerImpl::DispatchEvent", "Scheduler::BeginFrame"))
    return sorted(found), compositor, pid


def frame_interval(trace: dict, pid: int) -> float:
    """The median interval (ms) between the frame times of the renderer's BeginFrames."""
    times = sorted({e["args"]["args"]["frame_time_us"] / 1e3 for e in trace["traceEvents"]
                    if e.get("pid") == pid and e.get("name") == "Scheduler::BeginFrame"
                    and "frame_time_us" in e.get("args", {}).get("args", {})})
    return float(np.median(np.diff(times))) if len(times) > 2 else float("nan")


def inside(events: list, begin: float, end: float, name: str) -> list:
    return [e for e in events if e[2] == name and begin <= e[0] < end]


def overlap(intervals: list, begin: float, end: float) -> float:
    return sum(max(0.0, min(end, s + d) - max(begin, s)) for s, d, *_ in intervals)


def parts(events: list, compositor: list) -> dict[str, list[float]]:
    """Per pointer move: where the time goes from the event reaching the renderer to the frame's ResizeObserver step.

    ``compositor`` holds the compositor thread's (time, name) instants: the move's arrival
    (``WidgetInputHandlerImpl::DispatchEvent``) and the frame clock's ticks (``Scheduler::BeginFrame``).
    """
    found = defaultdict(list)
    frames = [e for e in events if e[2] == "ProxyMain::BeginMainFrame"]
    arrivals = [t for t, name in compositor if name == "WidgetInputHandlerImpl::DispatchEvent"]
    ticks = [t for t, name in compositor if name == "Scheduler::BeginFrame"]
    moves = [e for e in events if e[2] == "EventDispatch" and e[3].get("data", {}).get("type") == "pointermove"]
    for dispatch in moves:
        frame = next((f for f in frames if f[0] <= dispatch[0] <= f[0] + f[1]), None)
        if frame is None:
            continue
        observers = inside(events, dispatch[0], frame[0] + frame[1], "LocalFrameView::NotifyResizeObservers")
        if not observers:
            continue
        begin, end = frame[0], observers[0][0]
        arrival = max((t for t in arrivals if t <= begin), default=None)
        tick = min((t for t in ticks if arrival is not None and t >= arrival), default=None)
        if arrival is None or tick is None or tick > begin:
            continue
        selection = inside(events, begin, end, "MouseEventManager::handleMouseDraggedEvent")
        found["arrival to the frame clock's tick"].append(tick - arrival)
        # The main thread may still be running another task (JupyterLab's, a send to Python) at the tick.
        found["tick to the frame starting (main thread busy)"].append(begin - tick)
        found["input handlers (the widget draws)"].append(
            overlap(inside(events, begin, end, "EventDispatch"), begin, end) - overlap(selection, begin, end))
        found["layout for a text selection"].append(overlap(selection, begin, end))
        found["animation-frame callbacks"].append(overlap(inside(events, begin, end, "FireAnimationFrame"), begin, end))
        handlers = inside(events, begin, end, "EventDispatch") + selection  # style and layout forced there count there
        for part, name in (("style recalculation", "UpdateLayoutTree"), ("layout", "Layout")):
            spans = [e for e in inside(events, begin, end, name)
                     if not any(s <= e[0] < s + d for s, d, *_ in handlers)]
            found[part].append(overlap(spans, begin, end))
        listed = sum(found[part][-1] for part in ("input handlers (the widget draws)", "layout for a text selection",
                                                  "animation-frame callbacks", "style recalculation", "layout"))
        found["the frame's other work (Chromium's)"].append(end - begin - listed)
        found["frame start to ResizeObserver step"].append(end - begin)
        found["arrival to ResizeObserver step"].append(end - arrival)
    return found


def jupyterlab_work(events: list) -> dict[str, float]:
    """Main-thread milliseconds over the whole drag in the kernel's messages and the React renders they set off."""
    return {"kernel messages arriving": sum(d for _, d, n, a in events if n == "FunctionCall"
                                            and a.get("data", {}).get("functionName") == "_onWSMessage"),
            "React renders (MessagePort tasks)": sum(d for _, d, n, _ in events if n == "MessagePort::Accept")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--homes", default="static page,JupyterLab")
    args = parser.parse_args()
    if shutil.which("chromium") is None or not (wl.VENDOR / ".installed").is_file():
        sys.exit("Needs Debian's chromium and book/_vendor (see widget_latency.py)")
    from playwright.sync_api import sync_playwright

    from vae_helpers.data import load_mnist
    from vae_helpers.model import load_pretrained

    load_at_start = os.getloadavg()
    homes = args.homes.split(",")
    rng = np.random.default_rng(0)
    work = Path(tempfile.mkdtemp(prefix="widget-frames-"))
    (work / "old_panels.py").write_text(wl.old_panels_source())
    (work / "old_explorer.py").write_text(wl.git_show(wl.OLD_EXPLORER_COMMIT, "vae_helpers/explorer.py"))
    wl.without_ipyevents()
    old_panels = wl.load_module("old_panels", work / "old_panels.py")
    (_, _), (x_test, y_test) = load_mnist()
    site = work / "site"
    site.mkdir()
    wl.static_page(site, old_panels, (*load_pretrained(), x_test, y_test))
    server = browser_harness.serve(site)
    notebook = work / "widget_latency.ipynb"
    wl.lab_notebook(notebook)
    wl.lab_harness.KERNEL_TIMEOUT = 600_000
    lab = wl.lab_harness.JupyterLab.start([notebook]) if "JupyterLab" in homes else None
    if lab:
        wl.copy_beside_notebook(work, lab.folder / "notebooks")
    per_move = defaultdict(lambda: defaultdict(list))  # widget and home: part: milliseconds per move
    lab_work = defaultdict(lambda: defaultdict(float))  # widget and home: part: milliseconds over the drags
    drag_seconds, intervals = defaultdict(float), []
    every = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                                 args=wl.CHROMIUM_ARGS)
            for home in homes:  # the same pages as widget_latency.py, the new widgets only
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.add_init_script(wl.PROBE)
                page = context.new_page()
                if home == "static page":
                    page.goto(f"http://127.0.0.1:{server.server_port}/index.html", wait_until="load")
                else:
                    lab.open(page, notebook.name)
                    lab.run_all(page)
                page.wait_for_selector(".vae-explorer[data-state=ready]", timeout=120_000)
                every += [s for s in wl.series_for(page, home, args.moves) if s.implementation in wl.IN_THE_PAGE]
            for _ in range(args.rounds):
                for series in every:
                    browser.start_tracing(page=series.page, categories=CATEGORIES)
                    series.drag(rng)
                    trace = json.loads(browser.stop_tracing())
                    events, compositor, pid = main_thread_events(
                        trace, "index.html" if series.home == "static page" else "/lab")
                    for part, values in parts(events, compositor).items():
                        per_move[series.key][part] += values
                    for part, value in jupyterlab_work(events).items():
                        lab_work[series.key][part] += value
                    drag_seconds[series.key] += (events[-1][0] - events[0][0]) / 1e3
                    intervals.append(frame_interval(trace, pid))
            browser.close()
    finally:
        if lab:
            lab.stop()
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nload average {load_at_start[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
          f"display frames every {np.nanmedian(intervals):.2f} ms (median interval between BeginFrame frame times)")
    keys = [s.key for s in every]
    print("medians per pointer move, ms, from the move reaching the renderer to its frame's ResizeObserver step "
          "(traced: slower than untraced)\n")
    print(f"{'':46}" + "".join(f"{key.replace('_static', ' st').replace('_lab', ' lab'):>15}" for key in keys))
    for part in per_move[keys[0]]:
        print(f"{part:46}" + "".join(f"{np.median(per_move[key][part]):15.2f}" for key in keys))
    print(f"{'moves found in the trace':46}" + "".join(f"{len(per_move[key]['layout']):15d}" for key in keys))
    print("\nmain-thread ms per second of drag (the whole drag, between the moves too)")
    for part in ("kernel messages arriving", "React renders (MessagePort tasks)"):
        print(f"{part:46}" + "".join(f"{lab_work[key][part] / drag_seconds[key]:15.1f}" for key in keys))
    latency = {s.key: (np.median(s.to_screen), np.median(s.queue)) for s in every}
    print(f"\n{'probe: latency median (traced)':46}" + "".join(f"{latency[key][0]:15.1f}" for key in keys))
    print(f"{'probe: of which before the page saw the event':46}" + "".join(f"{latency[key][1]:15.1f}" for key in keys))


if __name__ == "__main__":
    main()
