"""How the programme's pages name kinds, formats and statuses (msgids; templates translate them), and the
translation of a form's field errors."""

from __future__ import annotations

from events.kernel.i18n import N_
from events.programme.tables import EventFormat, EventKind, EventStatus, SessionKind

KIND_LABELS = {EventKind.CONFERENCE: N_("Conference"), EventKind.WEBINAR: N_("Webinar"), EventKind.FESTIVAL: N_("Festival")}
FORMAT_LABELS = {EventFormat.ONLINE: N_("Online"), EventFormat.ONSITE: N_("On location"), EventFormat.HYBRID: N_("Hybrid")}
STATUS_LABELS = {
    EventStatus.DRAFT: N_("Draft"), EventStatus.PUBLISHED: N_("Published"), EventStatus.CANCELLED: N_("Cancelled"),
}
SESSION_KIND_LABELS = {
    SessionKind.TALK: N_("Talk"), SessionKind.PANEL: N_("Panel"), SessionKind.WORKSHOP: N_("Workshop"),
    SessionKind.QUIZ: N_("Quiz"), SessionKind.BREAK: N_("Break"),
}
LABELS = {
    "kinds": KIND_LABELS, "formats": FORMAT_LABELS, "statuses": STATUS_LABELS, "session_kinds": SESSION_KIND_LABELS,
}
