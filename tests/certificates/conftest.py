from tests.evaluation.conftest import after, api, make_event, participant, settings, site  # noqa: F401 - the same world
