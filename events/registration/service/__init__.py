"""Registration rules, split by what people do: reading (`queries`), who may apply (`applicants`), registering
(`registering`), the waiting list (`waiting_list`), changes to one registration (`changes`), the questions editor
(`questions`), the export (`export`), reminders (`reminders`), the follow-up after the event (`followup`), retention (`retention`), the mails all of them
cause (`mails`), what programme changes cause (`event_changes`), the manage and join links (`links`) and the audit
trail (`audit`).

Every change that tells someone something writes its outbox message in the same transaction. Callers write
`from events.registration import service` and `service.<name>`.
"""

from events.registration.rows import Outcome, QuestionRow, RegistrationRow, decoded_answers
from events.registration.service.addresses import confirm_address, open_mail_link
from events.registration.service.applicants import (
    MAX_ANSWER_LENGTH,
    Applicant,
    registration_closed_reason,
    validate_applicant,
)
from events.registration.service.attendance import (
    attendance_csv,
    attendance_of,
    attended,
    is_preview,
    manage_view,
    session_attendance,
    use_join_link,
)
from events.registration.service.changes import (
    cancel_by_token,
    cancel_registration,
    decide,
    delete_registration,
    move_registration,
    set_checked_in,
)
from events.registration.service.event_changes import (
    TellRegistrants,
    keep_events_with_registrations,
    notify_event_cancelled,
    notify_event_changed,
    on_event_change,
)
from events.registration.service.export import export_csv, list_for_organiser
from events.registration.service.followup import (
    followup_counts,
    followup_due_at,
    followup_preview,
    queue_due_followups,
    send_followup_now,
)
from events.registration.service.links import ManageLinks, event_as_seen_by, join_url_for
from events.registration.service.mails import (
    KINDS_WITH_INVITATION,
    SUBJECTS,
    compose_registration_mail,
    queue_registration_mail,
    registration_mail_composer,
    send_feed_link,
)
from events.registration.service.organiser_actions import promote_registration, resend_manage_link
from events.registration.service.queries import (
    CHECKED_IN,
    has_registrations,
    move_targets,
    places_left,
    questions_of,
    registration_by_token,
    registration_of_event,
    registrations_of,
    status_counts,
    waitlist_position,
)
from events.registration.service.questions import (
    add_question,
    delete_question,
    move_question,
    update_question,
)
from events.registration.service.registering import (
    LINK_RESEND_INTERVAL,
    RENDER_INLINE_MAX,
    register,
    register_batch,
)
from events.registration.service.reminders import due_minutes, queue_due_reminders, reminder_preview
from events.registration.service.retention import purge
from events.registration.service.waiting_list import (
    FillRaisedCapacity,
    promote_from_waitlist,
    promote_where_places_free,
)

__all__ = [
    "CHECKED_IN",
    "KINDS_WITH_INVITATION",
    "LINK_RESEND_INTERVAL",
    "MAX_ANSWER_LENGTH",
    "RENDER_INLINE_MAX",
    "SUBJECTS",
    "Applicant",
    "FillRaisedCapacity",
    "ManageLinks",
    "Outcome",
    "QuestionRow",
    "RegistrationRow",
    "TellRegistrants",
    "add_question",
    "cancel_by_token",
    "cancel_registration",
    "compose_registration_mail",
    "confirm_address",
    "open_mail_link",
    "decide",
    "decoded_answers",
    "delete_question",
    "delete_registration",
    "event_as_seen_by",
    "attendance_csv",
    "attendance_of",
    "attended",
    "is_preview",
    "manage_view",
    "session_attendance",
    "use_join_link",
    "export_csv",
    "list_for_organiser",
    "has_registrations",
    "join_url_for",
    "keep_events_with_registrations",
    "move_question",
    "move_registration",
    "move_targets",
    "notify_event_cancelled",
    "notify_event_changed",
    "on_event_change",
    "places_left",
    "promote_from_waitlist",
    "promote_where_places_free",
    "promote_registration",
    "resend_manage_link",
    "purge",
    "due_minutes",
    "followup_counts",
    "followup_due_at",
    "followup_preview",
    "queue_due_followups",
    "send_followup_now",
    "queue_due_reminders",
    "reminder_preview",
    "queue_registration_mail",
    "questions_of",
    "register",
    "register_batch",
    "registration_by_token",
    "registration_closed_reason",
    "registration_mail_composer",
    "send_feed_link",
    "registration_of_event",
    "registrations_of",
    "set_checked_in",
    "status_counts",
    "update_question",
    "validate_applicant",
    "waitlist_position",
]
