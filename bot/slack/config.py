"""Slack settings from the environment, checked once at start-up so a bad setting fails loudly and early."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_API_URL = "https://slack.com/api/"

Mode = Literal["http", "socket"]

_BOT_TOKEN = re.compile(r"xoxb-[A-Za-z0-9-]+")
_APP_TOKEN = re.compile(r"xapp-[A-Za-z0-9-]+")
# Slack issues 32 hex characters; accept any run of word characters so a rotated or proxy-issued
# secret of another length still works, while whitespace and quotes from a bad .env are caught.
_SECRET = re.compile(r"[A-Za-z0-9_-]{8,}")


class ConfigError(Exception):
    """A missing or malformed setting; the message is one line, names the setting and never shows its value."""


class Settings(BaseModel):
    """Everything the Slack layer needs to start; secrets are hidden from repr."""

    model_config = ConfigDict(frozen=True)

    mode: Mode
    bot_token: str = Field(repr=False)
    signing_secret: str | None = Field(default=None, repr=False)
    app_token: str | None = Field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL


def choose_mode(env: Mapping[str, str], force_http: bool) -> Mode:
    """Socket Mode when an app-level token is configured and HTTP is not forced."""
    return "http" if force_http or not env.get("SLACK_APP_TOKEN", "").strip() else "socket"


def load_settings(env: Mapping[str, str], mode: Mode) -> Settings:
    """Read and check the settings the given mode needs; raise ConfigError naming the first bad one."""
    bot_token = _required(env, "SLACK_BOT_TOKEN", _BOT_TOKEN, "a bot token starting with xoxb-")
    api_url = _api_url(env)
    if mode == "socket":
        # Socket Mode receives nothing over HTTP, so there is no request to verify and no secret needed.
        app_token = _required(env, "SLACK_APP_TOKEN", _APP_TOKEN, "an app-level token starting with xapp-")
        return Settings(mode=mode, bot_token=bot_token, app_token=app_token, api_url=api_url)
    secret = _required(env, "SLACK_SIGNING_SECRET", _SECRET, "the app's signing secret from Basic Information")
    return Settings(mode=mode, bot_token=bot_token, signing_secret=secret, api_url=api_url)


def _required(env: Mapping[str, str], name: str, shape: re.Pattern[str], expected: str) -> str:
    value = env.get(name, "")
    if not value.strip():
        raise ConfigError(f"{name} is not set (expected {expected})")
    if not shape.fullmatch(value):
        raise ConfigError(f"{name} is malformed (expected {expected})")
    return value


def _api_url(env: Mapping[str, str]) -> str:
    raw = env.get("SLACK_API_URL", "").strip()
    if not raw:
        return DEFAULT_API_URL
    malformed = ConfigError("SLACK_API_URL is malformed (expected an http(s) base URL such as https://slack.com/api/)")
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - parsing the port is what validates it
    except ValueError:
        raise malformed from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise malformed
    # The SDK joins method names onto the base URL, so it must end in exactly one slash.
    return raw.rstrip("/") + "/"
