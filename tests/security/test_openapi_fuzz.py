"""Hostile input: schemathesis throws generated requests at every operation of /schema/openapi.json on the real
server, with an organiser's API token: no 5xx, and every answer matches the schema the app publishes."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import httpx

# Bounded so the whole run stays around a minute or two; raise locally with EVENTS_FUZZ_EXAMPLES=200.
MAX_EXAMPLES = int(os.environ.get("EVENTS_FUZZ_EXAMPLES", "12"))


def _seed(url: str, token: str) -> None:
    """A published event with a session, so list answers carry real rows to validate."""
    headers = {"Authorization": f"Bearer {token}"}
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)  # the live server keeps real time
    with httpx.Client(base_url=url, headers=headers, timeout=10) as client:
        event = client.post("/api/events", json={
            "title": "Webinar integrale veiligheid", "kind": "webinar", "format": "online",
            "join_url": "https://meet.example.org/webinar",
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=2)).isoformat(),
        })
        assert event.status_code == 201, event.text
        slug = event.json()["slug"]
        session = client.post(f"/api/events/{slug}/sessions", json={
            "title": "Opening", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(),
        })
        assert session.status_code == 201, session.text
        assert client.post(f"/api/events/{slug}/publish").status_code == 200
    registered = httpx.post(f"{url}/api/events/{slug}/registrations", timeout=10,
                            json={"name": "Deelnemer", "email": "deelnemer@gemeente.nl"})
    assert registered.status_code == 201, registered.text


def test_every_operation_survives_generated_input(live_server, organiser_token):
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.openapi.checks import JsonSchemaError  # noqa: F401 - the failure type of the check below
    from schemathesis.specs.openapi.checks import response_schema_conformance

    _seed(live_server.url, organiser_token)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/schema/openapi.json")
    headers = {"Authorization": f"Bearer {organiser_token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    # Revoking tokens last: a generated id may well be ours.
    operations.sort(key=lambda op: op.method.upper() == "DELETE" and "/tokens" in op.path)
    assert len(operations) >= 20, "the OpenAPI document lost its operations"

    failures: list[str] = []
    for operation in operations:

        @settings(
            max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            case.call_and_validate(
                base_url=live_server.url, headers=headers, timeout=10,
                checks=[not_a_server_error, response_schema_conformance],
            )

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect every operation's failure
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1200]}")
    assert not failures, f"{len(failures)} operation(s) failed:\n\n" + "\n\n".join(failures)
