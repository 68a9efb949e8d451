"""The simulated clock: one ``simpy.Environment``, and the agenda of timed actions.

Time is float seconds from 0; nothing reads the wall clock. Actions due at the
same instant share one SimPy timeout (an agenda batch), so 10^5 pods starting
together cost one event, not 10^5. ``after_instant`` runs a callback once every
event of a more urgent priority at the current instant has fired: the
controllers' pass and the recorder's row are scheduled that way, which gives
the rule "pod transitions first, then controllers, then the row".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import simpy
import simpy.events

__all__ = ["CONTROLLER_PRIORITY", "RECORDER_PRIORITY", "Clock"]

#: SimPy priority of the controller pass: after every normal event of the same instant.
CONTROLLER_PRIORITY = simpy.events.EventPriority(2)
#: SimPy priority of the recorder: last of all, once the instant has settled.
RECORDER_PRIORITY = simpy.events.EventPriority(3)

Action = Callable[[Any], None]


class _Pass(simpy.events.Event):
    """Fires at the current instant after every event of a more urgent priority."""

    def __init__(self, env: simpy.Environment, priority: simpy.events.EventPriority) -> None:
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, priority)


class Clock:
    """What every part reads the time from and schedules on."""

    def __init__(self) -> None:
        self.env = simpy.Environment()
        self._agenda: dict[float, list[tuple[Action, Any]]] = {}

    @property
    def now(self) -> float:
        """Simulated seconds since the start."""
        return float(self.env.now)

    def at(self, delay: float, action: Action, arg: Any) -> None:
        """Run ``action(arg)`` ``delay`` seconds from now, batched with others at that instant."""
        when = self.env.now + delay
        batch = self._agenda.get(when)
        if batch is None:
            batch = self._agenda[when] = []
            self.env.timeout(delay).callbacks.append(self._fire)
        batch.append((action, arg))

    def _fire(self, _: simpy.events.Event) -> None:
        for action, arg in self._agenda.pop(self.env.now):
            action(arg)

    def after_instant(
        self, priority: simpy.events.EventPriority, callback: Callable[[], None]
    ) -> None:
        """Call ``callback`` at this instant, after every more urgent event of it."""
        event = _Pass(self.env, priority)
        event.callbacks.append(lambda _: callback())

    def next_event_time(self) -> float:
        """When the next scheduled event fires (``inf`` when nothing is scheduled)."""
        return float(self.env.peek())

    def run(self, until: float | None = None) -> None:
        """Advance to ``until`` (absolute seconds), processing every event at it;
        without ``until``, until nothing is left to happen."""
        if until is None:
            self.env.run()
            return
        if until > self.now:
            self.env.run(until=until)
        while self.env.peek() <= until:
            self.env.step()
