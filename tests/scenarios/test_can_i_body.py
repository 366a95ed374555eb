"""can-i --body: the body decides whether the participant route is the recording flag call (one engine with
recording-stop, which diagnoses the flag call with {"recording": false})."""

from __future__ import annotations

from gcdiag.testing import sandbox_org
from gcdiag.util import yamlio

from .catalogue import _clean_env, scenario

WRONG_LEG = "/api/v2/conversations/calls/0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e78/participants/1d2e3f4a-5b6c-4d7e-9f8a-0b1c2d3e4f89"


def _statuses(text: str) -> dict[str, str]:
    report = yamlio.load(text)
    assert isinstance(report, dict)
    return {r["id"]: r["status"] for r in report["results"]}


def test_the_body_decides_whether_the_wrong_leg_rule_applies() -> None:
    with _clean_env(), sandbox_org(scenario("can-i-wrong-leg").path) as org:
        off = org.run("can-i", "PATCH", WRONG_LEG, "--body", '{"recording": false}', "-o", "yaml")
        assert off.exit_code == 1 and _statuses(off.stdout)["recording.participant"] == "fail"
        on = org.run("can-i", "PATCH", WRONG_LEG, "--body", '{"recording": true}', "-o", "yaml")
        assert on.exit_code == 0, on.output
        assert _statuses(on.stdout)["recording.participant"] == "skip"
        bad = org.run("can-i", "PATCH", WRONG_LEG, "--body", "[1]")
        assert bad.exit_code == 2 and "--body must be a JSON object" in bad.output
