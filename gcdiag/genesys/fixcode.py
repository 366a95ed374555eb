"""Fixes as code: one structured configuration change → the exact API request(s), the Terraform change for the
``genesyscloud`` provider resource that owns that configuration, and the ``gc`` CLI commands.

Pure (no I/O beyond reading the bundled operation catalog). Every resource, attribute, command, endpoint and
field named here is cited in docs/fix-as-code.md with its source:

* API operations and the permission each needs: [OPS] (``gcdiag/genesys/data/catalog.json``); bodies:
  ``DomainOrganizationRoleUpdate``, ``DomainPermissionPolicy``, ``OAuthClientRequest``, ``RoleDivision``,
  ``SubjectDivisions`` [SDK-M] (PureCloudPlatformClientV2 269.0.0).
* Terraform: MyPureCloud/terraform-provider-genesyscloud @ f955430e, ``docs/resources/{auth_role,oauth_client,
  user_roles,group_roles}.md`` [TF].
* gc CLI: MyPureCloud/platform-client-sdk-cli @ 44244cc5 (v166.0.0), ``build/gc/cmd/{authorization_roles,
  oauth_clients}/*.go`` [CLI].

What gcdiag cannot tell, it says: the API objects carry no owner marker (``OAuthClient`` has only
``createdBy``/``modifiedBy``; ``DomainOrganizationRole`` and ``AuthzGrant`` none [SDK-M]), so whether Terraform
manages an object — and through which resource block — is unknown to gcdiag; every Terraform change says so.
gcdiag never applies a fix itself.
"""

from __future__ import annotations

import enum
import json
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gcdiag.genesys.authz import Role
from gcdiag.genesys.constants import ALL_DIVISIONS

# The published sources the names below come from (docs/fix-as-code.md cites the files).
TERRAFORM_SOURCE = "MyPureCloud/terraform-provider-genesyscloud@f955430e6bd4c0b56708d3abc06fb25a1e9031b7"
CLI_SOURCE = "MyPureCloud/platform-client-sdk-cli@44244cc508ce74a70e669ba3f2486f0976343cbf (v166.0.0)"

# Placeholders for what gcdiag does not know; shell-variable shaped so a pasted command fails loudly.
ROLE_PLACEHOLDER = "$ROLE_ID"
DIVISION_PLACEHOLDER = "$DIVISION_ID"
API_URL_PLACEHOLDER = "$GENESYSCLOUD_API_URL"


def owner_unknown(what: str) -> str:
    """gcdiag cannot tell who manages an object: the API objects carry no owner marker (``OAuthClient`` only
    ``createdBy``/``modifiedBy``; ``DomainOrganizationRole`` and ``AuthzGrant`` none [SDK-M])."""
    return (
        f"gcdiag cannot tell whether Terraform manages {what}, or in which resource (the API carries no owner "
        "marker): change it where it is managed, in one place."
    )


JQ_NOTE = "The read-modify-write steps use jq."


class Action(str, enum.Enum):
    """What a configuration fix changes."""

    ADD_PERMISSION = "add_permission_to_role"  # add a permission to an existing role
    GRANT_ROLE = "grant_role"  # grant a role to a subject in a division

    def __str__(self) -> str:
        return self.value


class SubjectKind(str, enum.Enum):
    """Who holds grants (the subject types of grant writes: PC_OAUTH_CLIENT, PC_USER, PC_GROUP [SDK-A])."""

    OAUTH_CLIENT = "oauth_client"
    USER = "user"
    GROUP = "group"

    def __str__(self) -> str:
        return self.value


# subjectType query value of POST /api/v2/authorization/roles/{roleId} ("PC_GROUP, PC_USER or PC_OAUTH_CLIENT")
# [SDK-A:authorization_api post_authorization_role].
SUBJECT_TYPE = {
    SubjectKind.OAUTH_CLIENT: "PC_OAUTH_CLIENT",
    SubjectKind.USER: "PC_USER",
    SubjectKind.GROUP: "PC_GROUP",
}


