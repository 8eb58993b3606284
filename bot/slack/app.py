"""The Bolt app: one AsyncApp with wardbot's listeners and a Web API client that waits out rate limits."""
from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from .config import Settings
from .listeners import Listeners

# Two waits of Retry-After seconds each: enough for a burst limit, short enough to stay useful on a ward.
RATE_LIMIT_RETRIES = 2
API_TIMEOUT_SECONDS = 10


def build_client(settings: Settings) -> AsyncWebClient:
    """Web API client at SLACK_API_URL that retries a 429 after the Retry-After it was given."""
    client = AsyncWebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        timeout=API_TIMEOUT_SECONDS,
        logger=logging.getLogger("wardbot.slack_sdk"),
    )
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def build_app(settings: Settings, listeners: Listeners | None = None) -> AsyncApp:
    """The wardbot Bolt app for the configured mode (request signatures checked in HTTP mode)."""
    app = AsyncApp(
        client=build_client(settings),
        # Socket Mode has no inbound HTTP request to verify, so it needs no signing secret.
        signing_secret=settings.signing_secret or "",
        request_verification_enabled=settings.mode == "http",
        # Acknowledge the moment a listener returns rather than polling for ack() every 10 ms:
        # listeners build slash-command cards inline and push network work to background tasks.
        process_before_response=True,
        logger=logging.getLogger("wardbot.bolt"),
    )
    (listeners or Listeners()).register(app)
    return app
