"""Audit store: one row per answer given, with the outcome and never the question or who asked in the clear.

Rows hold the UTC time, the surface, a salted SHA-256 of the Slack user id, and the answer's status,
action, dose, flags, citations and protocol. Message text and the engine's `understood` facts are never
written. Hashing, serialising and writing happen on one background thread, so recording costs the
caller a queue put and never delays an acknowledgement to Slack.
"""
from __future__ import annotations

import hashlib
import json
import logging
import queue
import secrets
import sqlite3
import threading
import time
from collections.abc import Mapping
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .answer import Answer

ENV_VAR = "WARDBOT_AUDIT_DB"
Surface = Literal["slash", "mention", "dm", "shortcut", "share", "button"]

log = logging.getLogger("wardbot.audit")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    surface TEXT NOT NULL,
    user_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    action TEXT,
    dose TEXT,
    flags TEXT NOT NULL,
    citations TEXT NOT NULL,
    protocol_name TEXT NOT NULL,
    protocol_version TEXT NOT NULL
);
"""
_COLUMNS = (
    "at",
    "surface",
    "user_hash",
    "status",
    "action",
    "dose",
    "flags",
    "citations",
    "protocol_name",
    "protocol_version",
)
_BATCH = 256
_WINDOW_S = 0.25
_STOP = object()


class AuditError(Exception):
    """The audit database cannot be opened; the message names WARDBOT_AUDIT_DB."""


class AuditEntry(BaseModel):
    """One audited answer, exactly the fields the store keeps."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: str
    surface: Surface
    user_hash: str
    status: str
    action: str | None
    dose: str | None
    flags: tuple[str, ...]
    citations: tuple[str, ...]
    protocol_name: str
    protocol_version: str


class NullAudit:
    """The store when auditing is off: accepts records and keeps nothing."""

    enabled = False

    def record(self, answer: Answer, *, surface: Surface, user_id: str) -> None:
        """Do nothing."""

    def flush(self, timeout: float = 5.0) -> bool:
        """Nothing to flush."""
        return True

    def close(self) -> None:
        """Nothing to close."""


class AuditStore:
    """The sqlite audit store; `record` only queues, a single writer thread commits in batches."""

    enabled = True

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            with closing(_connect(self.path)) as db, db:
                db.executescript(_SCHEMA)
                self._salt = _salt(db)
        except (sqlite3.Error, OSError) as error:
            raise AuditError(f"{ENV_VAR} cannot be opened as an sqlite database ({type(error).__name__})") from None
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._pending = 0
        self._idle = threading.Condition()
        self._writer = threading.Thread(target=self._write_forever, name="wardbot-audit", daemon=True)
        self._writer.start()

    def record(self, answer: Answer, *, surface: Surface, user_id: str) -> None:
        """Queue one answer for the audit trail; never blocks on the disk and never raises."""
        # Only the timestamp is taken here; hashing and serialising happen on the writer thread.
        with self._idle:
            self._pending += 1
        self._queue.put((datetime.now(timezone.utc), answer, surface, user_id))

    def user_hash(self, user_id: str) -> str:
        """SHA-256 of the Slack user id with this install's salt (hex)."""
        return hashlib.sha256(self._salt + b"\x00" + user_id.encode("utf-8")).hexdigest()

    def entries(self) -> list[AuditEntry]:
        """Every row, oldest first (for inspection and tests)."""
        with closing(_connect(self.path)) as db:
            rows = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM answers ORDER BY id").fetchall()
        return [_entry(row) for row in rows]

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued record is committed; False if that took longer than `timeout` seconds."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    def close(self) -> None:
        """Commit what is queued and stop the writer."""
        self._queue.put(_STOP)
        self._writer.join(timeout=10)

    def _write_forever(self) -> None:
        try:
            db: sqlite3.Connection | None = _connect(self.path)
        except sqlite3.Error as error:
            # Keep draining so flush() returns and records are dropped loudly rather than piling up.
            log.error("audit database unavailable error=%s", type(error).__name__)
            db = None
        try:
            while True:
                batch = [self._queue.get()]
                # Gather for a moment before committing: under load that is one commit for many
                # answers instead of one each, and the writer's share of the GIL stays small.
                deadline = time.monotonic() + _WINDOW_S
                while len(batch) < _BATCH and batch[-1] is not _STOP:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    try:
                        batch.append(self._queue.get(timeout=remaining))
                    except queue.Empty:
                        break
                stop = any(item is _STOP for item in batch)
                self._commit(db, [item for item in batch if item is not _STOP])
                if stop:
                    return
        finally:
            if db is not None:
                db.close()

    def _commit(self, db: sqlite3.Connection | None, items: list[object]) -> None:
        rows = []
        for item in items:
            try:
                rows.append(self._row(*item))  # type: ignore[misc]
            except Exception as error:  # noqa: BLE001 - one odd answer must not lose the batch
                log.error("audit record dropped error=%s", type(error).__name__)
        try:
            if db is None:
                raise sqlite3.OperationalError("no audit database")
            with db:
                db.executemany(
                    f"INSERT INTO answers ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                    rows,
                )
        except sqlite3.Error as error:
            log.error("audit write failed rows=%d error=%s", len(rows), type(error).__name__)
        finally:
            with self._idle:
                self._pending -= len(items)
                self._idle.notify_all()

    def _row(self, at: datetime, answer: Answer, surface: Surface, user_id: str) -> tuple[object, ...]:
        # Straight to the column values: no model on the writer thread, which shares the GIL.
        dose = json.dumps(answer.dose.as_json(), sort_keys=True) if answer.dose else None
        return (
            at.isoformat(timespec="milliseconds"), surface, self.user_hash(user_id), answer.status, answer.action,
            dose, json.dumps(list(answer.flags)), json.dumps(list(answer.citations)),
            answer.protocol.name, answer.protocol.version,
        )


def open_audit(env: Mapping[str, str]) -> AuditStore | NullAudit:
    """The audit store at WARDBOT_AUDIT_DB, or a store that keeps nothing when it is unset."""
    path = env.get(ENV_VAR, "").strip()
    return AuditStore(path) if path else NullAudit()


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30)
    # WAL lets someone read the trail while the bot writes; NORMAL is durable enough for an audit log.
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


def _salt(db: sqlite3.Connection) -> bytes:
    row = db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
    if row is None:
        db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('salt', ?)", (secrets.token_hex(32),))
        row = db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
    return bytes.fromhex(row[0])


def _entry(row: tuple[object, ...]) -> AuditEntry:
    values = dict(zip(_COLUMNS, row))
    values["flags"] = tuple(json.loads(str(values["flags"])))
    values["citations"] = tuple(json.loads(str(values["citations"])))
    return AuditEntry(**values)
