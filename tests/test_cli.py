"""The `events` command, run as a real process against a fresh SQLite file."""

import subprocess
import sys

import pytest


def run(tmp_path, *args, env_extra=None):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "EVENTS_DATA_DIR": str(tmp_path / "var"),
        "EVENTS_DATABASE_URL": f"sqlite:///{tmp_path}/cli.db",
        **(env_extra or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "events.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_migrate_user_and_token(tmp_path):
    assert run(tmp_path, "migrate").returncode == 0
    created = run(tmp_path, "user", "create", "--email", "Org@Gemeente.nl", "--password", "lang-genoeg-1", "--role", "organiser", "--name", "Org")
    assert created.returncode == 0, created.stderr
    assert "org@gemeente.nl" in created.stdout
    token = run(tmp_path, "token", "create", "--email", "org@gemeente.nl")
    assert token.returncode == 0, token.stderr
    value = token.stdout.strip().splitlines()[-1]
    assert len(value) >= 40 and " " not in value
    revoked = run(tmp_path, "token", "revoke", "--token", value)
    assert revoked.returncode == 0
    again = run(tmp_path, "token", "revoke", "--token", value)
    assert again.returncode == 2


def test_duplicate_user_is_a_usage_error(tmp_path):
    run(tmp_path, "migrate")
    args = ("user", "create", "--email", "a@b.nl", "--password", "lang-genoeg-1", "--role", "admin")
    assert run(tmp_path, *args).returncode == 0
    second = run(tmp_path, *args)
    assert second.returncode == 2 and "already exists" in second.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("user", "create", "--email", "a@b.nl", "--role", "wizard", "--password", "lang-genoeg-1"),
        ("user", "create", "--email", "a@b.nl", "--role", "organiser"),
        ("serve", "--port", "not-a-port"),
        ("serve", "--bogus"),
        ("token", "create"),
        ("token", "create", "--email", "nobody@b.nl"),
    ],
)
def test_bad_options_exit_2_with_usage(tmp_path, args):
    run(tmp_path, "migrate")
    result = run(tmp_path, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Usage" in result.stderr or "Error" in result.stderr


def test_malformed_setting_stops_with_one_line(tmp_path):
    result = run(tmp_path, "migrate", env_extra={"EVENTS_DATABASE_URL": "mysql://nope"})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "EVENTS_DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_demo_is_idempotent(tmp_path):
    first = run(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    second = run(tmp_path, "demo")
    assert second.returncode == 0, second.stderr
    assert "0 new users" in second.stdout


def test_organisations_and_their_members_from_the_command_line(tmp_path):
    assert run(tmp_path, "migrate").returncode == 0
    made = run(tmp_path, "organisation", "create", "--name", "Gemeente Gouda")
    assert made.returncode == 0 and "gemeente-gouda" in made.stdout, made.stderr
    editor = run(tmp_path, "user", "create", "--email", "r@gouda.nl", "--password", "lang-genoeg-1", "--role", "organiser",
                 "--organisation", "gemeente-gouda", "--org-role", "editor")
    assert editor.returncode == 0 and "member of gemeente-gouda as editor" in editor.stdout, editor.stderr
    # A new organiser without an organisation gets one of their own, as its owner.
    alone = run(tmp_path, "user", "create", "--email", "solo@example.nl", "--password", "lang-genoeg-1", "--role", "organiser", "--name", "Solo BV")
    assert alone.returncode == 0 and "member of solo-bv as owner" in alone.stdout, alone.stderr
    unknown = run(tmp_path, "user", "create", "--email", "x@y.nl", "--password", "lang-genoeg-1", "--role", "organiser", "--organisation", "nope")
    assert unknown.returncode == 2 and "no organisation" in unknown.stderr
    assert run(tmp_path, "user", "create", "--email", "x@y.nl", "--password", "lang-genoeg-1", "--role", "organiser").returncode == 0  # nothing half-made
    bad_role = run(tmp_path, "user", "create", "--email", "z@y.nl", "--password", "lang-genoeg-1", "--role", "organiser", "--org-role", "boss")
    assert bad_role.returncode == 2
