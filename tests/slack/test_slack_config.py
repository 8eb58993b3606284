"""Settings from the environment, and `wardbot serve` refusing to start with one clear line."""
from __future__ import annotations

import pytest
from fake_slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack
from slack_harness import WardbotProcess, clean_env

from bot.slack.config import DEFAULT_API_URL, ConfigError, choose_mode, load_settings

HTTP_ENV = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
SOCKET_ENV = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": APP_TOKEN}


def test_mode_follows_the_app_token_unless_http_is_forced():
    assert choose_mode(SOCKET_ENV, force_http=False) == "socket"
    assert choose_mode(SOCKET_ENV, force_http=True) == "http"
    assert choose_mode(HTTP_ENV, force_http=False) == "http"
    assert choose_mode({"SLACK_APP_TOKEN": "  "}, force_http=False) == "http"


def test_http_settings():
    settings = load_settings(HTTP_ENV, "http")
    assert settings.bot_token == BOT_TOKEN and settings.signing_secret == SIGNING_SECRET
    assert settings.api_url == DEFAULT_API_URL


def test_socket_mode_needs_no_signing_secret():
    settings = load_settings(SOCKET_ENV, "socket")
    assert settings.app_token == APP_TOKEN and settings.signing_secret is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [("http://127.0.0.1:8080/api", "http://127.0.0.1:8080/api/"), ("https://proxy.nhs.example/slack/api/", "https://proxy.nhs.example/slack/api/")],
)
def test_api_url_gets_one_trailing_slash(url, expected):
    assert load_settings({**HTTP_ENV, "SLACK_API_URL": url}, "http").api_url == expected


@pytest.mark.parametrize(
    ("env", "mode", "named"),
    [
        ({}, "http", "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "http", "SLACK_BOT_TOKEN is malformed"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN + " "}, "http", "SLACK_BOT_TOKEN is malformed"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, "http", "SLACK_SIGNING_SECRET is not set"),
        ({**HTTP_ENV, "SLACK_SIGNING_SECRET": '"abc def"'}, "http", "SLACK_SIGNING_SECRET is malformed"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, "socket", "SLACK_APP_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": BOT_TOKEN}, "socket", "SLACK_APP_TOKEN is malformed"),
        ({**HTTP_ENV, "SLACK_API_URL": "proxy.example/api"}, "http", "SLACK_API_URL is malformed"),
        ({**HTTP_ENV, "SLACK_API_URL": "ftp://proxy.example/api"}, "http", "SLACK_API_URL is malformed"),
        ({**HTTP_ENV, "SLACK_API_URL": "http://[::1"}, "http", "SLACK_API_URL is malformed"),
    ],
)
def test_bad_settings_are_named_and_never_echoed(env, mode, named):
    with pytest.raises(ConfigError) as caught:
        load_settings(env, mode)
    message = str(caught.value)
    assert message.startswith(named) and "\n" not in message
    for value in env.values():
        assert value.strip() not in message


def test_settings_repr_hides_secrets():
    settings = load_settings({**SOCKET_ENV, "SLACK_SIGNING_SECRET": SIGNING_SECRET}, "socket")
    assert BOT_TOKEN not in repr(settings) and APP_TOKEN not in repr(settings)


@pytest.mark.parametrize(
    ("env", "args", "line"),
    [
        ({"SLACK_SIGNING_SECRET": SIGNING_SECRET}, ["--http"], "wardbot: SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxb-" + "ok" * 4, "SLACK_SIGNING_SECRET": "x y"}, ["--http"], "wardbot: SLACK_SIGNING_SECRET is malformed"),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xoxb-not-an-app-token"}, [], "wardbot: SLACK_APP_TOKEN is malformed"),
        ({**HTTP_ENV, "WARDBOT_AUDIT_DB": "/nonexistent-dir/sub/audit.sqlite3"}, ["--http"], "wardbot: WARDBOT_AUDIT_DB cannot be opened"),
    ],
    ids=["missing-bot-token", "bad-secret", "bad-app-token", "bad-audit-path"],
)
def test_serve_stops_with_one_line_naming_the_setting(env, args, line):
    process = WardbotProcess([*args, "--host", "127.0.0.1", "--port", "0"], clean_env(**env))
    assert process.wait_exit() == 2
    process.wait_for_line("^wardbot: ")
    assert process.lines == [process.lines[0]] and process.lines[0].startswith(line)
    for value in env.values():
        if len(value) > 4:
            assert value not in process.output()


def test_serve_stops_when_slack_rejects_the_token():
    fake = FakeSlack(bot_token="xoxb-the-only-valid-token").start()
    try:
        env = clean_env(**HTTP_ENV, SLACK_API_URL=fake.api_url)
        process = WardbotProcess(["--http", "--host", "127.0.0.1", "--port", "0"], env)
        assert process.wait_exit() == 2
        process.wait_for_line("wardbot: SLACK_BOT_TOKEN was rejected by Slack \\(invalid_auth\\)")
        assert BOT_TOKEN not in process.output()
    finally:
        fake.stop()
