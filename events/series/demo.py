"""The series part of the demo: the COT's series "COT-webinars integrale beveiliging" with its webinar in it, and
the next webinar of the series, duplicated from it four weeks later (which puts it in the series) and published. Idempotent: the series is
made once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from events.accounts import service as accounts
from events.programme import service as programme
from events.series import service
from events.series.tables import Series

SLUG = "cot-webinars-integrale-beveiliging"
WEBINAR = "webinar-integrale-veiligheid"
EDITOR = "organisator@cot.nl"


async def load(context: Any) -> None:
    user = await accounts.user_by_email(EDITOR)
    if user is None or await Series.exists().where(Series.slug == SLUG):
        context.report.append("series: nothing added")
        return
    webinar = await programme.event_for_organiser(WEBINAR, user)
    series = await service.create_series({
        "name": "COT-webinars integrale beveiliging",
        "description": "Elke maand een webinar van het COT over integrale beveiliging: de zes aspecten in de praktijk.",
    }, user, context.now, organisation="cot", slug=SLUG)
    base_url = context.settings.base_url
    await service.add_event(series, webinar, user, context.now, base_url)
    following = await programme.duplicate_event(
        webinar, {"starts_at": webinar["starts_at"] + timedelta(weeks=4), "title": "Webinar integrale veiligheid: de praktijk"},
        user, context.now,
    )
    await programme.change_status(following, "publish", context.now)  # the copy joined the series with it
    context.report.append(f"series: '{series['name']}' with two webinars (the second a copy of the first)")
