"""Dutch writing: one term for one thing across pages, mails and invitations (issue 18), read from the Dutch
catalogue as the app compiles it, and from the templates, scripts and code that carry Dutch text of their own.

- registering is "aanmelden" (never "inschrijven" or "registreren"), and signing in is "inloggen", so the two
  never share a word;
- a session is a "sessie" (not "programmaonderdeel"), the viewer role a "lezer" (not "meelezer");
- e-mail is written "e-mail" (not "email", not "mail" on its own);
- forms: no placeholder stands in for a label, and no script disables a submit button (NL Design System).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from events.kernel.i18n import translations

ROOT = Path(__file__).resolve().parents[2]
# Dutch words that name the same thing as the chosen term, with the term to use instead.
MIXED = {
    r"inschrijv\w*|ingeschreven": "aanmelden",
    r"registre(er|ren|erde)\w*|registratie\w*|geregistreerd": "aanmelden",
    r"programmaonderde\w*": "sessie",
    r"meelezer\w*": "lezer",
    r"\bemails?\b": "e-mail",
    r"(?<!e-)\bmails?\b": "e-mail",
}
# Allowed where the word is no Dutch interface text: the demo accounts' addresses, %(email)s placeholders.
ALLOWED = re.compile(r"meelezer@|%\(email\)s|\{email\}|\bemail=", re.IGNORECASE)


def mixed_terms(text: str) -> list[str]:
    cleaned = ALLOWED.sub("", text)
    return [f"{found.group(0)!r} (use {term!r})" for pattern, term in MIXED.items()
            for found in re.finditer(pattern, cleaned, re.IGNORECASE)]


def dutch_catalogue() -> dict[str, str]:
    catalogue = translations("nl")._catalog  # the merged catalogue the app serves
    return {msgid: text for msgid, text in catalogue.items() if isinstance(msgid, str) and msgid and isinstance(text, str)}


def test_the_dutch_catalogue_uses_one_term_for_one_thing():
    found = {msgid: problems for msgid, text in dutch_catalogue().items() if (problems := mixed_terms(text))}
    assert found == {}


def test_signing_in_and_registering_never_share_a_word():
    for msgid, text in dutch_catalogue().items():
        about_signing_in = re.search(r"\bsign(ing|ed)? in\b|\blog ?in\b", msgid, re.IGNORECASE)
        if about_signing_in and not re.search(r"\bregist", msgid, re.IGNORECASE):
            assert "aanmeld" not in text.lower(), (msgid, text)
        if re.search(r"\bregist", msgid, re.IGNORECASE) and not re.search(r"\bsign", msgid, re.IGNORECASE):
            assert not re.search(r"inlog|ingelogd|log in", text, re.IGNORECASE), (msgid, text)


def _sources() -> list[Path]:
    files = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.txt"), *ROOT.glob("static/js/*.js")]
    return files + [path for path in ROOT.glob("events/**/*.py") if "piccolo_migrations" not in path.parts]


def test_templates_scripts_and_code_carry_no_mixed_dutch_terms():
    dutch_only = {r: t for r, t in MIXED.items() if "mail" not in r}  # English msgids say "mail" and "email"
    found = {}
    for path in _sources():
        text = ALLOWED.sub("", path.read_text(encoding="utf-8"))
        hits = [m.group(0) for pattern in dutch_only for m in re.finditer(pattern, text, re.IGNORECASE)]
        if hits:
            found[str(path.relative_to(ROOT))] = hits
    assert found == {}


def test_no_placeholder_stands_in_for_a_label_and_no_script_disables_a_submit_button():
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("static/js/*.js")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bplaceholder\s*=|\.placeholder\s*=|setAttribute\(\s*[\"']placeholder", text), path
        for variable in re.findall(r"var (\w+) = \w+\.querySelector\([\"'][^\"']*type=[\"']?submit", text):
            assert not re.search(rf"\b{variable}\.disabled\s*=\s*true", text), path
            assert not re.search(rf"{variable}\.setAttribute\(\s*[\"']disabled", text), path


@pytest.mark.parametrize("text, wanted", [
    ("Inschrijven voor dit evenement", "aanmelden"),
    ("U bent geregistreerd", "aanmelden"),
    ("Stuur een email", "e-mail"),
    ("Herinneringen per mail", "e-mail"),
    ("Nog geen programmaonderdelen", "sessie"),
])
def test_the_check_catches_mixed_terms(text, wanted):
    assert any(wanted in problem for problem in mixed_terms(text))
    assert mixed_terms("U bent aangemeld. We sturen een e-mail naar %(email)s; zie uw mailprogramma.") == []
