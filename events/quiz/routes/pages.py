"""What the quiz's HTML pages share: the forms they post, field errors in the visitor's language, and the header
that keeps live screens and personal answers out of caches."""

from __future__ import annotations

from msgspec import Struct

from events.quiz import service
from events.quiz.rows import QuestionRow
from events.quiz.tables import QuestionKind

NO_STORE = {"Cache-Control": "no-store"}
OPTION_FIELDS = range(1, 7)


class QuizForm(Struct):
    title: str = ""
    session: str = ""
    accuracy_only: str = ""

    def session_id(self) -> int | None:
        return int(self.session) if self.session.strip().isdigit() else None


class ImportForm(Struct):
    quiz_json: str = ""


class MoveForm(Struct):
    direction: str = "down"


class JoinForm(Struct):
    code: str = ""
    nickname: str = ""


class QuestionForm(Struct):
    kind: str = QuestionKind.SINGLE
    text: str = ""
    time_limit_s: str = "20"
    points: str = "1000"
    truefalse: str = "true"
    learn_more_url: str = ""
    learn_more_title: str = ""
    resource: str = ""
    option_1: str = ""
    option_2: str = ""
    option_3: str = ""
    option_4: str = ""
    option_5: str = ""
    option_6: str = ""
    correct_1: str = ""
    correct_2: str = ""
    correct_3: str = ""
    correct_4: str = ""
    correct_5: str = ""
    correct_6: str = ""

    def question_input(self) -> service.QuestionInput:
        if self.kind == QuestionKind.TRUEFALSE:
            options = [("true" if self.truefalse == "true" else "false", True)]
        else:
            options = [(getattr(self, f"option_{i}"), bool(getattr(self, f"correct_{i}"))) for i in OPTION_FIELDS]
        return service.QuestionInput(
            kind=self.kind,
            text=self.text,
            time_limit_s=self.time_limit_s,
            points=self.points,
            options=options,
            learn_more_url=self.learn_more_url,
            learn_more_title=self.learn_more_title,
            resource_id=int(self.resource) if self.resource.strip().isdigit() else None,
        )


def question_form_values(question: QuestionRow) -> dict[str, object]:
    """A stored question as its edit form shows it."""
    form: dict[str, object] = {
        "kind": question.kind, "text": question.text, "time_limit_s": question.time_limit_s, "points": question.points,
        "learn_more_url": question.learn_more_url, "learn_more_title": question.learn_more_title,
        "resource": question.resource or "",
    }
    for i, option in enumerate(question.options, start=1):
        form[f"option_{i}"] = option.text
        form[f"correct_{i}"] = "on" if option.correct else ""
    if question.kind == QuestionKind.TRUEFALSE:
        form["truefalse"] = "true" if question.options and question.options[0].correct else "false"
    return form
