"""The certificate as a tagged PDF (fpdf2): a structure tree (H1, P, Figure with alternative text for the QR
code), /MarkInfo /Marked true, the document language (/Lang) and title, so a screen reader reads it in order and
in the right language. The text is in DejaVu Sans (shipped in fonts/), so every name prints.

fpdf2 tags images (their alt text) itself; for text this module opens marked-content sequences tied to structure
elements through fpdf2's structure tree builder (`_tagged`), which is why pyproject pins fpdf2 to 2.8."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import qrcode

if TYPE_CHECKING:
    from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"


@dataclass(frozen=True)
class CertificateText:
    """Everything the certificate says, already in its language."""

    language: str
    title: str  # "Bewijs van deelname"
    intro: str  # "Hierbij verklaren wij dat"
    name: str
    attended: str  # "heeft deelgenomen aan"
    event_title: str
    facts: list[tuple[str, str]]  # (label, value): date, duration, organisation
    code_label: str
    code: str
    verify_text: str  # "Controleer dit bewijs op …"
    verify_url: str
    qr_alt: str


@contextmanager
def _tagged(pdf: FPDF, tag: str) -> Iterator[None]:
    """Content written inside is one structure element of type `tag` (H1, P) of the document."""
    mcid = pdf.struct_builder.next_mcid_for_page(pdf.page)
    pdf._add_marked_content(struct_type=f"/{tag}", mcid=mcid)  # noqa: SLF001 - fpdf2 has no public API for tagging text
    pdf._out(f"/{tag} <</MCID {mcid}>> BDC")  # noqa: SLF001
    yield
    pdf._out("EMC")  # noqa: SLF001


def _paragraph(pdf: FPDF, text: str, size: int, bold: bool = False, tag: str = "P", space: float = 4) -> None:
    with _tagged(pdf, tag):
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(w=0, h=size * 0.5, text=text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(space)


def render(text: CertificateText) -> bytes:
    from fpdf import FPDF  # noqa: PLC0415 - a quarter second of imports (fonttools, PIL) that only a download needs

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_lang(text.language)
    pdf.set_title(f"{text.title}: {text.event_title}")
    pdf.set_subject(text.event_title)
    pdf.set_creator("events")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(21, 66, 115)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_y(28)
    _paragraph(pdf, text.title, 28, bold=True, tag="H1", space=8)
    _paragraph(pdf, text.intro, 14)
    _paragraph(pdf, text.name, 22, bold=True)
    _paragraph(pdf, text.attended, 14)
    _paragraph(pdf, text.event_title, 18, bold=True, space=8)
    for label, value in text.facts:
        _paragraph(pdf, f"{label}: {value}", 12, space=2)
    image = qrcode.make(text.verify_url, border=1, box_size=8).get_image()
    size = 34
    pdf.image(image, x=pdf.w - 20 - size - 6, y=pdf.h - 20 - size - 6, w=size, h=size, alt_text=text.qr_alt)
    pdf.set_y(pdf.h - 20 - 28)
    pdf.set_x(20)
    with _tagged(pdf, "P"):
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(w=pdf.w - 40 - size - 10, h=5, text=f"{text.code_label}: {text.code}\n{text.verify_text}\n{text.verify_url}",
                       new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