@dataclass(frozen=True, kw_only=True)
class ExistingGrant:
    """A grant the subject holds itself (not through a group), as gcdiag read it."""

    role_id: str
    role_name: str
    division_id: str  # "*" = all divisions

    def to_dict(self) -> dict[str, str]:
        return {"role_id": self.role_id, "role_name": self.role_name, "division_id": self.division_id}


@dataclass(frozen=True, kw_only=True)
class FixSubject:
    """The identity the fix is for."""

    kind: SubjectKind
    id: str
    name: str
    grant_type: str | None = None  # OAuth clients: authorizedGrantType
    grants: tuple[ExistingGrant, ...] = ()  # its own grants, as gcdiag read them
    grants_known: bool = (
        True  # False: gcdiag could not read them (snippets of authoritative resources say so)
    )

    def to_dict(self) -> dict[str, Any]:
        # Who, not what it holds: its grant type and grants are facts the report states once elsewhere (the
        # identity and the permission evaluation). A user is written under "user" so --redact treats its name
        # as personal data.
        key = {SubjectKind.OAUTH_CLIENT: "client", SubjectKind.USER: "user", SubjectKind.GROUP: "group"}
        return {"kind": self.kind.value, key[self.kind]: {"id": self.id, "name": self.name}}


@dataclass(frozen=True, kw_only=True)
class Change:
    """One configuration change a fix step asks for, in structured form."""

    action: Action
    permission: str
    subject: FixSubject
    role: Role | None = None  # the role to edit (ADD_PERMISSION) or to grant (GRANT_ROLE); None: not known
    division_id: str | None = None  # GRANT_ROLE: where ("*" = all divisions); None: gcdiag cannot tell
    division_label: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action.value, "permission": self.permission}
        # The role's policies are in the request body and the Terraform snippet; here only which role.
        out["role"] = {"id": self.role.id, "name": self.role.name} if self.role else None
        if self.action is Action.GRANT_ROLE:
            out["division"] = {"id": self.division_id, "label": self.division_label}
        out["subject"] = self.subject.to_dict()
        return out


@dataclass(frozen=True, kw_only=True)
class ApiRequest:
    """One request of a fix, as data and as a ready-to-paste curl line (``$TOKEN`` stands for a bearer token)."""

    method: str
    path: str  # concrete: ids filled in
    purpose: str
    query: Mapping[str, str] = field(default_factory=dict)
    body: Any = None
    body_note: str = ""
    needs: str = ""  # the permission the operation requires [OPS]
    curl: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "path": self.path, "purpose": self.purpose}
        if self.query:
            out["query"] = dict(self.query)
        if self.body is not None:
            out["body"] = self.body
        if self.body_note:
            out["body_note"] = self.body_note
        if self.needs:
            out["needs"] = self.needs
        out["curl"] = self.curl
        return out


@dataclass(frozen=True, kw_only=True)
class FixAsCode:
    """A change in every form gcdiag can write it."""

    change: Change
    api: tuple[ApiRequest, ...]
    terraform_resource: str
    terraform: str  # HCL
    terraform_notes: tuple[str, ...]
    gc: tuple[str, ...]
    gc_notes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # placeholders and what gcdiag cannot tell

    def to_dict(self) -> dict[str, Any]:
        return {
            "change": self.change.to_dict(),
            "api": [r.to_dict() for r in self.api],
            "terraform": {
                "resource": self.terraform_resource,
                "snippet": self.terraform,
                "notes": list(self.terraform_notes),
                "source": TERRAFORM_SOURCE,
            },
            # Notes are left out when there are none, as a report leaves out every empty value.
            "gc": {
                "commands": list(self.gc),
                **({"notes": list(self.gc_notes)} if self.gc_notes else {}),
                "source": CLI_SOURCE,
            },
            **({"notes": list(self.notes)} if self.notes else {}),
        }


# --- the forms --------------------------------------------------------------------------------------------------


def as_code(change: Change, api_url: str = "", *, fix: str = "") -> dict[str, Any]:
    """The change in every form, as plain data (``fix`` is the fix step's text it implements)."""
    base = api_url.rstrip("/") if api_url else API_URL_PLACEHOLDER
    if change.action is Action.ADD_PERMISSION:
        code = _add_permission(change, base)
    elif change.subject.kind is SubjectKind.OAUTH_CLIENT:
        code = _grant_client(change, base)
    else:
        code = _grant_subject(change, base)
    out = code.to_dict()
    return {"fix": fix, **out} if fix else out


