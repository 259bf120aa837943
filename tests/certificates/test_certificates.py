"""Certificates of attendance: 404 until the participant attended; the PDF's text (two readers: pypdf and
pdftotext), its tagging (structure tree, /MarkInfo /Marked, /Lang) in the event's language; the public check of a
genuine and of a forged code, showing initials only; the links on the manage page."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace

import pytest
from pypdf import PdfReader

from events.certificates import codes
from events.registration.tables import Registration
from tests.conftest import SECRET, http_client


def pdf_text(body: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def poppler_text(body: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(body)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


async def test_no_certificate_before_attendance(client, make_event, participant):
    event = await make_event()
    row, token = await participant(event, attended=False)
    response = await client.get(f"/registrations/{token}/certificate.pdf")
    assert response.status_code == 404 and "application/pdf" not in response.headers.get("content-type", "")
    assert "Download het bewijs" not in (await client.get(f"/registrations/{token}")).text
    assert (await client.get("/registrations/nonsense/certificate.pdf")).status_code == 404
    await Registration.update({Registration.checked_in_at: event["starts_at"]}).where(Registration.id == row["id"])
    assert (await client.get(f"/registrations/{token}/certificate.pdf")).status_code == 200  # onsite check-in counts


async def test_the_pdf_says_who_attended_what_when_and_how_long_and_is_tagged_in_dutch(client, make_event, participant, tmp_path):
    event = await make_event(title="Weerbare organisatie: crisisoefening")
    row, token = await participant(event, name="Łukasz Çelik-de Vries")  # joined 10 minutes after the start
    response = await client.get(f"/registrations/{token}/certificate.pdf")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/pdf")
    assert response.headers["cache-control"] == "no-store"
    code = codes.code_for(row["id"], SECRET)
    for text in (pdf_text(response.content), poppler_text(response.content, tmp_path)):
        flat = " ".join(text.split())
        assert "Bewijs van deelname" in flat and "Łukasz Çelik-de Vries" in flat
        assert "Weerbare organisatie: crisisoefening" in flat and "1 uur en 50 minuten" in flat
        assert "11 november 2026" in flat and "Controlecode" in flat and code in flat
        assert f"http://testserver.local/certificates/{code}" in flat
        assert not re.search(r"\d{1,2}[.:]\d{2}[.:]\d{2}", flat)  # no seconds
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl" and bool(root["/MarkInfo"]["/Marked"])
    tree = root["/StructTreeRoot"].get_object()
    document = tree["/K"][0].get_object()
    kinds = [kid.get_object()["/S"] for kid in document["/K"]]
    assert kinds[0] == "/H1" and "/P" in kinds and "/Figure" in kinds
    figure = next(kid.get_object() for kid in document["/K"] if kid.get_object()["/S"] == "/Figure")
    assert "QR-code" in figure["/Alt"]


async def test_an_english_event_gets_an_english_certificate(client, make_event, participant):
    event = await make_event(language="en")
    _, token = await participant(event)
    body = (await client.get(f"/registrations/{token}/certificate.pdf")).content
    text = " ".join(pdf_text(body).split())
    assert "Certificate of attendance" in text and "1 hour and 50 minutes" in text and "11 November 2026" in text
    assert PdfReader(io.BytesIO(body)).trailer["/Root"]["/Lang"] == "en"


async def test_a_genuine_code_shows_initials_event_and_date_and_nothing_more(client, make_event, participant):
    event = await make_event(title="Integrale veiligheid")
    row, _ = await participant(event, name="Anna de Vries", email="anna.devries@gemeente.nl")
    code = codes.code_for(row["id"], SECRET)
    page = await client.get(f"/certificates/{code}")
    assert page.status_code == 200 and "Dit bewijs van deelname is echt" in page.text
    assert "A. d. V." in page.text and "Integrale veiligheid" in page.text and "11 november 2026" in page.text
    assert "Anna" not in page.text and "Vries" not in page.text and "anna.devries" not in page.text
    assert page.headers["cache-control"] == "no-store"
    typed = await client.get(f"/certificates?code={code.lower().replace('-', ' ')}")
    assert typed.status_code == 303
    assert (await client.get(typed.headers["location"])).status_code == 200  # typed from paper, in lower case
    english = await client.get(f"/certificates/{code}?lang=en")
    assert "This certificate of attendance is genuine" in english.text and "11 November 2026" in english.text


async def test_a_forged_or_unknown_code_is_a_clear_404(client, make_event, participant, settings):
    event = await make_event()
    row, _ = await participant(event)
    _, absent = await participant(event, name="Bob", email="bob@gemeente.nl", attended=False)
    genuine = codes.code_for(row["id"], SECRET)
    absent_row = await Registration.select().where(Registration.email == "bob@gemeente.nl").first()
    forged = [
        genuine[:-1] + ("A" if genuine[-1] != "A" else "B"),  # one character changed
        f"C{absent_row['id']}-" + genuine.split("-", 1)[1],  # another registration's number with this MAC
        codes.code_for(absent_row["id"], SECRET),  # genuine MAC, but Bob never attended
        codes.code_for(row["id"], "another-secret-key-of-at-least-32-characters"),
        "C1-AAAAA-AAAAA-AAAAA-AAAAA", "nonsense", "C" + "9" * 12 + "-" + "A" * 20,
    ]
    for code in forged:
        page = await client.get(f"/certificates/{code}")
        assert page.status_code == 404, code
        assert "Dit bewijs kennen we niet" in page.text and "niet echt" in page.text
        assert event["title"] not in page.text
    english = await client.get(f"/certificates/{forged[0]}?lang=en")
    assert english.status_code == 404 and "We do not know this certificate" in english.text


async def test_checking_codes_is_rate_limited(app, settings, make_event, participant):
    from events.app import create_app  # noqa: PLC0415 - an app of its own, with the limit switched on

    limited = create_app(replace(settings, rate_limits={"certificate": (3, 60)}), clock=app.state.clock)
    async with http_client(limited) as client:
        statuses = [(await client.get(f"/certificates/C1-{'A' * 20}")).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]


async def test_the_manage_page_links_the_certificate_once_attended(client, make_event, participant, after):
    event = await make_event()
    _, token = await participant(event)
    assert "certificate.pdf" not in (await client.get(f"/registrations/{token}")).text  # before the event's start
    after(event)
    page = await client.get(f"/registrations/{token}")
    assert f'href="/registrations/{token}/certificate.pdf"' in page.text


def test_codes_are_unguessable_and_verifiable():
    code = codes.code_for(42, SECRET)
    assert re.fullmatch(r"C42-[A-Z2-7]{5}(-[A-Z2-7]{5}){3}", code)
    assert codes.registration_id_of(code, SECRET) == 42
    assert codes.registration_id_of(code.lower().replace("-", ""), SECRET) is None  # the id's dash is needed
    assert codes.registration_id_of(" " + code.lower() + " ", SECRET) == 42
    assert codes.registration_id_of(code, SECRET + "x") is None
    assert codes.code_for(43, SECRET).split("-", 1)[1] != code.split("-", 1)[1]
