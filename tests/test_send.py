"""When Python hears of a reader's moves (vae_helpers/widgets/src/send.js), on a simulated clock in Node.js.

The page's timers, frames and window events are replaced by a clock and a window the test
works by hand: a reader moves a control, one move per 16 ms frame (by keys, or dragging with
a pointer pressed), and the test records when ``send`` runs and what it carries.
"""

from __future__ import annotations

import pytest

from conftest import REPO_ROOT, run_es_module

SEND = REPO_ROOT / "vae_helpers" / "widgets" / "src" / "send.js"  # imported by every widget's module

# The page's window, before the module loads: its listeners, and `fire` to send them an event.
WINDOW = """
const listeners = {};
globalThis.window = globalThis;
globalThis.addEventListener = (type, fn) => (listeners[type] ||= []).push(fn);
globalThis.fire = (type, event = {}) => (listeners[type] || []).forEach((fn) => fn({ type, target: {}, ...event }));
"""

CLOCK = """
const watchedAtLoad = Boolean(listeners.pointerdown);  // before any widget asked for a send
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
let sender = m.throttledSend(() => sends.push([now, value]));
// One move per frame: the input handler runs at the frame's start and asks for a send.
const move = (moves) => {
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


def test_moves_by_keys_reach_python_after_each_frame_at_most_every_100_ms_the_last_included():
    sends, last = run_es_module(SEND, CLOCK + """
      move(40);  // 640 ms of key presses
      now += 1000;
      runTimers();
      return [sends, value];
    """, WINDOW)
    times = [time for time, _ in sends]
    assert times[0] == 0  # the first move is sent after its frame, not a send period later
    assert all(later - earlier >= 100 for earlier, later in zip(times, times[1:]))
    assert 6 <= len(sends) <= 8  # about ten a second, not one per move
    assert sends[-1][1] == last == 39  # the last move reaches Python


def test_a_drag_reaches_python_once_when_the_last_pointer_is_let_go_with_its_last_move():
    sends = run_es_module(SEND, CLOCK + """
      fire("pointerdown", { pointerId: 1 });
      fire("pointerdown", { pointerId: 2 });  // a second finger
      sender = m.throttledSend(() => sends.push([now, value]));  // a widget whose first move is this drag's
      move(40);
      const during = sends.length;
      fire("pointerup", { pointerId: 1 });
      frame(); runTimers(); now += 1000; runTimers();
      const oneUp = sends.length;
      fire("pointercancel", { pointerId: 2 });
      frame(); runTimers(); now += 1000; runTimers();
      return [watchedAtLoad, during, oneUp, sends];
    """, WINDOW)
    watched_at_load, during, one_up, sends = sends
    assert watched_at_load  # or a drag that is a widget's first move would be sent as it goes
    assert during == 0 and one_up == 0
    assert [value for _, value in sends] == [39]


def test_a_window_that_loses_the_focus_lets_go_of_the_drag_but_an_element_losing_it_does_not():
    sends = run_es_module(SEND, CLOCK + """
      fire("pointerdown", { pointerId: 1 });
      move(3);
      fire("blur");  // an input's blur, captured on its way down
      frame(); runTimers(); now += 1000; runTimers();
      const held = sends.length;
      fire("blur", { target: window });
      frame(); runTimers(); now += 1000; runTimers();
      return [held, sends];
    """, WINDOW)
    held, sends = sends
    assert held == 0
    assert [value for _, value in sends] == [2]


@pytest.mark.parametrize("pressed", [False, True], ids=["keys", "drag"])
def test_a_cancelled_send_never_runs(pressed):
    sends = run_es_module(SEND, CLOCK + f"const pressed = {str(pressed).lower()};" + """
      move(3);
      if (pressed) fire("pointerdown", { pointerId: 1 });
      value = "late";
      sender.request();
      sender.cancel();
      fire("pointerup", { pointerId: 1 });
      now += 1000;
      frame();
      runTimers();
      return sends;
    """, WINDOW)
    assert [value for _, value in sends] == [0]
