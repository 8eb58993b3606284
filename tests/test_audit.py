"""The audit store keeps outcomes per answer and never the question, `understood`, or a raw user id."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import threading
from datetime import datetime, timezone

import pytest

from bot.answer import Answer, Detail, Dose, ProtocolRef, Statement
from bot.audit import ENV_VAR, AuditEntry, AuditError, AuditStore, NullAudit, open_audit

QUESTION = "Mr Zebedee Quux MRN 7654321 plt 25 day 1 on 10mg"


def answer() -> Answer:
    return Answer(
        status="answered",
        action="delay_cycle",
        dose=Dose(mg=5, days="1-28"),
        flags=("phi_detected", "source_caution"),
        topics=("cytopenia",),
        citations=("Table 2", "6.2"),
        understood={"name": "Zebedee Quux", "mrn": "7654321", "platelets": 25},
        protocol=ProtocolRef(name="Lenalidomide maintenance", version="2026.11-1"),
        text=QUESTION,
        detail=Detail(headline="Delay", read_as=QUESTION, reasons=(Statement(text=QUESTION, cite="Table 2"),)),
    )


@pytest.fixture
def store(tmp_path):
    audit = AuditStore(tmp_path / "audit.sqlite3")
    yield audit
    audit.close()


def test_disabled_when_the_variable_is_unset(tmp_path):
    assert isinstance(open_audit({}), NullAudit)
    assert isinstance(open_audit({ENV_VAR: "  "}), NullAudit)
    NullAudit().record(answer(), surface="slash", user_id="U1")  # accepted, kept nowhere
    enabled = open_audit({ENV_VAR: str(tmp_path / "a.sqlite3")})
    try:
        assert isinstance(enabled, AuditStore)
    finally:
        enabled.close()


def test_a_row_holds_exactly_the_outcome(store):
    before = datetime.now(timezone.utc)
    store.record(answer(), surface="slash", user_id="U0NURSE1")
    assert store.flush()
    (entry,) = store.entries()
    assert entry == AuditEntry(
        at=entry.at,
        surface="slash",
        user_hash=store.user_hash("U0NURSE1"),
        status="answered",
        action="delay_cycle",
        dose=json.dumps({"cycle_days": 28, "days": "1-28", "mg": 5}, sort_keys=True),
        flags=("phi_detected", "source_caution"),
        citations=("Table 2", "6.2"),
        protocol_name="Lenalidomide maintenance",
        protocol_version="2026.11-1",
    )
    at = datetime.fromisoformat(entry.at)
    assert at.utcoffset().total_seconds() == 0 and at >= before.replace(microsecond=0)


def test_no_text_understood_or_raw_user_id_is_ever_written(store):
    store.record(answer(), surface="mention", user_id="U0NURSE1")
    assert store.flush()
    store.close()
    with sqlite3.connect(store.path) as db:
        columns = {d[0] for d in db.execute("SELECT * FROM answers").description}
    assert not columns & {"text", "understood", "user_id", "read_as", "question"}
    raw = b"".join(p.read_bytes() for p in store.path.parent.iterdir() if p.is_file())
    for secret in (b"U0NURSE1", b"Zebedee", b"Quux", b"7654321", b"plt 25"):
        assert secret not in raw


def test_user_hash_is_salted_per_install_and_stable_across_restarts(tmp_path):
    first = AuditStore(tmp_path / "one.sqlite3")
    again = AuditStore(tmp_path / "one.sqlite3")
    other = AuditStore(tmp_path / "two.sqlite3")
    try:
        assert first.user_hash("U1") == again.user_hash("U1")
        assert first.user_hash("U1") != other.user_hash("U1")
        assert first.user_hash("U1") != first.user_hash("U2")
        assert first.user_hash("U1") != hashlib.sha256(b"U1").hexdigest()
        assert len(first.user_hash("U1")) == 64
    finally:
        for store in (first, again, other):
            store.close()


def test_records_from_many_threads_all_land(store):
    surfaces = ("slash", "mention", "dm", "shortcut", "share")

    def write(i: int) -> None:
        for j in range(50):
            store.record(answer(), surface=surfaces[(i + j) % 5], user_id=f"U{i}")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.flush(timeout=30)
    entries = store.entries()
    assert len(entries) == 400
    assert {e.surface for e in entries} == set(surfaces)


def test_close_commits_what_is_queued(tmp_path):
    path = tmp_path / "audit.sqlite3"
    audit = AuditStore(path)
    for _ in range(100):
        audit.record(answer(), surface="dm", user_id="U1")
    audit.close()
    reopened = AuditStore(path)
    try:
        assert len(reopened.entries()) == 100
    finally:
        reopened.close()


def test_unopenable_path_names_the_variable(tmp_path):
    with pytest.raises(AuditError, match=ENV_VAR):
        AuditStore(tmp_path / "missing-dir" / "audit.sqlite3")


def test_an_answer_without_dose_or_action(store):
    bare = dataclasses.replace(answer(), status="clarify", action=None, dose=None, flags=(), citations=())
    store.record(bare, surface="shortcut", user_id="U1")
    assert store.flush()
    (entry,) = store.entries()
    assert (entry.status, entry.action, entry.dose, entry.flags, entry.citations) == ("clarify", None, None, (), ())
