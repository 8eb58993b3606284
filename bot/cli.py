"""The `wardbot` command: `ask` answers from the engine; `serve` runs the Slack app."""
from __future__ import annotations

import argparse
import os
import sys

USAGE_EXAMPLE = 'wardbot ask "plt 25 day 1 on 10mg CrCl 40"'


def _ask(args: argparse.Namespace) -> int:
    # Imported here so `wardbot serve` start-up and `--help` stay cheap, and so the ask
    # path never imports anything Slack-related.
    from functools import partial

    from .engine import answer
    from .protocol import load_protocol

    if args.protocol:
        try:
            answer = partial(answer, protocol=load_protocol(args.protocol))
        except (OSError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            print(f"wardbot: cannot use protocol file {args.protocol}: {exc}", file=sys.stderr)
            return 2
    if args.message == ["-"] and args.json:
        return _batch(answer)
    message = " ".join(args.message)
    result = answer(message)
    print(result.to_json() if args.json else result.text)
    return 0


def _batch(answer) -> int:
    """One JSON answer per stdin line, flushed per line; a bad line never stops the batch."""
    out = sys.stdout
    for raw in sys.stdin.buffer:
        line = raw.rstrip(b"\r\n").decode("utf-8", errors="replace")
        try:
            text = answer(line).to_json()
        except Exception:  # noqa: BLE001 - the batch must go on; the engine already guards itself
            from .engine import internal_error

            text = internal_error().to_json()
        out.write(text + "\n")
        out.flush()
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .slack.server import run

    return run(http=args.http, host=args.host, port=args.port)


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="wardbot", description="Lenalidomide maintenance ward dosing assistant.")
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="answer one message", description=f"Example: {USAGE_EXAMPLE}")
    ask.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    ask.add_argument("--protocol", metavar="FILE", help="a hospital protocol file (default: $WARDBOT_PROTOCOL or the packaged one)")
    ask.add_argument("message", nargs="+", help='the message, or "-" with --json to read one message per line')
    ask.set_defaults(func=_ask)

    serve = sub.add_parser("serve", help="run the Slack app (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)")
    serve.add_argument("--http", action="store_true", help="force HTTP mode even when SLACK_APP_TOKEN is set")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP bind address (default 0.0.0.0)")
    serve.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    serve.set_defaults(func=_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `wardbot` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        # The reader went away ("wardbot ask ... | head -3"): stop quietly, as other command-line tools do.
        # Python would report the pipe again when it flushes stdout at exit, so point stdout at nothing.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
