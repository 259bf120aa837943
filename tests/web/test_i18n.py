"""Every message in the interface has a Dutch translation (Dutch is the default language)."""

from pathlib import Path

from babel.messages.extract import extract_from_dir

from events.kernel.i18n import translations

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
METHOD_MAP = [("events/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]


def extracted_messages():
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHOD_MAP, keywords=KEYWORDS, options_map={"templates/**": {"trimmed": "true"}}
    ):
        # ngettext's (singular, plural): the catalogue keys both forms by the singular, as (singular, n)
        text = message[0] if isinstance(message, tuple) else message
        if text:
            yield filename, lineno, text


def test_every_message_has_a_dutch_translation():
    # msgid -> msgstr of every merged .po file; plural forms are keyed (msgid, n) and (msgid_plural, n) is not
    catalog = translations("nl")._catalog
    catalog = {**catalog, **{(plural, n): value for (key, n), value in
               [(k, v) for k, v in catalog.items() if isinstance(k, tuple)] for plural in [key]}}
    missing = sorted(
        {f"{filename}:{lineno}: {text!r}" for filename, lineno, text in extracted_messages() if not (catalog.get(text) or catalog.get((text, 0)))}
    )
    assert not missing, "add these to locale/nl/LC_MESSAGES/<domain>.po:\n" + "\n".join(missing)


def test_messages_are_found():
    texts = {text for _f, _l, text in extracted_messages()}
    assert "Skip to content" in texts and "Page not found" in texts