def split_permission(permission: str) -> tuple[str, str, str]:
    parts = permission.split(":")
    if len(parts) != 3:
        raise ValueError(f"not a domain:entity:action permission: {permission!r}")
    return parts[0], parts[1], parts[2]


def _needs(method: str, template: str) -> str:
    from gcdiag.genesys.catalog import load_bundled

    op = load_bundled().get(method, template)
    if op is None or not op.permissions:
        return ""
    joined = ", ".join(op.permissions)
    return joined if len(op.permissions) == 1 else f"{op.permission_type} of {joined}"


def _url(base: str, path: str, query: Mapping[str, str] | None = None) -> str:
    text = base + path
    if query:
        text += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return text


def _quote_url(url: str) -> str:
    # A $VARIABLE placeholder must expand: double quotes; otherwise single quotes (ids never hold a quote).
    return f'"{url}"' if "$" in url else shlex.quote(url)


AUTH = '-H "Authorization: Bearer $TOKEN"'
JSON_TYPE = "-H 'Content-Type: application/json'"


def _curl_get(url: str) -> str:
    return f"curl -sS {_quote_url(url)} {AUTH}"


def _curl_send(method: str, url: str, body: Any) -> str:
    data = shlex.quote(json.dumps(body, separators=(",", ":")))
    return f"curl -sS -X {method} {_quote_url(url)} {AUTH} {JSON_TYPE} -d {data}"


def _curl_edit(url: str, jq_filter: str) -> str:
    """Read, edit with jq, write back: a PUT replaces the whole object, so it must start from the current one."""
    return (
        f"{_curl_get(url)} \\\n  | jq {shlex.quote(jq_filter)} \\\n"
        f"  | curl -sS -X PUT {_quote_url(url)} {AUTH} {JSON_TYPE} -d @-"
    )


def _read_modify_write(
    base: str,
    path: str,
    template: str,
    *,
    noun: str,
    change: str,
    body: Any,
    body_note: str,
    jq_filter: str,
) -> tuple[ApiRequest, ApiRequest]:
    """GET then PUT of a whole object: the PUT's curl line reads, edits (jq) and writes it in one pipeline."""
    url = _url(base, path)
    return (
        ApiRequest(
            method="GET",
            path=path,
            purpose=f"read the {noun}: the PUT replaces it whole",
            needs=_needs("GET", template),
            curl=_curl_get(url),
        ),
        ApiRequest(
            method="PUT",
            path=path,
            purpose=f"write the {noun} back {change}",
            body=body,
            body_note=body_note,
            needs=_needs("PUT", template),
            curl=_curl_edit(url, jq_filter),
        ),
    )


# -- add a permission to a role --------------------------------------------------------------------------------


def role_policy_filter(permission: str) -> str:
    """jq: the role as ``DomainOrganizationRoleUpdate`` (name, description, permissions, permissionPolicies) with
    the action added to the unconditional policy of its domain and entity, else to a new policy."""
    domain, entity, action = split_permission(permission)
    policy = json.dumps(
        {"domain": domain, "entityName": entity, "actionSet": [action]}, separators=(", ", ": ")
    )
    return "\n  | ".join(
        (
            "{name, description, permissions, permissionPolicies: (.permissionPolicies // [])}",
            f'(.permissionPolicies | map(.domain == "{domain}" and .entityName == "{entity}"'
            " and .resourceConditionNode == null) | index(true)) as $i",
            f"if $i == null then .permissionPolicies += [{policy}]"
            f' else .permissionPolicies[$i].actionSet |= (. + ["{action}"] | unique) end',
            "with_entries(select(.value != null))",
        )
    )


