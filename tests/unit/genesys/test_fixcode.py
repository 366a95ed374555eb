"""Fixes as code: every name gcdiag writes is checked against its source, independently of gcdiag's own tables.

* Terraform snippets: each resource type and (nested) attribute must be in the provider's schema as
  docs/fix-as-code.md copies it from the provider docs (the ``terraform-schema`` block), required attributes
  present;
* gc commands: each must be one of the CLI commands docs/fix-as-code.md lists (``gc-commands``), with its
  positional arguments and only its flags;
* API requests: each must be an operation of the catalog, name the permission the catalog gives it, and send a
  body whose fields the official SDK's request model declares;
* the jq edits do what they say (run with jq when it is installed).
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from gcdiag.genesys.authz import Policy, Role
from gcdiag.genesys.catalog import load_bundled
from gcdiag.genesys.fixcode import (
    Action,
    Change,
    ExistingGrant,
    FixSubject,
    SubjectKind,
    as_code,
    client_roles_filter,
    role_policy_filter,
)

DOC = Path(__file__).resolve().parents[3] / "docs" / "fix-as-code.md"
API = "https://api.mypurecloud.com"
PAUSE = "conversation:recording:pauseOthers"
ROLE = Role(
    "637fbdd4-8fd8-43ca-8489-d738e0ae4bbe",
    "Recording Viewer",
    ("group_creation",),
    (Policy("recording", "recording", ("view",)), Policy("conversation", "recording", ("view",))),
    "Role of the recording integration.",
)
OTHER = Role(
    "a6191368-43f7-491a-97d7-c12f70a4c46f",
    "Supervisor",
    (),
    (Policy("conversation", "recording", ("pauseOthers",)),),
)
HOME, SUPPORT = "7c68f59e-e9f4-4223-9fd7-8fa2f58cea65", "aee5059a-1ec8-4f7f-b9a3-a71cb3c96b21"


def doc_block(marker: str) -> Any:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\n```json\n(.*?)```\n<!-- /{marker} -->", text, re.S)
    assert match, f"docs/fix-as-code.md has no {marker} block"
    return json.loads(match.group(1))


SCHEMA = doc_block("terraform-schema")
GC = doc_block("gc-commands")


def client(grants: tuple[ExistingGrant, ...] = ()) -> FixSubject:
    return FixSubject(
        kind=SubjectKind.OAUTH_CLIENT,
        id="0a8f48f1-e321-4739-8a6a-737db7484ca9",
        name="Recording Integration",
        grant_type="CLIENT-CREDENTIALS",
        grants=grants,
    )


def user() -> FixSubject:
    return FixSubject(
        kind=SubjectKind.USER,
        id="58f98699-ce85-4243-b020-ebfa5f75e52d",
        name="Dana Supervisor",
        grants=(
            ExistingGrant(role_id=ROLE.id, role_name=ROLE.name, division_id=HOME),
            ExistingGrant(role_id=ROLE.id, role_name=ROLE.name, division_id=SUPPORT),
        ),
    )


CHANGES = {
    "add permission": Change(
        action=Action.ADD_PERMISSION,
        permission=PAUSE,
        subject=client((ExistingGrant(role_id=ROLE.id, role_name=ROLE.name, division_id="*"),)),
        role=ROLE,
    ),
    "grant client": Change(
        action=Action.GRANT_ROLE,
        permission=PAUSE,
        subject=client((ExistingGrant(role_id=ROLE.id, role_name=ROLE.name, division_id=HOME),)),
        role=OTHER,
        division_id=SUPPORT,
        division_label="Support",
    ),
    "grant user": Change(
        action=Action.GRANT_ROLE,
        permission=PAUSE,
        subject=user(),
        role=OTHER,
        division_id=SUPPORT,
        division_label="Support",
    ),
    "grant group, role and division unknown": Change(
        action=Action.GRANT_ROLE,
        permission=PAUSE,
        subject=FixSubject(kind=SubjectKind.GROUP, id="4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d", name="Team"),
        division_label="the conversation's division",
    ),
}


# --- Terraform ------------------------------------------------------------------------------------------------


def parse_hcl(snippet: str) -> list[tuple[str, list[tuple[tuple[str, ...], str]]]]:
    """The resources of a snippet gcdiag writes: (type, [(attribute path, value text)]), blocks as path parts."""
    resources: list[tuple[str, list[tuple[tuple[str, ...], str]]]] = []
    stack: list[str] = []
    for raw in snippet.splitlines():
        line = raw.split("  #", 1)[0].strip() if not raw.strip().startswith("#") else ""
        if not line:
            continue
        if match := re.fullmatch(r'resource "([a-z_]+)" "([a-z_][a-z0-9_]*)" \{', line):
            assert not stack, snippet
            resources.append((match.group(1), []))
            stack.append(match.group(1))
        elif match := re.fullmatch(r"([a-z_]+) \{", line):
            stack.append(match.group(1))
        elif line == "}":
            stack.pop()
        elif match := re.fullmatch(r"([a-z_]+)\s+= (.+)", line):
            resources[-1][1].append(((*stack[1:], match.group(1)), match.group(2)))
        else:
            raise AssertionError(f"not HCL gcdiag writes: {raw!r}")
    assert not stack
    return resources


def check_against_schema(resource: str, attributes: list[tuple[tuple[str, ...], str]]) -> None:
    assert resource in SCHEMA, f"{resource} is not a resource of the provider schema facts"
    for path, value in attributes:
        node: dict[str, Any] = SCHEMA[resource]
        for part in path[:-1]:
            assert part in node and "block" in node[part], f"{resource}: {'.'.join(path)}: {part} is no block"
            node = node[part]["block"]
        assert path[-1] in node and "block" not in node[path[-1]], (
            f"{resource}: no attribute {'.'.join(path)}"
        )
        kind = node[path[-1]]["type"]
        if kind.startswith("Set of String"):
            assert value.startswith("[") and value.endswith("]"), (path, value)
        elif kind == "String":
            assert json.loads(value) is not None, (path, value)
    top = {p[0] for p, _ in attributes}
    missing = [a for a, spec in SCHEMA[resource].items() if spec.get("required") and a not in top]
    assert not missing, f"{resource}: required attributes missing: {missing}"


@pytest.mark.parametrize("name", CHANGES)
def test_terraform_names_are_the_providers(name: str) -> None:
    code = as_code(CHANGES[name], API)
    resources = parse_hcl(code["terraform"]["snippet"])
    assert [r for r, _ in resources] == [code["terraform"]["resource"]]
    for resource, attributes in resources:
        check_against_schema(resource, attributes)


def test_the_schema_check_fails_on_a_name_the_provider_does_not_have() -> None:
    with pytest.raises(AssertionError, match="division_ids"):
        check_against_schema(
            "genesyscloud_oauth_client",
            [(("name",), '"x"'), (("authorized_grant_type",), '"x"'), (("roles", "division_ids"), '["*"]')],
        )
    with pytest.raises(AssertionError, match="required"):
        check_against_schema("genesyscloud_user_roles", [(("roles", "role_id"), '"r"')])


def test_authoritative_resources_list_every_own_grant_and_say_so() -> None:
    code = as_code(CHANGES["grant user"], API)
    snippet = code["terraform"]["snippet"]
    assert "AUTHORITATIVE" in snippet and "REMOVES every grant" in snippet
    attributes = dict(parse_hcl(snippet)[0][1])
    assert json.loads(attributes[("user_id",)]) == user().id
    roles = [v for p, v in parse_hcl(snippet)[0][1] if p == ("roles", "role_id")]
    assert [json.loads(r) for r in roles] == [ROLE.id, OTHER.id]
    divisions = [json.loads(v) for p, v in parse_hcl(snippet)[0][1] if p == ("roles", "division_ids")]
    assert divisions == [[HOME, SUPPORT], [SUPPORT]]
    # The user's label comes from its id, so --redact can hide its name.
    assert "dana" not in snippet.split("resource", 1)[1].split("{", 1)[0]


def test_the_oauth_client_keeps_its_grants_and_adds_one_block_per_division() -> None:
    attributes = parse_hcl(as_code(CHANGES["grant client"], API)["terraform"]["snippet"])[0][1]
    pairs = [json.loads(v) for p, v in attributes if p[0] == "roles"]
    assert pairs == [ROLE.id, HOME, OTHER.id, SUPPORT]


def test_the_role_keeps_its_policies_and_merges_the_action() -> None:
    attributes = parse_hcl(as_code(CHANGES["add permission"], API)["terraform"]["snippet"])[0][1]
    actions = [json.loads(v) for p, v in attributes if p == ("permission_policies", "action_set")]
    assert actions == [["view"], ["view", "pauseOthers"]]
    assert json.loads(dict(attributes)[("permissions",)]) == ["group_creation"]


def test_every_terraform_form_says_gcdiag_cannot_tell_who_manages_the_object() -> None:
    for change in CHANGES.values():
        notes = as_code(change, API)["terraform"]["notes"]
        assert any("cannot tell whether Terraform manages" in n for n in notes)


# --- gc CLI -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHANGES)
def test_gc_commands_are_the_clis(name: str) -> None:
    code = as_code(CHANGES[name], API)
    commands = [c for c in code["gc"]["commands"] if c.startswith("gc ")]
    assert commands
    for command in commands:
        words = shlex.split(command.split(" > ")[0])
        prefix = next((p for p in GC if words[: len(p.split())] == p.split()), None)
        assert prefix is not None, f"not a gc command of the CLI facts: {command}"
        spec = GC[prefix]
        rest = words[len(prefix.split()) :]
        args = [w for w in rest if not w.startswith("-")]
        flags = [w for w in rest if w.startswith("-")]
        values = {rest[i + 1] for i, w in enumerate(rest) if w.startswith("-")}
        positional = [a for a in args if a not in values]
        assert len(positional) == len(spec["args"]), command
        assert set(flags) <= set(spec["flags"]), command
        if spec.get("body"):
            assert "-f" in flags, command


# --- API --------------------------------------------------------------------------------------------------------


def sdk_fields(model: str) -> set[str]:
    """The JSON names of an SDK model's fields, read from its ``attribute_map`` (the file, not the package: the
    package takes seconds to import)."""
    import importlib.util

    spec = importlib.util.find_spec("PureCloudPlatformClientV2")
    assert spec is not None and spec.submodule_search_locations
    source = (Path(next(iter(spec.submodule_search_locations))) / "models" / f"{model}.py").read_text()
    block = re.search(r"self.attribute_map = \{(.*?)\}", source, re.S)
    assert block, model
    return set(re.findall(r"'\w+': '(\w+)'", block.group(1)))


BODY_MODELS = {
    "PUT /api/v2/authorization/roles/{roleId}": "domain_organization_role_update",
    "PUT /api/v2/oauth/clients/{clientId}": "o_auth_client_request",
    "POST /api/v2/authorization/roles/{roleId}": "subject_divisions",
}


@pytest.mark.parametrize("name", CHANGES)
def test_api_requests_are_catalog_operations_with_sdk_bodies(name: str) -> None:
    catalog = load_bundled()
    code = as_code(CHANGES[name], API)
    for request in code["api"]:
        match = catalog.match(request["method"], request["path"])
        assert match is not None, request
        op = match.operation
        assert request["needs"] == ", ".join(op.permissions)
        assert request["curl"].count("$TOKEN") == request["curl"].count("curl ")
        if request.get("body") is not None:
            fields = sdk_fields(BODY_MODELS[op.key])
            assert set(request["body"]) <= fields, (op.key, set(request["body"]) - fields)
        if op.key == "PUT /api/v2/authorization/roles/{roleId}":
            policy = sdk_fields("domain_permission_policy")
            assert all(set(p) <= policy for p in request["body"]["permissionPolicies"])
        if op.key == "PUT /api/v2/oauth/clients/{clientId}":
            pair = sdk_fields("role_division")
            assert all(set(p) <= pair for p in request["body"]["roleDivisions"])


def test_the_bulk_grant_curl_sends_the_body_it_shows() -> None:
    code = as_code(CHANGES["grant user"], API)
    (request,) = code["api"]
    words = shlex.split(request["curl"])
    assert words[:4] == ["curl", "-sS", "-X", "POST"]
    assert words[4] == f"{API}/api/v2/authorization/roles/{OTHER.id}?subjectType=PC_USER"
    assert (
        json.loads(words[words.index("-d") + 1])
        == request["body"]
        == {
            "subjectIds": [user().id],
            "divisionIds": [SUPPORT],
        }
    )


def test_unknowns_are_placeholders_that_are_said() -> None:
    code = as_code(CHANGES["grant group, role and division unknown"])
    (request,) = code["api"]
    assert request["path"] == "/api/v2/authorization/roles/$ROLE_ID" and request["body"]["divisionIds"] == [
        "$DIVISION_ID"
    ]
    assert (
        '"$GENESYSCLOUD_API_URL/api/v2/authorization/roles/$ROLE_ID?subjectType=PC_GROUP"' in request["curl"]
    )
    assert any("$ROLE_ID" in n for n in code["notes"]) and any("$DIVISION_ID" in n for n in code["notes"])
    assert code["terraform"]["resource"] == "genesyscloud_group_roles"


def test_the_role_body_adds_the_action_to_the_matching_policy() -> None:
    code = as_code(CHANGES["add permission"], API)
    body = code["api"][-1]["body"]
    assert body["name"] == ROLE.name and body["description"] == ROLE.description
    assert body["permissions"] == ["group_creation"]
    assert body["permissionPolicies"] == [
        {"domain": "recording", "entityName": "recording", "actionSet": ["view"]},
        {"domain": "conversation", "entityName": "recording", "actionSet": ["view", "pauseOthers"]},
    ]


# --- jq ---------------------------------------------------------------------------------------------------------

needs_jq = pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")


def jq(program: str, document: Any) -> Any:
    out = subprocess.run(
        ["jq", "-c", program], input=json.dumps(document), capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


@needs_jq
def test_the_role_edit_keeps_fields_and_conditions_and_adds_the_action() -> None:
    role = {
        "id": "r",
        "name": "R",
        "description": "d",
        "permissions": ["group_creation"],
        "userCount": 3,
        "permissionPolicies": [
            {
                "domain": "conversation",
                "entityName": "recording",
                "actionSet": ["x"],
                "resourceConditionNode": {"v": 1},
            },
            {
                "domain": "conversation",
                "entityName": "recording",
                "actionSet": ["view"],
                "allowConditions": False,
            },
        ],
    }
    edited = jq(role_policy_filter(PAUSE), role)
    assert set(edited) == {"name", "description", "permissions", "permissionPolicies"}  # no read-only field
    assert edited["permissionPolicies"][0]["actionSet"] == ["x"]  # the conditional policy is left alone
    assert edited["permissionPolicies"][1]["actionSet"] == ["pauseOthers", "view"]
    fresh = jq(role_policy_filter(PAUSE), {"name": "New"})
    assert fresh == {
        "name": "New",
        "permissionPolicies": [
            {"domain": "conversation", "entityName": "recording", "actionSet": ["pauseOthers"]}
        ],
    }


@needs_jq
def test_the_client_edit_sends_only_request_fields_and_adds_the_pair() -> None:
    found = {
        "id": "c",
        "name": "N",
        "secret": "never",
        "dateCreated": "t",
        "authorizedGrantType": "CLIENT-CREDENTIALS",
        "state": "inactive",
        "roleDivisions": [{"roleId": "r0", "divisionId": "d"}],
    }
    edited = jq(client_roles_filter({"roleId": "r1", "divisionId": "*"}), found)
    assert set(edited) <= sdk_fields("o_auth_client_request") and "secret" not in edited
    assert edited["state"] == "inactive"
    assert {"roleId": "r1", "divisionId": "*"} in edited["roleDivisions"] and len(
        edited["roleDivisions"]
    ) == 2
