"""The use cases of Levers: the one place where the rules about matches live.

Start with ``Services`` (``bot/services/app.py``); identities are ``Actor``s; errors to show
users are ``USER_ERRORS`` (``bot/services/errors.py``); announcements go through the outbox
(``bot/services/outbox.py``); deadlines through ``bot/services/timers.py``.
"""

from bot.services.app import Services
from bot.services.clock import Clock, ManualClock, system_clock
from bot.services.errors import USER_ERRORS, ServiceError
from bot.services.models import SYSTEM, Actor, RoundOutcome

__all__ = [
    "SYSTEM",
    "USER_ERRORS",
    "Actor",
    "Clock",
    "ManualClock",
    "RoundOutcome",
    "ServiceError",
    "Services",
    "system_clock",
]