def client_roles_filter(pair: Mapping[str, str]) -> str:
    """jq: the client as ``OAuthClientRequest`` (its writable fields) with the role–division pair added."""
    return "\n  | ".join(
        (
            "{name, description, accessTokenValiditySeconds, registeredRedirectUri, authorizedGrantType, scope,"
            " state, dateToDelete, roleDivisions: (.roleDivisions // [])}",
            f".roleDivisions |= (. + [{json.dumps(dict(pair), separators=(', ', ': '))}] | unique)",
            "with_entries(select(.value != null))",
        )
    )


def updated_role_body(role: Role, permission: str) -> dict[str, Any]:
    """The ``DomainOrganizationRoleUpdate`` body for ``role`` with ``permission`` added, from gcdiag's read."""
    domain, entity, action = split_permission(permission)
    policies: list[dict[str, Any]] = []
    added = False
    for policy in role.policies:
        actions = list(policy.actions)
        if not added and policy.domain == domain and policy.entity == entity:
            if action not in actions and "*" not in actions:
                actions.append(action)
            added = True
        policies.append({"domain": policy.domain, "entityName": policy.entity, "actionSet": actions})
    if not added:
        policies.append({"domain": domain, "entityName": entity, "actionSet": [action]})
    body: dict[str, Any] = {"name": role.name}
    if role.description:
        body["description"] = role.description
    body["permissions"] = list(role.permissions)
    body["permissionPolicies"] = policies
    return body


def _add_permission(change: Change, base: str) -> FixAsCode:
    role = change.role
    if role is None:
        raise ValueError("adding a permission needs the role to add it to")
    domain, entity, action = split_permission(change.permission)
    path = f"/api/v2/authorization/roles/{role.id}"
    jq_filter = role_policy_filter(change.permission)
    api = _read_modify_write(
        base,
        path,
        "/api/v2/authorization/roles/{roleId}",
        noun="role",
        change=f"with {change.permission} added to its permission policies",
        body=updated_role_body(role, change.permission),
        body_note=(
            "built from the role as gcdiag read it; the curl line edits the role as it is when you run it "
            "(policy conditions and fields gcdiag did not read are kept that way), so prefer it"
        ),
        jq_filter=jq_filter,
    )
    policies: list[tuple[str, str, list[str], str]] = []
    added = False
    for policy in role.policies:
        actions = list(policy.actions)
        note = ""
        if not added and policy.domain == domain and policy.entity == entity:
            if action not in actions and "*" not in actions:
                actions.append(action)
                note = f"{action} added by this fix"
            added = True
        policies.append((policy.domain, policy.entity, actions, note))
    if not added:
        policies.append((domain, entity, [action], "added by this fix"))
    label = tf_label(role.name, "role")
    lines = [
        f"# Role {role.name!r} (id {role.id}): add {change.permission}.",
        "# If Terraform manages this role, this is its resource with the permission added.",
        "# permission_policies lists every policy of the role as gcdiag read it; keep the conditions",
        "# blocks your configuration has (gcdiag does not read policy conditions).",
        f'resource "genesyscloud_auth_role" "{label}" {{',
        f"  name        = {hcl_string(role.name)}",
    ]
    if role.description:
        lines.append(f"  description = {hcl_string(role.description)}")
    if role.permissions:
        lines.append(f"  permissions = {hcl_list(role.permissions)}")
    for p_domain, p_entity, actions, note in policies:
        lines += [
            "",
            "  permission_policies {" + (f"  # {note}" if note else ""),
            f"    domain      = {hcl_string(p_domain)}",
            f"    entity_name = {hcl_string(p_entity)}",
            f"    action_set  = {hcl_list(actions)}",
            "  }",
        ]
    lines.append("}")
    tf_notes = (
        owner_unknown("this role"),
        "A default role's resource also sets default_role_id; deleting that resource restores the default role.",
    )
    gc = (
        f"gc authorization roles get {role.id} > role.json",
        f"jq {shlex.quote(jq_filter)} role.json > role-updated.json",
        f"gc authorization roles update {role.id} -f role-updated.json",
    )
    notes = (
        f"Every holder of role {role.name!r} gains {change.permission} where the role is granted to it "
        f"(`gcdiag who-can {change.permission}` lists them).",
        JQ_NOTE,
    )
    return FixAsCode(
        change=change,
        api=api,
        terraform_resource="genesyscloud_auth_role",
        terraform="\n".join(lines),
        terraform_notes=tf_notes,
        gc=gc,
        notes=notes,
    )


