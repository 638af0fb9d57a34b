"""Signals sent by the application, built on blinker.

Subscribe with ``signal.connect(receiver, sender=app)``. Every signal is sent
with the application as the sender. The framework checks whether a signal has
receivers before building its arguments, so an unused signal costs nothing on
the request path.
"""

from __future__ import annotations

from blinker import Namespace as Namespace

#: Signals are always available: blinker is a hard dependency.
signals_available = True

_signals = Namespace()

#: Sent with ``template`` and ``context`` after a template was rendered.
template_rendered = _signals.signal("template-rendered")
#: Sent with ``template`` and ``context`` before a template is rendered.
before_render_template = _signals.signal("before-render-template")
#: Sent when the request context is set up, before any request processing.
request_started = _signals.signal("request-started")
#: Sent with ``response`` right before the response is handed to the server.
request_finished = _signals.signal("request-finished")
#: Sent with ``exception`` when an unhandled exception occurs in a request.
got_request_exception = _signals.signal("got-request-exception")
#: Sent with ``exc`` when the request context is torn down.
request_tearing_down = _signals.signal("request-tearing-down")
#: Sent with ``exc`` when the application context is torn down.
appcontext_tearing_down = _signals.signal("appcontext-tearing-down")
#: Sent when an application context is pushed.
appcontext_pushed = _signals.signal("appcontext-pushed")
#: Sent when an application context is popped.
appcontext_popped = _signals.signal("appcontext-popped")
#: Sent with ``message`` and ``category`` when a message is flashed.
message_flashed = _signals.signal("message-flashed")
