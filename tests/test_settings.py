import pytest

from events.kernel.settings import Settings, SettingsError


def test_defaults(tmp_path):
    settings = Settings.from_env({}, cwd=tmp_path)
    assert settings.database.is_sqlite
    assert settings.database.path == tmp_path / "var" / "events.db"
    assert settings.data_dir == tmp_path / "var"
    assert settings.default_language == "nl"
    assert settings.redis_url is None and settings.smtp_url is None
    assert settings.retention_days == 365 and settings.max_upload_mb == 50


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = Settings.from_env({}, cwd=tmp_path).secret_key
    second = Settings.from_env({}, cwd=tmp_path).secret_key
    assert first == second and len(first) >= 32
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o077 == 0


def test_postgres_url_is_parsed(tmp_path):
    settings = Settings.from_env({"EVENTS_DATABASE_URL": "postgres://app:s3cret@db.local:6543/events"}, cwd=tmp_path)
    assert settings.database.kind == "postgres"
    assert settings.database.postgres_config() == {
        "host": "db.local", "port": 6543, "user": "app", "database": "events", "password": "s3cret"
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("EVENTS_DATABASE_URL", "mysql://localhost/db"),
        ("EVENTS_DATABASE_URL", "postgres://localhost"),
        ("EVENTS_DATABASE_URL", "postgres://h:notaport/db"),
        ("EVENTS_REDIS_URL", "localhost:6379"),
        ("EVENTS_SMTP_URL", "mail.example.org"),
        ("EVENTS_BASE_URL", "ftp://example.org"),
        ("EVENTS_DEFAULT_LANGUAGE", "fr"),
        ("EVENTS_SECRET_KEY", "short"),
        ("EVENTS_RETENTION_DAYS", "a year"),
        ("EVENTS_RETENTION_DAYS", "0"),
        ("EVENTS_MAX_UPLOAD_MB", "-5"),
        ("EVENTS_DELIVER_IN_PROCESS", "perhaps"),
    ],
)
def test_malformed_value_names_the_variable(tmp_path, name, value):
    with pytest.raises(SettingsError) as info:
        Settings.from_env({name: value}, cwd=tmp_path)
    assert str(info.value).startswith(f"{name}:")
    assert "\n" not in str(info.value)


def test_private_targets_are_refused_unless_switched_on(tmp_path):
    assert Settings.from_env({}, cwd=tmp_path).allow_private_targets is False
    assert Settings.from_env({"EVENTS_ALLOW_PRIVATE_TARGETS": "true"}, cwd=tmp_path).allow_private_targets is True