# -- grant a role ------------------------------------------------------------------------------------------------


def _grant_target(change: Change) -> tuple[str, str, list[str]]:
    """(role id, division id, notes on placeholders)."""
    notes: list[str] = []
    role_id = change.role.id if change.role else ROLE_PLACEHOLDER
    if change.role is None:
        notes.append(
            f"{ROLE_PLACEHOLDER}: gcdiag knows no role that grants {change.permission} to use here; choose one "
            f"(`gcdiag who-can {change.permission}` lists the roles that grant it) or create one "
            "(genesyscloud_auth_role)."
        )
    division = change.division_id or DIVISION_PLACEHOLDER
    if change.division_id is None:
        notes.append(
            f"{DIVISION_PLACEHOLDER}: {change.division_label or 'the division of the target'}; "
            f'"{ALL_DIVISIONS}" grants in all divisions.'
        )
    return role_id, division, notes


def _grant_client(change: Change, base: str) -> FixAsCode:
    subject = change.subject
    role_id, division, notes = _grant_target(change)
    path = f"/api/v2/oauth/clients/{subject.id}"
    pair = {"roleId": role_id, "divisionId": division}
    jq_filter = client_roles_filter(pair)
    existing = [{"roleId": g.role_id, "divisionId": g.division_id} for g in subject.grants]
    body: dict[str, Any] = {"name": subject.name}
    if subject.grant_type:
        body["authorizedGrantType"] = subject.grant_type
    body["roleDivisions"] = existing + ([pair] if pair not in existing else [])
    api = _read_modify_write(
        base,
        path,
        "/api/v2/oauth/clients/{clientId}",
        noun="OAuth client",
        change="with the role–division pair added to roleDivisions",
        body=body,
        body_note=(
            "OAuthClientRequest with only what gcdiag read (name, grant type, role divisions): a PUT replaces the "
            "client, so use the curl line, which keeps its description, token validity, scopes and state"
        ),
        jq_filter=jq_filter,
    )
    label = tf_label(subject.name, "client")
    lines = [
        f"# OAuth client {subject.name!r} (id {subject.id}): grant role "
        f"{change.role.name if change.role else role_id!r} in {change.division_label or division}.",
        "# If Terraform manages this client, its resource lists every role–division pair (one roles block each);",
        "# the provider sends the set as the client's roleDivisions.",
        f'resource "genesyscloud_oauth_client" "{label}" {{',
        f"  name                  = {hcl_string(subject.name)}",
        f"  authorized_grant_type = {hcl_string(subject.grant_type or 'CLIENT-CREDENTIALS')}",
    ]
    for grant in subject.grants:
        lines += _tf_client_role(grant.role_id, grant.division_id, f"role {grant.role_name!r}")
    lines += _tf_client_role(role_id, division, "added by this fix")
    lines.append("}")
    tf_notes = [
        owner_unknown("this OAuth client"),
        "The provider requires these roles to be assigned to the OAuth client Terraform runs with too.",
    ]
    if not subject.grants_known:
        tf_notes.append("gcdiag could not read the client's current roles: add them to the resource first.")
    gc = (
        f"gc oauth clients get {subject.id} > client.json",
        f"jq {shlex.quote(jq_filter)} client.json > client-updated.json",
        f"gc oauth clients update {subject.id} -f client-updated.json",
    )
    notes.append(JQ_NOTE)
    return FixAsCode(
        change=change,
        api=api,
        terraform_resource="genesyscloud_oauth_client",
        terraform="\n".join(lines),
        terraform_notes=tuple(tf_notes),
        gc=gc,
        notes=tuple(notes),
    )


def _tf_client_role(role_id: str, division: str, note: str) -> list[str]:
    return [
        "",
        f"  roles {{  # {note}",
        f"    role_id     = {hcl_string(role_id)}",
        f"    division_id = {hcl_string(division)}",
        "  }",
    ]


