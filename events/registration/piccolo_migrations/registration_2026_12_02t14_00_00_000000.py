"""Registration's own audit log is folded into the audit trail (`audit_entry`): every row is copied, its action
prefixed "registrations." and given the organisation of its event, then `registration_audit_log` is dropped.
Backwards, the (empty) table comes back; the rows stay in the audit trail, where they now belong."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-02T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit_log_into_audit_trail"

COPY = """
INSERT INTO audit_entry (at, actor, actor_label, action, organisation_id, event_id, subject, detail)
SELECT log.at, log.actor, log.actor_label, 'registrations.' || log.action, event.organisation, log.event, '', log.detail
FROM registration_audit_log AS log LEFT JOIN programme_event AS event ON event.id = log.event
ORDER BY log.id
"""


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="registration", description=DESCRIPTION)

    async def copy():
        # Ask for the engine each time: a table class here would keep the first database it ever saw.
        await engine_finder().run_ddl(COPY)

    manager.add_raw(copy)  # raw steps run before the table is dropped
    manager.drop_table(class_name="AuditEntry", tablename="registration_audit_log")
    return manager
