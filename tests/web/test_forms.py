"""Forms as NL Design System advises, on every form page: a label above each field (before it, tied by `for`),
no placeholder as a label, required marked in the label's text, no disabled submit buttons, dates as native
inputs with their format in visible text."""

from __future__ import annotations

import re

from events.organisations import service as organisations
from tests.conftest import login
from tests.programme.helpers import make_event

INPUT = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.IGNORECASE)
ATTR = re.compile(r'([\w-]+)(?:="([^"]*)")?')


def fields(html: str):
    for match in INPUT.finditer(html):
        attrs = {name.lower(): value for name, value in ATTR.findall(match.group(2))}
        if attrs.get("type") not in {"hidden", "submit"}:
            yield match.start(), match.group(1).lower(), attrs


def check_form_page(html: str, path: str) -> int:
    assert "placeholder=" not in html, path
    assert not re.search(r"<button[^>]*\bdisabled\b", html), path
    checked = 0
    for position, _, attrs in fields(html):
        field_id = attrs.get("id")
        assert field_id, (path, attrs)
        label = re.search(rf'<label[^>]*\bfor="{re.escape(field_id)}"[^>]*>(.*?)</label>', html, re.DOTALL)
        assert label, (path, field_id)
        if attrs.get("type") not in {"checkbox", "radio"}:
            assert label.start() < position, (path, field_id)  # label above (before) the field
        if "required" in attrs:
            assert "(verplicht)" in label.group(1), (path, field_id)
        if attrs.get("type") in {"date", "datetime-local"}:
            described = attrs.get("aria-describedby", "")
            assert "bijvoorbeeld 20-01-2028" in html[label.end():position], (path, field_id, described)
        checked += 1
    return checked


async def test_every_form_page_follows_the_form_guidance(client, organiser):
    event = await make_event(organiser.id)
    slug = event["slug"]
    public = ["/login", f"/events/{slug}/register", "/quiz"]
    count = 0
    for path in public:
        answer = await client.get(path)
        assert answer.status_code == 200, path
        count += check_form_page(answer.text, path)
    await login(client, organiser.email)
    org = (await organisations.organisation_by_id(event["organisation"])).slug
    for path in (f"/organiser/organisations/{org}/settings", f"/organiser/organisations/{org}/team", "/organiser/new-event", f"/organiser/events/{slug}/edit", f"/organiser/events/{slug}/programme",
                 f"/organiser/events/{slug}/questions", f"/organiser/events/{slug}/materials",
                 f"/organiser/events/{slug}/quizzes", f"/organiser/events/{slug}/registrations",
                 "/organiser/resources/new", "/organiser/resources/import", "/organiser/tokens"):
        answer = await client.get(path)
        assert answer.status_code == 200, path
        count += check_form_page(answer.text, path)
    assert count > 30


def test_the_check_catches_a_placeholder_label_and_an_unmarked_required_field():
    import pytest

    with pytest.raises(AssertionError):
        check_form_page('<input id="a" name="a" placeholder="Naam">', "x")
    with pytest.raises(AssertionError):
        check_form_page('<label for="a">Naam</label><input id="a" name="a" required>', "x")
    with pytest.raises(AssertionError):
        check_form_page('<input id="a" name="a"><label for="a">Naam</label>', "x")
    with pytest.raises(AssertionError):
        check_form_page('<label for="a">Start</label><input id="a" name="a" type="datetime-local">', "x")
