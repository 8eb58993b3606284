"""Slack text handling: markup flattened for the engine, engine text made inert for mrkdwn."""
from __future__ import annotations

import pytest

from bot.slack.text import ELLIPSIS, ZERO_WIDTH_SPACE, clean_event_text, clip, mrkdwn


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("<@U0WARDBOT> neut 0.4 on 10mg", "neut 0.4 on 10mg"),
        ("<@U0WARDBOT|wardbot> plt 25", "plt 25"),
        ("plt 25 <@U0WARDBOT> <@U0OTHER>", "plt 25"),
        ("<!channel> <!here> plt 25", "plt 25"),
        ("<!subteam^S123|@haem> plt 25", "plt 25"),
        ("plt &lt; 50 &amp; neut &gt; 1", "plt < 50 & neut > 1"),
        ("see <https://example.org/x|the protocol>", "see the protocol"),
        ("see <https://example.org/x>", "see https://example.org/x"),
        ("in <#C0123|haem-ward>", "in #haem-ward"),
        ("<!date^1392734382^{date}|Feb 18th, 2014>", "Feb 18th, 2014"),
        ("&amp;lt;", "&lt;"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_clean_event_text(slack, plain):
    assert clean_event_text(slack) == plain


def test_mrkdwn_escapes_and_breaks_pings():
    assert mrkdwn("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert mrkdwn("<!channel>") == "&lt;!channel&gt;"
    assert mrkdwn("@here @channel") == f"@{ZERO_WIDTH_SPACE}here @{ZERO_WIDTH_SPACE}channel"
    assert mrkdwn("`code` *bold*") == "`code` *bold*"


def test_clip_marks_the_cut_and_never_leaves_half_an_entity():
    assert clip("short", 10) == "short"
    assert clip("abcdefghij", 5) == "abcd" + ELLIPSIS
    clipped = clip("ab &amp; cd", 6)
    assert clipped == "ab " + ELLIPSIS and len(clipped) <= 6