def _grant_subject(change: Change, base: str) -> FixAsCode:
    """Grant a role to a user or group: the additive bulk grant (no read-modify-write needed)."""
    subject = change.subject
    role_id, division, notes = _grant_target(change)
    subject_type = SUBJECT_TYPE[subject.kind]
    path = f"/api/v2/authorization/roles/{role_id}"
    query = {"subjectType": subject_type}
    body = {"subjectIds": [subject.id], "divisionIds": [division]}
    api = (
        ApiRequest(
            method="POST",
            path=path,
            purpose="bulk-grant the role to the subject in the division (adds; keeps its other grants)",
            query=query,
            body=body,
            needs=_needs("POST", "/api/v2/authorization/roles/{roleId}"),
            curl=_curl_send("POST", _url(base, path, query), body),
        ),
    )
    resource = "genesyscloud_user_roles" if subject.kind is SubjectKind.USER else "genesyscloud_group_roles"
    id_attr = "user_id" if subject.kind is SubjectKind.USER else "group_id"
    noun = "user" if subject.kind is SubjectKind.USER else "group"
    # A user's resource label comes from the id, not the name: --redact can then hide the name everywhere.
    label = (
        f"user_{subject.id.split('-')[0]}"
        if subject.kind is SubjectKind.USER
        else tf_label(subject.name, "group")
    )
    by_role: dict[str, tuple[str, list[str]]] = {}
    for grant in subject.grants:
        name, divisions = by_role.setdefault(grant.role_id, (grant.role_name, []))
        if grant.division_id not in divisions:
            divisions.append(grant.division_id)
    lines = [
        f"# {noun.capitalize()} {subject.name!r} (id {subject.id}): grant role "
        f"{change.role.name if change.role else role_id!r} in {change.division_label or division}.",
        f"# {resource} is AUTHORITATIVE for the {noun}'s own grants: on apply it REMOVES every grant of the",
        f"# {noun} not listed here. List all of them"
        + (" (grants through groups are not its own)." if subject.kind is SubjectKind.USER else "."),
        f'resource "{resource}" "{label}" {{',
        f"  {id_attr} = {hcl_string(subject.id)}",
    ]
    for existing_role, (name, divisions) in by_role.items():
        if existing_role == role_id and division not in divisions:
            continue  # merged with the new grant below
        lines += _tf_subject_role(existing_role, divisions, f"role {name!r}")
    merged = by_role.get(role_id, ("", []))[1]
    lines += _tf_subject_role(
        role_id, [*merged, division] if division not in merged else merged, "added by this fix"
    )
    lines.append("}")
    tf_notes = [owner_unknown(f"this {noun}'s grants")]
    if not subject.grants_known:
        tf_notes.append(
            f"gcdiag could not read the {noun}'s own grants: list them before applying, or this resource removes "
            "them."
        )
    gc = (
        f"echo {shlex.quote(json.dumps(body, separators=(',', ':')))} > grant.json",
        f"gc authorization roles bulkgrant {role_id} --subjectType {subject_type} -f grant.json",
    )
    return FixAsCode(
        change=change,
        api=api,
        terraform_resource=resource,
        terraform="\n".join(lines),
        terraform_notes=tuple(tf_notes),
        gc=gc,
        notes=tuple(notes),
    )


def _tf_subject_role(role_id: str, divisions: Sequence[str], note: str) -> list[str]:
    return [
        "",
        f"  roles {{  # {note}",
        f"    role_id      = {hcl_string(role_id)}",
        f"    division_ids = {hcl_list(divisions)}",
        "  }",
    ]


# --- HCL text ---------------------------------------------------------------------------------------------------


def hcl_string(value: str) -> str:
    """A quoted HCL string: JSON escapes, and ``${``/``%{`` escaped so nothing is interpolated."""
    return json.dumps(value, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")


def hcl_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(hcl_string(v) for v in values) + "]"


def tf_label(name: str, fallback: str) -> str:
    """A Terraform resource label from a name: lower case letters, digits and underscores, not starting with a
    digit."""
    label = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if not label:
        return fallback
    return f"{fallback}_{label}" if label[0].isdigit() else label
