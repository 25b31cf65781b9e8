"""When Python hears of a drag (vae_helpers/widgets/_send.js), on a simulated clock in Node.js.

The page's timers and frames are replaced by a clock the test moves by hand: a reader drags,
one move per 16 ms frame, and the test records when ``send`` runs.
"""

from __future__ import annotations

import pytest

from conftest import run_es_module
from vae_helpers.widgets import CoinPanel, LatentExplorer

CLOCK = """
let now = 0, next = 1;
const timers = new Map(), frames = new Map();
Object.defineProperty(globalThis, "performance", { value: { now: () => now }, configurable: true });
globalThis.setTimeout = (fn, wait = 0) => { timers.set(next, { at: now + Math.max(0, wait), fn }); return next++; };
globalThis.clearTimeout = (id) => timers.delete(id);
globalThis.requestAnimationFrame = (fn) => { frames.set(next, fn); return next++; };
globalThis.cancelAnimationFrame = (id) => frames.delete(id);
const frame = () => { const due = [...frames.values()]; frames.clear(); due.forEach((fn) => fn(now)); };
const runTimers = () => {
  for (;;) {
    const due = [...timers].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at)[0];
    if (!due) return;
    timers.delete(due[0]);
    due[1].fn();
  }
};
const sends = [];
let value = null;
const sender = m.throttledSend(() => sends.push([now, value]));
// One move per frame: the input handler runs at the frame's start and asks for a send.
const drag = (moves) => {
  for (let k = 0; k < moves; k++) {
    value = k;
    sender.request();
    frame();
    runTimers();
    now += 16;
    runTimers();
  }
};
"""


@pytest.mark.parametrize("widget", [CoinPanel, LatentExplorer], ids=["panels", "explorer"])
def test_a_drag_reaches_python_after_each_frame_at_most_every_100_ms_the_last_move_included(widget):
    sends, last = run_es_module(widget._esm, CLOCK + """
      drag(40);  // 640 ms of drag
      now += 1000;
      runTimers();
      return [sends, value];
    """)
    times = [time for time, _ in sends]
    assert times[0] == 0  # the first move is sent after its frame, not a send period later
    assert all(later - earlier >= 100 for earlier, later in zip(times, times[1:]))
    assert 6 <= len(sends) <= 8  # about ten a second, not one per move
    assert sends[-1][1] == last == 39  # the last move reaches Python


def test_a_cancelled_send_never_runs():
    sends = run_es_module(CoinPanel._esm, CLOCK + """
      drag(3);
      value = "late";
      sender.request();
      sender.cancel();
      now += 1000;
      frame();
      runTimers();
      return sends;
    """)
    assert [value for _, value in sends] == [0]
