"""A headless Streamlit tab: one websocket speaking the browser's own protocol.

Used by `benchmarks/load.py` to put many participants on a board without
running many browsers. It does what the Streamlit frontend does on the wire
and nothing more: no rendering, no JavaScript.

    client = StreamlitClient("http://127.0.0.1:8501", query_string="board=...")
    client.connect()
    client.rerun()                                    # what opening the page sends
    run = client.wait_for_run(time.monotonic() + 30)  # deltas until script_finished
    client.set_widget_json(widget_id, {"token": ...}) # a v2 component's state
    client.rerun()
    for received in client.messages(deadline):       # listen; run_every ticks are sent
        ...

The protocol, as Streamlit 1.67 speaks it (read from streamlit/proto,
streamlit/web/server/starlette/starlette_websocket.py, runtime/app_session.py
and the frontend's App.tsx):

- One websocket at `/_stcore/stream`, subprotocol "streamlit" (the second and
  third subprotocol entries would carry an XSRF token and a session id to
  resume; neither is needed). Every frame is one binary protobuf: BackMsg up,
  ForwardMsg down. Text frames make the server close the socket.
- Nothing runs until the client sends BackMsg.rerun_script (a ClientState):
  query_string without "?", page_script_hash "" and page_name "" on first load
  of "/" (the server then runs the default page), the widget states, and
  context_info (st.context: url, timezone, locale).
- A run arrives as: session_status_changed(script_is_running) · new_session
  (metadata.run.fragment_ids is empty for a full run) · navigation (carries
  the page_script_hash to send on later reruns) · one ForwardMsg per delta ·
  script_finished (status) · session_status_changed. The server re-sends every
  element on every run; there is no diffing. Messages above
  global.minCachedMessageSize could come back as ref_hash references, but
  only when the client lists them in cached_message_hashes, which this
  client never does.
- Widget values are not remembered for the client: the browser sends all of
  its widget states with every rerun, and so does this client.
- `st.fragment(run_every=...)` is driven by the browser, not the server: the
  server sends ForwardMsg.auto_rerun(fragment_id, interval) and the browser
  sets a timer that sends rerun_script(fragment_id, is_auto_rerun=True) each
  interval. A full run (new_session without fragment ids) clears all timers;
  re-registering the same interval keeps the countdown; stop_auto_rerun drops
  one. A websocket client that ignores auto_rerun never polls, so `messages()`
  runs these timers.
"""

from __future__ import annotations

import itertools
from collections import deque
import json
import select
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlparse

import websocket  # websocket-client
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

# A blocking read never waits longer than this, even inside one frame: a
# server that stops mid-frame is a failure, not a reason to hang.
SOCKET_TIMEOUT = 15.0

_FINISHED = ForwardMsg.ScriptFinishedStatus
RUN_HISTORY = 2000
_ids = itertools.count(1)


class ProtocolError(Exception):
    """The server did something a browser tab would not have accepted."""


@dataclass
class Received:
    """One ForwardMsg as it came off the socket."""

    at: float  # time.monotonic() right after the frame was read
    msg: ForwardMsg
    raw: bytes

    @property
    def kind(self) -> str | None:
        return self.msg.WhichOneof("type")


@dataclass
class Run:
    """Everything one script run sent, from new_session to script_finished."""

    fragment_ids: list[str]
    messages: list[Received] = field(default_factory=list)
    status: int | None = None  # ForwardMsg.ScriptFinishedStatus; None if cut short

    @property
    def deltas(self) -> list[ForwardMsg]:
        return [r.msg for r in self.messages if r.kind == "delta"]

    def elements(self, kind: str | None = None):
        """New elements of the run, optionally only one kind ("text", "bidi_component")."""
        for delta in self.deltas:
            if delta.delta.WhichOneof("type") != "new_element":
                continue
            element = delta.delta.new_element
            if kind is None or element.WhichOneof("type") == kind:
                yield element

    def texts(self) -> list[str]:
        """Every string in the run's deltas (labels, bodies, keys, ids), in order."""
        found: list[str] = []
        for delta in self.deltas:
            _collect_strings(delta.delta, found)
        return found

    def contains(self, needle: str) -> bool:
        """True if any delta carries `needle` (a note's text, a widget key...)."""
        data = needle.encode("utf-8")
        return any(data in r.raw for r in self.messages if r.kind == "delta")


