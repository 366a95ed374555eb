"""The bundled operation catalog: agreement with operations.json, scopes with evidence, path matching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gcdiag.genesys.catalog import Catalog, Operation, build_bundled, load_bundled, normalise_path, split_call

SHARED = Path(__file__).resolve().parents[4] / "shared" / "genesys"
OPERATIONS_JSON = SHARED / "operations.json"
SCOPES_YAML = Path(__file__).resolve().parents[3] / "gcdiag" / "genesys" / "data" / "scopes.yaml"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_bundled()


def test_bundled_catalog_covers_what_gcdiag_reasons_about(catalog: Catalog) -> None:
    needed = [
        ("GET", "/api/v2/tokens/me"),
        ("GET", "/api/v2/users/me"),
        ("GET", "/api/v2/oauth/clients/{clientId}"),
        ("GET", "/api/v2/oauth/scopes"),
        ("GET", "/api/v2/authorization/roles/{roleId}"),
        ("GET", "/api/v2/authorization/divisions"),
        ("GET", "/api/v2/authorization/divisionspermitted/paged/me"),
        ("GET", "/api/v2/authorization/subjects/me"),
        ("GET", "/api/v2/authorization/permissions"),
        ("GET", "/api/v2/conversations/{conversationId}"),
        ("GET", "/api/v2/conversations/{conversationId}/recordings"),
        ("GET", "/api/v2/recording/settings"),
        ("PUT", "/api/v2/conversations/calls/{conversationId}/recordingstate"),
        ("PATCH", "/api/v2/conversations/{conversationId}/recordingstate"),
        ("PATCH", "/api/v2/conversations/calls/{conversationId}"),
        ("PATCH", "/api/v2/conversations/calls/{conversationId}/participants/{participantId}"),
        ("POST", "/api/v2/audits/query"),
        ("POST", "/api/v2/audits/query/realtime"),
        ("POST", "/api/v2/quality/conversations/audits/query"),
    ]
    for method, path in needed:
        assert catalog.get(method, path) is not None, f"{method} {path} missing"
    assert len(catalog) >= 30


@pytest.mark.skipif(
    not OPERATIONS_JSON.exists(), reason="../shared/genesys/operations.json is not beside this checkout"
)
def test_every_bundled_entry_agrees_exactly_with_operations_json(catalog: Catalog) -> None:
    source = json.loads(OPERATIONS_JSON.read_text())["operations"]
    assert {op.key for op in catalog} == set(source)
    for op in catalog:
        entry = source[op.key]
        assert op.permission_type == entry["permissionType"], op.key
        assert list(op.permissions) == list(entry["permissions"]), op.key


@pytest.mark.skipif(
    not OPERATIONS_JSON.exists(), reason="../shared/genesys/operations.json is not beside this checkout"
)
def test_bundled_file_is_what_the_builder_makes() -> None:
    rebuilt = build_bundled(OPERATIONS_JSON, SCOPES_YAML)
    shipped = json.loads((SCOPES_YAML.parent / "catalog.json").read_text())
    assert rebuilt == shipped


def test_scopes_carry_evidence(catalog: Catalog) -> None:
    pause = catalog.get("PUT", "/api/v2/conversations/calls/{conversationId}/recordingstate")
    assert pause is not None
    assert pause.permission_type == "ANY"
    assert pause.permissions == ("conversation:recording:pauseOthers",)
    assert pause.scopes == ("conversations",)
    assert pause.scope_evidence == "inferred"
    role = catalog.get("GET", "/api/v2/authorization/roles/{roleId}")
    assert role is not None and role.scope_evidence == "confirmed"
    unknown = catalog.get("GET", "/api/v2/alerting/alerts/{alertId}")
    assert unknown is not None and unknown.scopes is None and unknown.scope_evidence == "unknown"
    evidences = {op.scope_evidence for op in catalog}
    assert evidences <= {"confirmed", "inferred", "unknown"}


def test_no_invented_scope_names(catalog: Catalog) -> None:
    folklore = {
        "recording:read",
        "recording:control",
        "recording:write",
        "conversation:write",
        "conversation:view",
    }
    for op in catalog:
        assert not folklore & set(op.scopes or ()), op.key


@pytest.mark.parametrize(
    ("method", "path", "template", "params"),
    [
        (
            "PUT",
            "/api/v2/conversations/calls/c-1/recordingstate",
            "/api/v2/conversations/calls/{conversationId}/recordingstate",
            {"conversationId": "c-1"},
        ),
        (
            "get",
            "https://api.mypurecloud.ie/api/v2/conversations/abc/?x=1",
            "/api/v2/conversations/{conversationId}",
            {"conversationId": "abc"},
        ),
        (
            "GET",
            "/api/v2/conversations/calls/abc",
            "/api/v2/conversations/calls/{conversationId}",
            {"conversationId": "abc"},
        ),
        ("GET", "/api/v2/authorization/divisions/home", "/api/v2/authorization/divisions/home", {}),
        (
            "GET",
            "/api/v2/authorization/divisions/d-1",
            "/api/v2/authorization/divisions/{divisionId}",
            {"divisionId": "d-1"},
        ),
        (
            "GET",
            "/api/v2/conversations/a/recordings/b",
            "/api/v2/conversations/{conversationId}/recordings/{recordingId}",
            {"conversationId": "a", "recordingId": "b"},
        ),
        (
            "PATCH",
            "/api/v2/conversations/calls/{conversationId}",
            "/api/v2/conversations/calls/{conversationId}",
            {},
        ),
    ],
)
def test_path_matching(
    catalog: Catalog, method: str, path: str, template: str, params: dict[str, str]
) -> None:
    match = catalog.match(method, path)
    assert match is not None
    assert match.operation.path == template
    assert match.path_params == params


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v2/recording/recordings/r-1/actions/stop"),
        ("GET", "/api/v2/recordings/r-1"),
        ("DELETE", "/api/v2/tokens/me/extra"),
        ("GET", "/api/v2/conversations//recordings"),
    ],
)
def test_not_a_public_operation(catalog: Catalog, method: str, path: str) -> None:
    assert catalog.match(method, path) is None


def test_methods_for_a_path(catalog: Catalog) -> None:
    assert "PUT" in catalog.methods_for("/api/v2/conversations/calls/x/recordingstate")
    assert catalog.methods_for("/api/v2/recording/recordings/x/actions/stop") == []


def test_split_call_and_normalise() -> None:
    assert split_call(" put  /api/v2/x/ ") == ("PUT", "/api/v2/x")
    assert normalise_path("api/v2/x?y=1#z") == "/api/v2/x"
    with pytest.raises(ValueError, match="METHOD PATH"):
        split_call("/api/v2/x")
    with pytest.raises(ValueError, match="unknown HTTP method"):
        split_call("FETCH /api/v2/x")


def test_operation_round_trip() -> None:
    op = Operation("GET", "/api/v2/x", "ALL", ("a:b:c",), ("s",), "confirmed", "TF", "op", "Tag", "s", False)
    assert Operation.from_dict(op.to_dict()) == op
