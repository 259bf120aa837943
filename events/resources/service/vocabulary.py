"""The library's vocabulary: the six aspects with their explanations, the kinds and languages of a resource, and
the limits of what a resource may hold."""

from __future__ import annotations

from events.kernel.i18n import N_
from events.resources.tables import Aspect, ResourceKind

# In the platform's order, each with a one-sentence explanation.
ASPECTS: dict[Aspect, tuple[str, str]] = {
    Aspect.FYSIEKE_BEVEILIGING: (
        N_("Physical security"),
        N_("Protecting buildings, people and property against intrusion, theft, vandalism and violence."),
    ),
    Aspect.INFORMATIEBEVEILIGING: (
        N_("Information security"),
        N_("Keeping information and systems available, intact and confidential, from phishing to ransomware."),
    ),
    Aspect.PERSONELE_BEVEILIGING: (
        N_("Personnel security"),
        N_("Making sure the people who work for the organisation are reliable, and stay so."),
    ),
    Aspect.CONTINUITEIT: (
        N_("Continuity"),
        N_("Keeping vital processes running during and after a disruption or crisis."),
    ),
    Aspect.VOORBEREIDING: (
        N_("Preparedness"),
        N_("Planning, training and exercising so the organisation knows what to do when it counts."),
    ),
    Aspect.BEWUSTZIJN: (
        N_("Awareness"),
        N_("Helping everyone in the organisation recognise risks and act on them in daily work."),
    ),
}
KINDS: dict[ResourceKind, str] = {
    ResourceKind.STORY: N_("Story"),
    ResourceKind.GUIDE: N_("Guide"),
    ResourceKind.TOOL: N_("Tool"),
    ResourceKind.RECORDING: N_("Recording"),
    ResourceKind.SCAN: N_("Scan"),
}
LANGUAGES: dict[str, str] = {"nl": N_("Dutch"), "en": N_("English")}
ALLOWED_SCHEMES = ("http", "https")
MAX_TITLE = 200
MAX_SUMMARY = 2000
MAX_URL = 2000
MAX_TAGS = 20
MAX_IMPORT_ROWS = 5000
# What a person, a form or an imported file may give of a resource.
FIELDS = ("title", "url", "summary", "aspect", "kind", "language", "tags")