def _collect_strings(message, out: list[str]) -> None:
    for descriptor, value in message.ListFields():
        if descriptor.type == descriptor.TYPE_STRING:
            out.extend(value if _is_repeated(descriptor) else [value])
        elif descriptor.type == descriptor.TYPE_MESSAGE:
            if descriptor.message_type.GetOptions().map_entry:
                for key, item in value.items():
                    out.append(str(key))
                    if hasattr(item, "ListFields"):
                        _collect_strings(item, out)
                    else:
                        out.append(str(item))
            elif _is_repeated(descriptor):
                for item in value:
                    _collect_strings(item, out)
            else:
                _collect_strings(value, out)


def _is_repeated(descriptor) -> bool:
    # upb descriptors have `is_repeated` in newer protobuf; `label` in older.
    repeated = getattr(descriptor, "is_repeated", None)
    if repeated is not None:
        return bool(repeated)
    return descriptor.label == descriptor.LABEL_REPEATED


@dataclass
class _AutoRerun:
    interval: float
    due: float


@dataclass
class Counters:
    """What went wrong or happened on one connection, for the benchmark's tables."""

    frames: int = 0
    bytes: int = 0
    full_runs: int = 0  # new_session without fragment ids
    fragment_runs: int = 0
    # Runs that ended with FINISHED_EARLY_FOR_RERUN: a fragment that called
    # st.rerun(scope="app"), or a full run cut short by another rerun request.
    interrupted_full_runs: int = 0
    interrupted_fragment_runs: int = 0
    auto_rerun_ticks: int = 0  # rerun_script(is_auto_rerun) this client sent
    exceptions: list[str] = field(default_factory=list)  # st.exception / uncaught errors
    error_alerts: list[str] = field(default_factory=list)  # st.error(...) elements
    disconnected: str | None = None  # why the socket ended, if not closed by us
    # Seconds from new_session to script_finished, as this tab saw them (the
    # last RUN_HISTORY runs of each kind).
    full_run_seconds: deque = field(default_factory=lambda: deque(maxlen=RUN_HISTORY))
    fragment_run_seconds: deque = field(default_factory=lambda: deque(maxlen=RUN_HISTORY))


