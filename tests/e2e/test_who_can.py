"""`gcdiag who-can` against the sandbox: exactly the subjects the fixture grants, in every format, every list
paged through, the CI gate (--expect-none/--allow), the recording-control preset, and incomplete reads.

The expected holders are derived from the fixture's YAML here, with a matcher of this file's own — not with
gcdiag's code — so the test can catch gcdiag's matching, reading and paging going wrong.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from gcdiag.report.formats import EXPOSURE_FORMATS

from .conftest import Org, custom_org

PAUSE = "conversation:recording:pauseOthers"
Holder = tuple[str, str, str, str]  # (kind, subject id, role id, group id it holds it through, or "")


def grants(permission_text: str, wanted: str) -> bool:
    """A fixture permission (``d:e:a``, entity/action may be ``*``) grants ``wanted``."""
    have, want = permission_text.split(":"), wanted.split(":")
    return have[0] == want[0] and have[1] in (want[1], "*") and have[2] in (want[2], "*")


def expected(data: dict[str, Any], permission: str, division: str | None = None) -> set[Holder]:
    """Who holds ``permission`` (in ``division``, or anywhere), read straight from the fixture document."""
    roles = {r["id"] for r in data["roles"] if any(grants(p, permission) for p in r.get("permissions", []))}
    home = next(d["id"] for d in data["divisions"] if d.get("home"))

    def counts(rd: dict[str, Any]) -> bool:
        where = rd.get("division", home)
        return rd["role"] in roles and (division is None or where in (division, "*"))

    found: set[Holder] = set()
    for c in data.get("oauth_clients", []):
        found |= {
            ("oauth_client", c["id"], rd["role"], "") for rd in c.get("role_divisions", []) if counts(rd)
        }
    for u in data.get("users", []):
        found |= {("user", u["id"], rd["role"], "") for rd in u.get("role_divisions", []) if counts(rd)}
    for g in data.get("groups", []):
        for rd in g.get("role_divisions", []):
            if counts(rd):
                found.add(("group", g["id"], rd["role"], ""))
                found |= {("user", m, rd["role"], g["id"]) for m in g.get("members", [])}
    return found


def holders(doc: dict[str, Any]) -> set[Holder]:
    key = {"oauth_client": "client", "user": "user", "group": "group"}
    return {
        (r["kind"], r[key[r["kind"]]]["id"], r["role"]["id"], (r.get("via_group") or {}).get("id", ""))
        for r in doc["holders"]
    }


def who_can(org: Org, *args: str) -> tuple[int, dict[str, Any]]:
    result = org.run("who-can", *args, "-o", "json")
    assert result.exit_code in (0, 1, 3), result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize("org", ["exposure"], indirect=True)
def test_lists_exactly_the_subjects_the_fixture_grants(org: Org) -> None:
    code, doc = who_can(org, PAUSE)
    assert code == 0 and doc["complete"] and doc["could_not_read"] == []
    want = expected(org.data, PAUSE)
    assert holders(doc) == want
    # The realistic exposure the fixture stages is all there.
    names = {
        (r["kind"], (r.get("client") or r.get("user") or r.get("group"))["name"]) for r in doc["holders"]
    }
    assert ("oauth_client", "Legacy WFM Sync") in names  # the forgotten integration, in all divisions
    rows = {
        (r["kind"], (r.get("client") or r.get("user") or r.get("group"))["name"]): r for r in doc["holders"]
    }
    assert "all divisions" in rows[("oauth_client", "Legacy WFM Sync")]["how"]
    assert rows[("oauth_client", "Old Recorder Bridge")]["state"] == "disabled"
    assert "disabled" in rows[("oauth_client", "Old Recorder Bridge")]["notes"][0]
    assert rows[("oauth_client", "Analytics Export")]["state"] == "inactive"
    assert "wildcard policy" in rows[("oauth_client", "Analytics Export")]["how"]
    assert rows[("user", "Paula Payments Lead")]["how"] == ["group 'Payments Supervisors'"]
    # Nobody else: the inspector, the wallboard client and the code-grant client hold no pause right.
    assert not names & {("oauth_client", "gcdiag Inspector"), ("oauth_client", "Reporting Dashboard")}


@pytest.mark.parametrize("org", ["exposure"], indirect=True)
def test_every_list_is_paged_through(org: Org) -> None:
    who_can(org, PAUSE)
    served = [r["path"] for r in org.requests() if r["status"] == 200]
    # faults.max_page_size: 2 — 7 roles take 4 pages; Supervisor's 3 subject grants take 2.
    assert served.count("/api/v2/authorization/roles") == 4
    supervisor = next(r["id"] for r in org.data["roles"] if r["name"] == "Supervisor")
    assert served.count(f"/api/v2/authorization/roles/{supervisor}/subjectgrants") == 2
    assert served.count("/api/v2/oauth/clients") == 1  # no paging parameters exist
    assert not [r for r in org.requests() if r["mutating"]]  # read-only


@pytest.mark.parametrize("org", ["exposure"], indirect=True)
def test_every_format_lists_the_same_subjects(org: Org) -> None:
    want = expected(org.data, PAUSE)
    ids = {i for _, i, _, _ in want}
    everyone = {x["id"] for k in ("oauth_clients", "users", "groups") for x in org.data.get(k, [])}
    for fmt in EXPOSURE_FORMATS:
        result = org.run("who-can", PAUSE, "-o", fmt.value)
        assert result.exit_code == 0, (fmt, result.output)
        text = result.stdout
        if fmt.value in ("json", "yaml"):
            doc = json.loads(text) if fmt.value == "json" else yaml.safe_load(text)
            assert holders(doc) == want, fmt
        elif fmt.value == "csv":
            rows = list(csv.DictReader(io.StringIO(text)))
            assert {(r["kind"], r["id"], r["role_id"], r["via_group_id"]) for r in rows} == want
        else:
            shown = {i for i in everyone if i in text}
            assert shown == ids, (fmt, shown ^ ids)


@pytest.mark.parametrize("org", ["exposure"], indirect=True)
def test_division_filter(org: Org) -> None:
    payments = next(d["id"] for d in org.data["divisions"] if d["name"] == "Payments")
    code, doc = who_can(org, PAUSE, "--division", "Payments")
    assert code == 0 and holders(doc) == expected(org.data, PAUSE, payments)
    assert doc["query"]["division"]["id"] == payments
    result = org.run("who-can", PAUSE, "--division", "Mars")
    assert result.exit_code == 2 and "no such division" in result.stderr


@pytest.mark.parametrize("org", ["exposure"], indirect=True)
def test_expect_none_is_a_ci_gate(org: Org) -> None:
    want = expected(org.data, PAUSE)
    code, doc = who_can(org, PAUSE, "--expect-none")
    assert code == 1 and not doc["expect_none"]["passed"]
    assert {(v["kind"], v["id"]) for v in doc["expect_none"]["violations"]} == {(k, i) for k, i, _, _ in want}
    # Allowing every direct holder and the group (which allows its members) passes the gate.
    allow = sorted({i for k, i, _, g in want if not g})
    args = [a for i in allow for a in ("--allow", i)]
    code, doc = who_can(org, PAUSE, "--expect-none", *args)
    assert code == 0 and doc["expect_none"]["passed"] and doc["expect_none"]["violations"] == []
    wfm = next(c["id"] for c in org.data["oauth_clients"] if c["name"] == "Legacy WFM Sync")
    rest = [a for i in allow if i != wfm for a in ("--allow", i)]
    table = org.run("who-can", PAUSE, "--expect-none", *rest)
    assert table.exit_code == 1 and "expect-none: FAIL — 1 holder outside the allow-list" in table.stdout
    assert f"OAuth client 'Legacy WFM Sync' ({wfm})" in table.stdout
    usage = org.run("who-can", PAUSE, "--allow", allow[0])
    assert usage.exit_code == 2 and "--expect-none" in usage.stderr


@pytest.mark.parametrize("org", ["exposure"], indirect=True)
def test_recording_control_preset_labels_each_permission(org: Org) -> None:
    code, doc = who_can(org, "--recording-control")
    assert code == 0 and doc["query"]["preset"] == "recording-control"
    listed = {p["permission"]: p for p in doc["permissions"]}
    assert listed[PAUSE]["evidence"] == "confirmed" and listed[PAUSE]["operations"]
    assert listed["conversation:recording:pause"]["evidence"] == "unconfirmed"
    assert (
        listed["conversation:recording:pause"]["operations"] == []
    )  # no operation lists the inferred string
    for permission in listed:
        want = expected(org.data, permission)
        got = {h for h in holders(doc) for r in doc["holders"] if r["permission"] == permission}
        assert {
            (r["kind"], (r.get("client") or r.get("user") or r.get("group"))["id"])
            for r in doc["holders"]
            if r["permission"] == permission
        } == {(k, i) for k, i, _, _ in want}, permission
        assert got is not None
    quality = next(r for r in doc["holders"] if r["permission"] == "recording:recording:editRetention")
    assert quality["role"]["name"] == "Quality Evaluator"


@pytest.mark.parametrize("org", ["exposure"], indirect=True)
def test_call_uses_the_operations_requirement(org: Org) -> None:
    code, doc = who_can(org, "--call", "PUT /api/v2/conversations/calls/abc/recordingstate")
    assert code == 0 and doc["query"]["requirement"] == "ANY" and doc["query"]["permissions"] == [PAUSE]
    assert holders(doc) == expected(org.data, PAUSE)
    result = org.run("who-can", PAUSE, "--recording-control")
    assert result.exit_code == 2 and "exactly one" in result.stderr
    assert org.run("who-can", "conversation:*:*").exit_code == 2


def test_what_cannot_be_read_is_said_with_what_would_let_gcdiag_read_it(tmp_path: Path) -> None:
    def no_client_view(data: dict[str, Any]) -> None:
        role = next(r for r in data["roles"] if r["name"] == "gcdiag Read-Only Inspector")
        role["permissions"].remove("oauth:client:view")

    with custom_org("exposure", no_client_view, tmp_path) as org:
        code, doc = who_can(org, PAUSE)
        assert code == 3 and not doc["complete"]
        (line,) = doc["could_not_read"]
        assert "GET /api/v2/oauth/clients" in line and "oauth:client:view" in line
        # What the role grants still shows, with the clients' states unknown.
        assert holders(doc) == expected(org.data, PAUSE)
        # A holder outside the allow-list is definite even when the list is incomplete.
        assert who_can(org, PAUSE, "--expect-none")[0] == 1


def test_roles_unreadable_is_incomplete(tmp_path: Path) -> None:
    def no_role_view(data: dict[str, Any]) -> None:
        role = next(r for r in data["roles"] if r["name"] == "gcdiag Read-Only Inspector")
        role["permissions"].remove("authorization:role:view")

    with custom_org("exposure", no_role_view, tmp_path) as org:
        code, doc = who_can(org, PAUSE)
        assert code == 3 and doc["holders"] == []
        assert "authorization:role:view" in doc["could_not_read"][0]
        table = org.run("who-can", PAUSE)
        assert "Could not read (the list may be incomplete):" in table.stdout


@pytest.mark.parametrize("org", ["exposure"], indirect=True)
def test_redact_hides_user_names_in_every_format(org: Org) -> None:
    for fmt in EXPOSURE_FORMATS:
        text = org.run("who-can", PAUSE, "--redact", "-o", fmt.value).stdout
        assert "Dana Supervisor" not in text and "person-" in text, fmt
        assert "Legacy WFM Sync" in text  # an OAuth client's name is not personal data


@pytest.mark.parametrize("org", ["exposure"], indirect=True)
def test_reads_with_the_inspector_and_an_inspector_alone_will_do(org: Org) -> None:
    inspector = org.demo["inspector_client"]
    result = org.run("who-can", PAUSE, "-o", "json")
    assert {r["client_id"] for r in org.requests() if r["path"].startswith("/api/v2/")} == {inspector}
    alone = {k: "" for k in ("GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_SECRET")}
    again = org.run("who-can", PAUSE, "-o", "json", env=alone)
    assert result.exit_code == again.exit_code == 0
    assert holders(json.loads(again.stdout)) == holders(json.loads(result.stdout))
