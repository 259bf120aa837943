"""The attendees' follow-up mail carries the released materials (registrants' ones with a personal link that
works) and the event's resources from the library; the no-shows' mail carries neither."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from events.mail.tables import OutboxMessage
from events.registration import service as registration
from events.registration.service import Applicant, ManageLinks
from events.registration.tables import Registration
from events.resources import service as resources
from tests.conftest import NOW
from tests.materials.test_download import uploaded
from tests.resources.helpers import make_resource


async def test_attendees_get_the_materials_and_resources_no_shows_do_not(
    speaker_client, talk, event, client, settings, engine
):
    await uploaded(speaker_client, talk, "open-slides.pdf", release="now")
    await uploaded(speaker_client, talk, "deelnemers-slides.pdf", release="now", visibility="registrants")
    await uploaded(speaker_client, talk, "intern.pdf", release="now", visibility="organisers")
    scan = await make_resource("Weerbaarheidsscan", aspect="voorbereiding", kind="scan")
    await resources.attach_to_event(event["id"], scan.id, engine)
    links = ManageLinks.from_settings(settings)
    anna = await registration.register(event["slug"], Applicant("Anna", "anna@gemeente.nl"), NOW, links)
    await registration.register(event["slug"], Applicant("Bob", "bob@gemeente.nl"), NOW, links)
    await Registration.update({Registration.checked_in_at: event["starts_at"]}).where(Registration.id == anna.id)
    assert await registration.queue_due_followups(event["ends_at"] + timedelta(hours=2), links) == 2

    attended = await OutboxMessage.select().where(OutboxMessage.kind == "followup_attended").first()
    no_show = await OutboxMessage.select().where(OutboxMessage.kind == "followup_no_show").first()
    text = attended["text_body"]
    assert "Materiaal van de sessies" in text and "open-slides.pdf" in text and "deelnemers-slides.pdf" in text
    assert "intern.pdf" not in text
    assert "Weerbaarheidsscan" in text and "Verder lezen op het Platform weerbare overheid" in text
    personal = next(line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("- deelnemers-slides.pdf"))
    assert personal.startswith(f"{settings.base_url}/materials/") and "registration=" in personal
    parts = urlsplit(personal)
    download = await client.get(parts.path, params=dict(p.split("=", 1) for p in parts.query.split("&")))
    assert download.status_code == 200  # the personal link in the mail opens the registrants' file
    assert f'href="{settings.base_url}/materials/' in attended["html_body"]
    assert "open-slides.pdf" not in no_show["text_body"] and "Weerbaarheidsscan" not in no_show["text_body"]
