"""Typed rows that leave the evaluation service: a question of the form as pages and the API show it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from events.evaluation.tables import QuestionKind


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class QuestionRow:
    """One question: `id` is None for a default the organiser has not edited yet (it has only its `key`)."""

    id: int | None
    key: str
    position: int
    kind: QuestionKind
    text_nl: str
    text_en: str
    options_nl: list[str]
    options_en: list[str]
    required: bool

    def text(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text_nl

    def options(self, language: str) -> list[str]:
        """The choice's options in this language (the Dutch ones where the English list is not complete)."""
        if language == "en" and len(self.options_en) == len(self.options_nl):
            return self.options_en
        return self.options_nl

    @property
    def field(self) -> str:
        return f"q_{self.key}"

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> QuestionRow:
        return cls(
            id=row["id"], key=row["key"], position=row["position"], kind=QuestionKind(row["kind"]),
            text_nl=row["text_nl"], text_en=row["text_en"] or "", options_nl=_lines(row["options_nl"]),
            options_en=_lines(row["options_en"]), required=bool(row["required"]),
        )

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "key": self.key, "position": self.position, "kind": str(self.kind),
                "text_nl": self.text_nl, "text_en": self.text_en, "options_nl": self.options_nl,
                "options_en": self.options_en, "required": self.required}
