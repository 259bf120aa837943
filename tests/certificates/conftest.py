from tests.evaluation.conftest import after, make_event, participant, settings, site  # noqa: F401 - the same world
