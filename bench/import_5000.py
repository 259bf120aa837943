"""How long a 5,000-row participant import takes (preview, then commit), on a fresh SQLite file or on the
PostgreSQL database named by EVENTS_DATABASE_URL (which must be empty: it is migrated).

    .venv/bin/python bench/import_5000.py [rows] [--mails]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from events.accounts import service as accounts
from events.kernel import database
from events.kernel.settings import parse_database_url
from events.organisations import service as organisations
from events.programme.tables import Event
from events.registration.service import ManageLinks


async def main(rows: int, mails: bool) -> None:
    from events.imports import service as imports  # noqa: PLC0415 - after the engine is bound

    url = os.environ.get("EVENTS_DATABASE_URL") or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = database.make_engine(parse_database_url(url))
    database.bind_engine(engine)
    await database.start(engine)
    await database.migrate(engine)
    now = datetime.now(UTC)
    owner = await accounts.create_user("bench@gemeente.nl", "organiser", password="correct horse battery")
    organisation = await organisations.create_organisation({"name": "Bench"}, now, slug="bench")
    await organisations.add_member(organisation.id, owner.id, "owner", now)
    event = Event(slug="bench", title="Bench", status="published", format="online", starts_at=now + timedelta(days=9),
                  ends_at=now + timedelta(days=9, hours=2), capacity=rows // 2, organiser=owner.id,
                  organisation=organisation.id, contact_email="bench@gemeente.nl", language="nl")
    await event.save()
    event_row = await Event.select().where(Event.id == event.id).first()
    content = ("naam;e-mail;organisatie\n" + "".join(
        f"Deelnemer {i};deelnemer{i}@gemeente.nl;Gemeente {i % 40}\n" for i in range(rows))).encode()
    links = ManageLinks(base_url="http://127.0.0.1:8000", secret_key="bench-secret-key-that-is-long-enough-0123")
    started = time.perf_counter()
    preview = await imports.preview(event_row, "bench.csv", content, mails, owner, now)
    previewed = time.perf_counter()
    result = await imports.commit(event_row, preview.id, links, owner, now)
    done = time.perf_counter()
    print(f"{rows} rows ({'with' if mails else 'without'} mails, {engine.__class__.__name__}): "
          f"preview {previewed - started:.2f} s, commit {done - previewed:.2f} s, total {done - started:.2f} s "
          f"({rows / (done - started):.0f} rows/s); "
          f"confirmed {result.get('confirmed', 0)}, waitlisted {result.get('waitlisted', 0)}, refused {len(result['refused'])}")
    await database.stop(engine)


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    asyncio.run(main(int(arguments[0]) if arguments else 5000, "--mails" in sys.argv))