class StreamlitClient:
    """One browser tab's websocket: connect, rerun with widget states, listen.

    Thread use: one thread iterates `messages()` / `wait_for_run()` (which
    also sends the run_every ticks); another may call `rerun()` meanwhile, as
    sends are serialised. Widget states should be set before listening starts.
    """

    def __init__(self, base_url: str, query_string: str = "", *, name: str = ""):
        parsed = urlparse(base_url)
        self.base_url = base_url.rstrip("/")
        self.ws_url = f"ws://{parsed.netloc}{parsed.path.rstrip('/')}/_stcore/stream"
        self.query_string = query_string
        self.name = name or f"client-{next(_ids)}"
        self.page_script_hash = ""
        self.page_name = ""
        self.pages: dict[str, str] = {}  # url path -> page_script_hash, from navigation
        self.widget_states: dict[str, WidgetState] = {}
        self.script_running = False
        self.counters = Counters()
        self._auto_reruns: dict[str, _AutoRerun] = {}
        self._run_started: tuple[float, bool] | None = None  # (at, is_fragment run)
        self._ws: websocket.WebSocket | None = None
        self._closing = False
        self._send_lock = threading.Lock()

    # --- connection -----------------------------------------------------------

    def connect(self, timeout: float = 10.0) -> None:
        self._ws = websocket.create_connection(
            self.ws_url,
            subprotocols=["streamlit"],
            timeout=timeout,
            # Same-origin, as a tab served by this server would send.
            origin=self.base_url,
            enable_multithread=True,
        )
        self._ws.settimeout(SOCKET_TIMEOUT)

    def close(self) -> None:
        self._closing = True
        if self._ws is not None:
            try:
                self._ws.close(timeout=1)
            except Exception:  # noqa: BLE001 - closing a dead socket is fine
                pass

    @property
    def connected(self) -> bool:
        return self._ws is not None and self._ws.connected and self.counters.disconnected is None

    # --- sending ----------------------------------------------------------------

    def set_widget_json(self, widget_id: str, value) -> None:
        """Set a JSON-valued widget's state, as a v2 component's setStateValue does.

        A v2 (bidi) component's state is one widget (`value_type="json_value"`)
        whose value is the JSON of its whole state mapping, e.g. {"token": "..."}.
        """
        self.widget_states[widget_id] = WidgetState(id=widget_id, json_value=json.dumps(value))

    def rerun(self, *, fragment_id: str = "", is_auto_rerun: bool = False) -> None:
        """Send rerun_script with this tab's query string, page and all widget states."""
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        state.page_name = "" if self.page_script_hash else self.page_name
        state.widget_states.widgets.extend(self.widget_states.values())
        if fragment_id:
            state.fragment_id = fragment_id
        state.is_auto_rerun = is_auto_rerun
        context = state.context_info
        context.url = f"{self.base_url}/" + (f"?{self.query_string}" if self.query_string else "")
        context.timezone = "UTC"
        context.timezone_offset = 0
        context.locale = "en-US"
        context.is_embedded = False
        context.color_scheme = "light"
        self._send(msg)

    def _send(self, msg: BackMsg) -> None:
        if self._ws is None:
            raise ProtocolError("not connected")
        with self._send_lock:
            self._ws.send_binary(msg.SerializeToString())

    # --- receiving ----------------------------------------------------------------

    def messages(self, deadline: float, stop: threading.Event | None = None) -> Iterator[Received]:
        """Yield ForwardMsgs until `deadline` (time.monotonic()), `stop`, or disconnect.

        Between frames it sends the auto-rerun ticks that `st.fragment(run_every=...)`
        asked for, as the browser's timers would.
        """
        ws = self._ws
        if ws is None:
            raise ProtocolError("not connected")
        while self.counters.disconnected is None:
            now = time.monotonic()
            if now >= deadline or (stop is not None and stop.is_set()):
                return
            self._send_due_ticks(now)
            wake = min([deadline, now + 0.25, *(a.due for a in self._auto_reruns.values())])
            try:
                ready, _, _ = select.select([ws.sock], [], [], max(0.0, wake - now))
            except (OSError, ValueError, TypeError) as error:
                self._lost(f"select failed: {error!r}")
                return
            if not ready:
                continue
            try:
                opcode, frame = ws.recv_data_frame(control_frame=True)
            except websocket.WebSocketTimeoutException:
                self._lost(f"no complete frame within {SOCKET_TIMEOUT:.0f} s")
                return
            except (websocket.WebSocketException, OSError) as error:
                self._lost(f"{type(error).__name__}: {error}")
                return
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                self._lost("server closed the websocket")
                return
            if opcode != websocket.ABNF.OPCODE_BINARY:
                continue  # ping/pong (already answered by websocket-client)
            received = Received(time.monotonic(), ForwardMsg(), frame.data)
            received.msg.ParseFromString(frame.data)
            self._track(received)
            yield received

    def wait_for_run(self, deadline: float, *, full_only: bool = True) -> Run | None:
        """Collect the next run that finishes (a rerun interrupted by another is
        skipped); None if none finished by the deadline or the socket died."""
        run: Run | None = None
        for received in self.messages(deadline):
            kind = received.kind
            if kind == "new_session":
                fragment_ids = list(received.msg.metadata.run.fragment_ids)
                run = None if (full_only and fragment_ids) else Run(fragment_ids)
            elif run is not None:
                run.messages.append(received)
                if kind == "script_finished":
                    run.status = received.msg.script_finished
                    if run.status != _FINISHED.FINISHED_EARLY_FOR_RERUN:
                        return run
                    run = None
        return None

    def _track(self, received: Received) -> None:
        """Keep the state a browser tab keeps: page, running, timers, errors."""
        msg = received.msg
        kind = received.kind
        counters = self.counters
        counters.frames += 1
        counters.bytes += len(received.raw)
        if kind == "delta":
            if msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                element_kind = element.WhichOneof("type")
                if element_kind == "exception":
                    counters.exceptions.append(f"{element.exception.type}: {element.exception.message}")
                elif element_kind == "alert" and element.alert.format == Alert.ERROR:
                    counters.error_alerts.append(element.alert.body)
        elif kind == "new_session":
            self._run_started = (received.at, bool(msg.metadata.run.fragment_ids))
            if msg.metadata.run.fragment_ids:
                counters.fragment_runs += 1
            else:
                counters.full_runs += 1
                # A full run drops every run_every timer; the run re-registers
                # the ones that still exist.
                self._auto_reruns.clear()
            if msg.new_session.page_script_hash:
                self.page_script_hash = msg.new_session.page_script_hash
        elif kind == "page_info_changed":
            # st.query_params changed: the browser's address bar follows, and
            # so does the query string of every later rerun.
            self.query_string = msg.page_info_changed.query_string
        elif kind == "navigation":
            if msg.navigation.page_script_hash:
                self.page_script_hash = msg.navigation.page_script_hash
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
        elif kind == "session_status_changed":
            self.script_running = msg.session_status_changed.script_is_running
        elif kind == "script_finished":
            self.script_running = False
            if msg.script_finished == _FINISHED.FINISHED_EARLY_FOR_RERUN:
                if self._run_started is not None and self._run_started[1]:
                    counters.interrupted_fragment_runs += 1
                else:
                    counters.interrupted_full_runs += 1
            if self._run_started is not None and msg.script_finished in (
                _FINISHED.FINISHED_SUCCESSFULLY, _FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
            ):
                started, is_fragment = self._run_started
                runs = counters.fragment_run_seconds if is_fragment else counters.full_run_seconds
                runs.append(received.at - started)
            self._run_started = None
        elif kind == "auto_rerun":
            fragment_id = msg.auto_rerun.fragment_id
            interval = msg.auto_rerun.interval
            known = self._auto_reruns.get(fragment_id)
            if interval > 0 and (known is None or known.interval != interval):
                self._auto_reruns[fragment_id] = _AutoRerun(interval, received.at + interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self._auto_reruns.pop(fragment_id, None)
        elif kind == "session_event":
            event = msg.session_event
            if event.WhichOneof("type") == "script_compilation_exception":
                counters.exceptions.append(event.script_compilation_exception.message)

    @property
    def auto_rerun_intervals(self) -> dict[str, float]:
        """The run_every timers this tab runs now: fragment id ("" = page) -> seconds."""
        return {fid: a.interval for fid, a in self._auto_reruns.items()}

    def _send_due_ticks(self, now: float) -> None:
        for fragment_id, timer in list(self._auto_reruns.items()):
            if now < timer.due:
                continue
            # setInterval semantics: a late tick does not cause a burst of
            # catch-up ticks.
            timer.due = max(timer.due + timer.interval, now + timer.interval / 2)
            if not fragment_id and self.script_running:
                continue  # the browser holds a page tick while a run is active
            try:
                self.rerun(fragment_id=fragment_id, is_auto_rerun=True)
            except (websocket.WebSocketException, OSError) as error:
                self._lost(f"send failed: {error!r}")
                return
            self.counters.auto_rerun_ticks += 1

    def _lost(self, why: str) -> None:
        if self.counters.disconnected is None and not self._closing:
            self.counters.disconnected = why
        elif self._closing and self.counters.disconnected is None:
            self.counters.disconnected = ""  # closed by us: not a failure
