"""Identity checks: the token, its scopes, the permissions its roles grant, their divisions, participation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gcdiag.facts.types import (
    GrantSet,
    Identity,
    OrgRole,
    PermittedDivisions,
    ReadRefusal,
    ScopeEnforcement,
    TargetDivisions,
)
from gcdiag.genesys.authz import Evaluation, Role, evaluate, scopes_cover
from gcdiag.genesys.constants import ALL_DIVISIONS, GRANT_CLIENT_CREDENTIALS, TOKEN_PATH
from gcdiag.genesys.remedies import FixStep, near_misses, permission_fix_steps
from gcdiag.genesys.targets import (
    PAUSE_PERMISSION_INFERRED,
    SECURE_PAUSE,
    SECURE_PAUSE_PERMISSION,
    SECURE_PAUSE_WITHOUT_PARTICIPATION,
    TargetCall,
    chosen_flag_step,
)
from gcdiag.pipeline import Basis, Because, FactError, FactView, Finding, Status, cause_id, check, unseen

CC_NOTE = (
    "A client-credentials token has no user, and OAuth scopes do not apply to it: its rights come only from the "
    "role–division pairs of its OAuth client."  # genesys-facts §1.1
)


def _named(name: str | None, entity_id: str | None) -> str:
    """``'Acme' (id)``; an answer may leave a name out (the SDK models make none required): then say so, never
    print ``None``."""
    if name:
        return f"{name!r} ({entity_id or 'no id given'})"
    return f"{entity_id or '(no id given)'} (its name was not in the answer)"


@check(
    id="auth.token",
    title="The token is valid, and whose it is",
    scenarios=("recording-stop", "can-i"),
    blocking=True,
    needs=("environment",),
    fix="Use a valid token for this org and region: check the client id/secret (or token) and --region.",
    wants=("token_info", "identity", "refused_client"),
)
def auth_token(facts: FactView) -> Finding:
    """Reads ``GET /api/v2/tokens/me``: org, OAuth client, grant type, user or none, trustee, idle expiry, client state.
    When the subject got no token, the inspector's read of its OAuth client says why in plain words."""
    problem = facts.problem("token_info")
    env = facts["environment"]
    if problem is not None:
        refused = _refused_token(problem, facts["refused_client"], facts.problem("refused_client"))
        if refused is not None:
            return refused
        if problem.status in (400, 401):
            return Finding(
                Status.FAIL,
                f"the token was rejected ({problem.status} {problem.code or ''}) by {env['api_url']}".replace(
                    " )", ")"
                ),
                detail=problem.reason,
                fix=(
                    "Check the credentials: client id and secret of an active OAuth client, or an unexpired token.",
                    f"Check the region: tokens are only valid against their own region's hosts (asked "
                    f"{env['api_url']}, region {env['region'] or 'not set'}).",
                ),
                evidence={"error": problem.to_dict()},
                cause=cause_id(
                    problem
                ),  # this check states the shared cause the other checks could not run past
            )
        return unseen(problem)
    ident: Identity = facts["identity"]
    who = f"OAuth client {_named(ident.client_name, ident.client_id)}" + (
        f", user {_named(ident.user_name, ident.user_id)}" if ident.user_id else ", no user"
    )
    summary = f"valid token for org {_named(ident.org_name, ident.org_id)}; grant {ident.grant_type}; {who}"
    details = [f"region/API: {env['region'] or 'custom'} {env['api_url']}"]
    if ident.date_token_idles:
        details.append(f"token idles at {ident.date_token_idles}")
    if ident.home_org_id and ident.home_org_id != ident.org_id:
        details.append(f"home organization {ident.home_org_id} differs (org trustee access)")
    if ident.cloned_user:
        details.append("the user is a clone of a trustee user in the trustor org")
    evidence: dict[str, Any] = {"identity": ident.to_dict()}
    # OAuthClient.state [SDK-M:o_auth_client]: "Disabled: Access tokens created by the client are invalid";
    # "Inactive: Access tokens cannot be created with this OAuth client and it will be deleted".
    if ident.client_state == "disabled":
        return Finding(
            Status.FAIL,
            f"the OAuth client {ident.client_name!r} is disabled: tokens it created are invalid",
            detail="; ".join(details),
            fix=("Re-activate the OAuth client or use an active one (OAuthClient.state must be 'active').",),
            evidence=evidence,
        )
    if ident.client_state and ident.client_state != "active":
        return Finding(
            Status.WARN,
            f"the OAuth client {ident.client_name!r} is {ident.client_state}: no new tokens can be created with it, "
            "and Genesys will delete it",
            detail="; ".join(details),
            fix=("Re-activate the OAuth client or move the integration to an active one.",),
            evidence=evidence,
        )
    return Finding(Status.PASS, summary, detail="; ".join(details), evidence=evidence)


def _refused_token(problem: FactError, client: Any, client_problem: FactError | None) -> Finding | None:
    """The subject's token request was refused and the inspector read its OAuth client (or found none): the cause
    in plain words. None when the inspector did not read it (no inspector, or its read failed otherwise)."""
    # Any refusal of the token request (400/401/403): which one each case gets is UNCONFIRMED (genesys-facts §1.4),
    # so the verdict rests on the client's state as the inspector read it, never on the error body.
    if not problem.request.endswith(" " + TOKEN_PATH) or problem.status not in (400, 401, 403):
        return None
    refused = f"{problem.status} {problem.code}".strip()
    token = Because(fact="token_info", rule=f"the subject's token request was refused ({refused})")
    client_id = dict(client_problem.params).get("clientId", "") if client_problem is not None else ""
    if client_problem is not None and client_problem.status == 404:
        return Finding(
            Status.FAIL,
            f"no token: the org has no OAuth client with the subject's client id (the inspector's read of it "
            f"answered 404), so Genesys refused the token request ({refused})",
            detail="Likely (inferred): a mistyped client id, a client deleted (an inactive client is deleted in "
            "time), or a client of another org or region.",
            fix=(
                "Check the client id: use the id and secret of an active client-credentials OAuth client of this "
                "org, in this region.",
            ),
            basis=Basis.INFERRED,
            because=(
                token,
                Because(
                    fact="refused_client",
                    rule=f"the inspector's GET /api/v2/oauth/clients/{{clientId}} {client_id} → 404: no such client "
                    "in this org → the client id is what Genesys refused",
                ),
            ),
            evidence={"error": problem.to_dict(), "client_read": client_problem.to_dict()},
            cause=cause_id(problem),
        )
    if not isinstance(client, dict):
        return None
    name = _named(client.get("name"), client.get("id"))
    state = client.get("state")
    grant = client.get("authorizedGrantType")
    evidence = {"error": problem.to_dict(), "client": {"state": state, "authorizedGrantType": grant}}
    read = Because(
        fact="refused_client",
        rule=f"the inspector read the OAuth client {name}: state {state!r}, authorizedGrantType {grant!r}",
    )
    rest = (
        "The rest of this diagnosis is evaluated from the inspector's reads of the client (its role divisions) "
        "and of the conversation."
    )
    # OAuthClient.state [SDK-M:o_auth_client]: "Disabled: Access tokens created by the client are invalid and new
    # ones cannot be created"; "Inactive: Access tokens cannot be created with this OAuth client and it will be
    # deleted". OAuthClientRequest.state takes the same values (active | disabled | inactive).
    enable = (
        f"Enable the OAuth client {name}: set its state to 'active' (PUT /api/v2/oauth/clients/{{clientId}} with "
        'the client\'s fields and "state": "active", which needs oauth:client:edit), then get a new token.'
    )
    if state == "disabled":
        return Finding(
            Status.FAIL,
            f"no token: the OAuth client {name} is disabled (OAuthClient.state 'disabled'): Genesys creates no new "
            f"tokens for it and the ones it created are invalid",
            detail=f"The token request was refused ({refused}). {rest}",
            fix=(enable,),
            evidence=evidence,
            cause=cause_id(problem),
        )
    if state == "inactive":
        return Finding(
            Status.FAIL,
            f"no token: the OAuth client {name} is inactive (OAuthClient.state 'inactive'): tokens cannot be "
            "created with it, and Genesys will delete it",
            detail=f"The token request was refused ({refused}). {rest}",
            fix=(enable, "Or move the integration to an active client-credentials OAuth client."),
            evidence=evidence,
            cause=cause_id(problem),
        )
    if grant and grant != GRANT_CLIENT_CREDENTIALS:
        return Finding(
            Status.FAIL,
            f"no token: the OAuth client {name} is a {grant} client, not a client-credentials one: its id and "
            f"secret alone get no token ({refused})",
            detail="A user-context grant needs a user to sign in (genesys-facts §1.2).",
            fix=(
                "Use a client-credentials OAuth client's id and secret, or a user's token from this client "
                "(--token / GENESYSCLOUD_ACCESS_TOKEN).",
            ),
            evidence=evidence,
            cause=cause_id(problem),
        )
    if state == "active" and grant == GRANT_CLIENT_CREDENTIALS:
        return Finding(
            Status.FAIL,
            f"no token: the client secret was refused ({refused}); the OAuth client {name} exists, is active and "
            "is a client-credentials client, so the secret is wrong",
            detail=rest,
            fix=(f"Use the current secret of the OAuth client {name}.",),
            basis=Basis.INFERRED,
            because=(
                token,
                read,
                Because(
                    rule="an active client-credentials client whose token request is refused → its secret "
                    "(the only other credential) is what Genesys refused"
                ),
            ),
            evidence=evidence,
            cause=cause_id(problem),
        )
    return None


@check(
    id="auth.scopes",
    title="The token's OAuth scopes cover the call (user tokens only)",
    scenarios=("recording-stop", "can-i"),
    blocking=True,
    needs=("identity", "target_call", "inputs", "environment"),
    wants=("scope_enforcement",),
    fix=(
        "Authorize the OAuth client for the scope the call needs (Admin > Integrations > Authorized Applications "
        "for the client's scopes), then get a new token."
    ),
)
def auth_scopes(facts: FactView) -> Finding:
    """For user-context tokens: the token's authorized scopes include one of the call's scopes."""
    ident: Identity = facts["identity"]
    target: TargetCall = facts["target_call"]
    enforced = facts["inputs"].scopes_enforced
    if ident.kind == "client_credentials":
        return Finding(
            Status.SKIP,
            "scopes do not apply to a client-credentials token; roles and divisions do",
            detail=CC_NOTE + " Names such as recording:control, recording:read or conversation:write are not "
            "Genesys scopes at all.",
        )
    op = target.operation
    if op is None:
        return Finding(Status.SKIP, "no operation to check scopes for (see endpoint.exists)")
    evidence = {
        "required_any_of": None if op.scopes is None else list(op.scopes),
        "scope_evidence": op.scope_evidence,
        "scope_basis": op.scope_basis,
        "token_scopes": list(ident.scopes),
        "scopes_enforced": enforced,
    }
    covered = scopes_cover(op.scopes, ident.scopes)
    if covered is None:
        return Finding(
            Status.WARN,
            f"gcdiag's catalog does not know which scopes {op.method} {op.path} needs",
            # Only a Genesys region serves the swagger a refresh reads; a sandbox or gateway without a region
            # does not (a refresh from it is refused), so nothing tells the user to refresh there.
            detail=(
                "Run `gcdiag catalog refresh` to read the region's swagger, which lists each operation's scopes."
                if facts["environment"]["region"]
                else f"A Genesys region's swagger lists each operation's scopes; {facts['environment']['api_url']} "
                "is not a Genesys region's API host, so gcdiag uses its bundled catalog."
            ),
            evidence=evidence,
        )
    basis = (
        ""
        if op.scope_evidence == "confirmed"
        else f" (scope inferred from Genesys convention: {op.scope_basis})"
    )
    if covered:
        return Finding(
            Status.PASS,
            f"the token has a scope the call accepts: {', '.join(op.scopes or ())}{basis}",
            evidence=evidence,
        )
    need = " or ".join(op.scopes or ())
    summary = f"the token lacks the scope {need} that {op.method} {op.path} needs{basis}"
    fix = (
        f"Add the scope {need} to the OAuth client {ident.client_name!r} ({ident.client_id}) and have the user "
        "sign in again so the new token carries it.",
    )
    if enforced is True:
        return Finding(
            Status.FAIL,
            summary,
            detail="The org enforces OAuth scopes (--scopes-enforced yes).",
            fix=fix,
            evidence=evidence,
        )
    if enforced is False:
        return Finding(
            Status.PASS,
            f"the token lacks {need}, but the org does not enforce scopes (--scopes-enforced no)",
            detail="Without enforcement an app has the same access as its user (help article 'Enabling OAuth scope "
            "enforcement').",
            evidence=evidence,
        )
    observed: ScopeEnforcement | None = facts["scope_enforcement"]
    if observed is not None and observed.enforced is not None:
        evidence["scope_reads"] = observed.to_dict()
        # Every scope in the catalog for these reads is inferred from Genesys convention or Terraform unions
        # (genesys-facts §2): each observation names its basis, and the conclusion is only as sure as they are.
        because = tuple(Because(fact=o.fact, rule=o.line()) for o in (observed.refused or observed.allowed))
        if observed.enforced:
            return Finding(
                Status.FAIL,
                f"{summary}, and the org enforces scopes: the subject's own reads were refused for want of a scope",
                detail="Scopes and permissions are both required where scopes are enforced (genesys-facts §1.2). "
                "Not ruled out: an access policy (ABAC) that denied those reads (genesys-facts §4).",
                fix=fix,
                see_more=(
                    "To state the setting instead of inferring it: --scopes-enforced yes|no (an admin sees it under "
                    "Admin > Organization Settings > Settings > Enforce Scopes).",
                ),
                evidence=evidence,
                basis=Basis.INFERRED,
                because=(
                    *because,
                    Because(
                        rule="a read refused although nothing but a scope could refuse it → the org enforces "
                        f"scopes → the call, whose scope {need} the token lacks, is refused too"
                    ),
                ),
            )
        return Finding(
            Status.PASS,
            f"the token lacks {need}, but the org does not enforce scopes: the subject's reads succeeded without "
            "their scopes",
            detail="Without enforcement an app has the same access as its user (help article 'Enabling OAuth scope "
            "enforcement').",
            evidence=evidence,
            basis=Basis.INFERRED,
            because=(
                *because,
                Because(
                    rule="reads answered although the token lacks their scopes → the org does not enforce scopes "
                    f"→ the missing {need} does not refuse the call"
                ),
            ),
        )
    if observed is not None and observed.refused and observed.allowed:
        evidence["scope_reads"] = observed.to_dict()
    return Finding(
        Status.ERROR,
        summary + "; whether that refuses the call depends on the org's Enforce Scopes setting, which gcdiag "
        "cannot read"
        + (" (the subject's reads contradict each other on it)" if "scope_reads" in evidence else ""),
        detail="Orgs do not enforce scopes by default; an admin sees the setting under Admin > Organization "
        "Settings > Settings > Enforce Scopes.",
        fix=(*fix, "Tell gcdiag the setting with --scopes-enforced yes|no (env GCDIAG_SCOPES_ENFORCED)."),
        evidence=evidence,
    )


def _required(target: TargetCall) -> tuple[str | None, list[str]]:
    op = target.operation
    perms = list(op.permissions) if op else []
    return (op.permission_type if op else None), perms


@check(
    id="auth.permissions",
    title="The identity's roles grant the call's permission",
    scenarios=("recording-stop", "can-i"),
    blocking=True,
    needs=("identity", "target_call"),
    wants=("grants", "permitted_divisions", "org_roles", "target_divisions"),
    fix=(
        "Grant the identity an existing role that has the permission, in the target's division; or add it to a role "
        "the identity holds for that purpose, or to a new role named for it. "
        "For a pause: conversation:recording:pauseOthers (UI: Conversation > Recording > PauseOthers)."
    ),
)
def auth_permissions(facts: FactView) -> Finding:
    """Evaluates the call's ANY/ALL permissions against every role the identity holds (wildcard policies included).
    When the roles cannot be read, the subject's own divisionspermitted answer may still show the permission held
    in no division at all (a failure, inferred)."""
    ident: Identity = facts["identity"]
    target: TargetCall = facts["target_call"]
    ptype, perms = _required(target)
    if target.operation is None:
        return Finding(Status.SKIP, "no operation to check permissions for (see endpoint.exists)")
    if not perms and not target.extra_permissions:
        return Finding(Status.PASS, f"{target.text} documents no permission requirement")
    grant_set: GrantSet | None = facts["grants"]
    if grant_set is None:
        problem = facts.problem("grants")
        assert problem is not None, "grants is wanted: missing only with a problem"
        return _permission_held_nowhere(ptype, perms, facts, ident, problem) or unseen(problem)
    evaluation = evaluate(ptype, perms, grant_set.grants, None)
    evidence: dict[str, Any] = {
        "call": target.text,
        "grants_source": grant_set.source,
        "evaluation": evaluation.to_dict(),
    }
    extra_missing: list[str] = []
    if target.extra_permissions:
        extra = evaluate("ALL", list(target.extra_permissions), grant_set.grants, None)
        evidence["route_permissions"] = {
            "note": "the participant route also needs Conversation > Recording > Pause; its string form "
            "conversation:recording:pause is inferred (unconfirmed)",  # genesys-facts §10.12
            "evaluation": extra.to_dict(),
        }
        extra_missing = list(extra.missing)
    holder = _holder(ident)
    if evaluation.allowed and not extra_missing:
        deciding = evaluation.deciding
        assert deciding is not None or not perms
        why = deciding.reason if deciding else "no permission documented"
        return Finding(Status.PASS, f"{holder} holds {_req_text(ptype, perms)}: {why}", evidence=evidence)
    roles = sorted({g.role.name for g in grant_set.grants})
    if evaluation.allowed and extra_missing == [PAUSE_PERMISSION_INFERRED]:
        return _depends_on_pause_string(holder, ptype, perms, roles, evidence)
    missing = list(evaluation.missing) + extra_missing
    summary = (
        f"{holder} lacks {_req_text(ptype, perms) if not evaluation.allowed else ', '.join(extra_missing)}"
        f" — none of its roles ({', '.join(repr(r) for r in roles) or 'none'}) grants "
        f"{' or '.join(missing) if ptype != 'ALL' else ', '.join(missing)}"
    )
    if PAUSE_PERMISSION_INFERRED in extra_missing:
        # Its UI name is documented ("Conversation > Recording > Pause"); the string form is INFERRED (genesys-facts §10.12).
        summary += f" ({PAUSE_PERMISSION_INFERRED} is the inferred name of Conversation > Recording > Pause)"
    detail = "\n".join(c.reason for c in evaluation.considered) or "the identity holds no roles"
    near = near_misses([*perms, *extra_missing], grant_set.grants)
    if near:
        summary += f"; it holds {', '.join(p for p, _ in near)}, which do{'es' if len(near) == 1 else ''} not substitute"
        detail += "\nHeld, but no substitute: " + "; ".join(f"{p} ({why})" for p, why in near) + "."
    see_more: tuple[str, ...] = ()
    fix: list[str] = []
    needed = Evaluation(**{**evaluation.__dict__, "held_elsewhere": ()})
    also = extra_missing
    if ident.kind == "client_credentials" and target.requires_participant:
        # No permission makes this route work: a client-credentials token has no user, so it is never a
        # participant (genesys-facts §3.2, INFERRED). The fix is the route that does not need one, and the
        # permission that one needs when the client lacks it.
        fix = [SECURE_PAUSE_WITHOUT_PARTICIPATION]
        needed = evaluate("ANY", [SECURE_PAUSE_PERMISSION], grant_set.grants, None)
        needed = Evaluation(**{**needed.__dict__, "held_elsewhere": ()})
        also = []
    changes: tuple[tuple[str, Any], ...] = ()
    if not needed.allowed or also:
        org_roles, see_more = _org_roles(facts, [*needed.required, *also])
        label, division_ids = _fix_division(facts["target_divisions"])
        steps = permission_fix_steps(
            needed,
            grant_set.grants,
            **_subject(ident),
            division_label=label,
            prefer=target.preferred_permission,
            also_required=also,
            division_ids=division_ids,
            org_roles=org_roles,
        )
        fix, changes = fix + [s.text for s in steps], _changes(steps)
    fix += _then_call(target)
    if ident.kind == "client_credentials" and target.route == "secure-pause":
        detail += "\n" + CC_NOTE
    return Finding(
        Status.FAIL,
        summary,
        detail=detail,
        fix=tuple(fix),
        evidence=evidence,
        changes=changes,
        see_more=see_more,
    )


def _then_call(target: TargetCall) -> list[str]:
    """The call to make once the grant is in place, when gcdiag chose it and it acts on one participant: the fix
    names the participant whose ad hoc recording runs, never another leg."""
    step = chosen_flag_step(target)
    return [step] if step else []


def _org_roles(facts: FactView, permissions: list[str]) -> tuple[list[Role] | None, tuple[str, ...]]:
    """The org's roles a fix may propose (a role whose policy for one of ``permissions`` carries a condition is
    left out: it grants only under that condition), or None and what would let gcdiag read them."""
    listed: tuple[OrgRole, ...] | None = facts["org_roles"]
    if listed is None:
        problem = facts.problem("org_roles")
        read = (
            f" ({problem.short().removeprefix('could not read org_roles: ')})" if problem is not None else ""
        )
        remedy = (
            problem.remedy
            if problem is not None and problem.remedy
            else "use an inspector identity with authorization:role:view"
        )
        return None, (
            f"To propose an existing role that already grants the permission, gcdiag must read the org's "
            f"roles{read}: {remedy.rstrip('.')}.",
        )
    return [r.role for r in listed if not any(r.is_conditional(p) for p in permissions)], ()


def _depends_on_pause_string(
    holder: str, ptype: str | None, perms: list[str], roles: list[str], evidence: dict[str, Any]
) -> Finding:
    """The operation's own permission is held; the route's other need is Conversation > Recording > Pause, whose
    string form is INFERRED (genesys-facts §10.12). No role lists that string, but Genesys may name it otherwise:
    the verdict depends on an unconfirmed fact, so it is not asserted as a failure."""
    return Finding(
        Status.ERROR,
        f"depends on an unconfirmed fact: {holder} holds {_req_text(ptype, perms)}, and this route also needs "
        f"Conversation > Recording > Pause, whose permission string gcdiag infers as {PAUSE_PERMISSION_INFERRED} "
        f"(UNCONFIRMED); none of its roles ({', '.join(repr(r) for r in roles) or 'none'}) lists that string",
        detail=(
            "The UI name Conversation > Recording > Pause is documented for this route (genesys-facts §3.2 c); its "
            f"string form is not. If Genesys names it {PAUSE_PERMISSION_INFERRED}, the call would fail; if a role "
            "holds it under another name, it would not."
        ),
        fix=(
            f"To rely on no unconfirmed name, use {SECURE_PAUSE[0]} {SECURE_PAUSE[1]} with "
            '{"recordingState": "PAUSED"}, which needs conversation:recording:pauseOthers (documented).',
        ),
        see_more=(
            "Check in the Genesys Cloud admin UI whether a role of the user has the permission Conversation > "
            "Recording > Pause; that settles it.",
        ),
        evidence={**evidence, "unconfirmed": PAUSE_PERMISSION_INFERRED},
    )


def _fix_division(where: TargetDivisions | None) -> tuple[str, tuple[str, ...]]:
    """Where a fix grants a permission: the target's division when known (else all divisions or the
    conversation's), and the target's division ids."""
    if where is None or not where.ids:
        return "all divisions (*) or the conversation's division", ()
    mine = "the conversation's; " if where.source == "conversation" else ""
    return f"the division {where.label} ({mine}or all divisions, *)", where.ids


def _held_nowhere(
    ptype: str | None, perms: Sequence[str], permitted: Mapping[str, PermittedDivisions] | None
) -> list[str]:
    """The required permissions Genesys' divisionspermitted answer shows held in no division, when that settles
    the requirement as not held (every one of an ANY requirement, any one of an ALL); else []."""
    if not perms or not permitted or not all(p in permitted for p in perms):
        return []
    nowhere = [p for p in perms if not permitted[p].all_divisions and not permitted[p].divisions]
    settled = bool(nowhere) if ptype == "ALL" else len(nowhere) == len(perms)
    return nowhere if settled else []


def _permission_held_nowhere(
    ptype: str | None,
    perms: list[str],
    facts: FactView,
    ident: Identity,
    problem: FactError,
) -> Finding | None:
    """The roles could not be read, but the subject's own GET /api/v2/authorization/divisionspermitted/paged/me
    lists the required permission in no division: the identity does not hold it (inferred). None when that read
    does not settle it. Only this direction is inferred: where the answer says the permission is held, the roles
    that grant it stay unseen (for a client-credentials token what that endpoint evaluates is unconfirmed, and
    unconfirmed good news is not a pass)."""
    permitted: Mapping[str, PermittedDivisions] | None = facts["permitted_divisions"]
    nowhere = _held_nowhere(ptype, perms, permitted)
    if not nowhere:
        return None
    need = _req_text(ptype, perms)
    lacking = " or ".join(nowhere) if ptype != "ALL" else ", ".join(nowhere)
    holder = _holder(ident)
    summary = (
        f"{holder} lacks {need}: its own divisionspermitted/paged/me read lists {lacking} in no division, and its "
        "roles could not be read"
    )
    detail = (
        "A permission held in no division is not held at all, so the call is refused whatever its target."
    )
    if ident.kind == "client_credentials":
        # genesys-facts §4 UNCONFIRMED: Genesys documents divisionspermitted/paged/me for "the current user".
        summary += (
            " (unconfirmed for a client-credentials token: what that endpoint evaluates without a user)"
        )
        detail += (
            " Genesys documents divisionspermitted/paged/me for the current user; what it evaluates for a "
            "client-credentials token is unconfirmed (best guess: the OAuth client's role divisions). An inspector "
            "that can read the OAuth client's roles confirms it."
        )
    # The identity's own roles are unread, so no step can add the permission to one of them: a grant it is.
    org_roles, roles_unread = _org_roles(facts, perms)
    label, division_ids = _fix_division(facts["target_divisions"])
    steps = permission_fix_steps(
        evaluate(ptype, perms, (), None),
        (),
        **_subject(ident),
        division_label=label,
        division_ids=division_ids,
        org_roles=org_roles,
    )
    refused = f"{problem.request} → {problem.status} {problem.code}".strip()
    return Finding(
        Status.FAIL,
        summary,
        detail=detail,
        fix=tuple(s.text for s in steps),
        see_more=((problem.remedy,) if problem.remedy else ()) + roles_unread,
        evidence={
            "grants_problem": problem.line(),
            "divisionspermitted": [permitted[p].to_dict() for p in perms] if permitted else [],
        },
        changes=_changes(steps),
        basis=Basis.INFERRED,
        because=(
            Because(fact="grants", rule=f"{refused}: the identity's roles could not be read"),
            *(
                Because(
                    fact="permitted_divisions",
                    rule=f"GET /api/v2/authorization/divisionspermitted/paged/me?permission={p} (subject) → no "
                    "division, allDivsPermitted false",
                )
                for p in nowhere
            ),
            Because(rule=f"a permission held in no division is not held → the identity lacks {need}"),
        ),
    )


def _subject(ident: Identity) -> dict[str, Any]:
    """Who a permission fix is for, as permission_fix_steps names it (one place for every fix that grants)."""
    return {
        "identity_kind": ident.kind,
        "client_name": ident.client_name,
        "client_id": ident.client_id,
        "user": ident.user_name,
        "user_id": ident.user_id,
        "client_grant_type": ident.grant_type,
    }


def _changes(steps: list[FixStep]) -> tuple[tuple[str, Any], ...]:
    """The structured configuration changes of fix steps (written as API, Terraform and gc CLI by the runner)."""
    return tuple((s.text, s.change) for s in steps if s.change is not None)


def _holder(ident: Identity) -> str:
    if ident.kind == "client_credentials":
        return f"the OAuth client {ident.client_name!r}"
    return f"the user {ident.user_name or ident.user_id or '(unknown)'}"


def _req_text(ptype: str | None, perms: list[str]) -> str:
    if len(perms) == 1:
        return perms[0]
    return f"{'any of' if ptype == 'ANY' else 'all of'} {', '.join(perms)}"


@check(
    id="auth.division",
    title="A grant of the permission covers the target's division",
    scenarios=("recording-stop", "can-i"),
    blocking=True,
    needs=("identity", "target_call"),
    wants=(
        "target_divisions",
        "permitted_divisions",
        "grants",
        "permission_info",
        "refused_read",
        "scope_enforcement",
        "inputs",
    ),
    fix=(
        "Grant the role that has the permission in a division the conversation is in, or in all divisions (*)."
    ),
)
def auth_division(facts: FactView) -> Finding:
    """Prefers Genesys' own answer (divisionspermitted/paged/me with the subject's token); falls back to the grants."""
    ident: Identity = facts["identity"]
    target: TargetCall = facts["target_call"]
    ptype, perms = _required(target)
    if target.operation is None:
        return Finding(Status.SKIP, "no operation to check divisions for (see endpoint.exists)")
    if not perms:
        return Finding(Status.SKIP, f"{target.text} documents no permission, so divisions do not matter")
    where: TargetDivisions | None = facts["target_divisions"]
    if where is None:
        problem = facts.problem("target_divisions")
        if problem is not None:
            return _division_from_refusal(ptype, perms, facts, ident) or unseen(problem)
        return _without_target_division(ptype, perms, facts)
    conv_divs, conv_label = list(where.ids), where.label
    noun = "the conversation" if where.source == "conversation" else "the target"
    aware: dict[str, bool | None] = facts["permission_info"] or {}
    if perms and all(aware.get(p) is False for p in perms):
        return Finding(
            Status.PASS,
            f"{', '.join(perms)} is not division-aware (GET /api/v2/authorization/permissions): any grant applies",
            evidence={"divisionAware": aware},
        )
    evidence: dict[str, Any] = {"target_divisions": where.to_dict(), "divisionAware": aware}
    info_problem = facts.problem("permission_info")
    if info_problem is not None:
        evidence["divisionAware_problem"] = info_problem.line()
    grant_set: GrantSet | None = facts["grants"]
    evaluation = evaluate(ptype, perms, grant_set.grants, conv_divs, aware) if grant_set else None
    if evaluation is not None:
        evidence["evaluation"] = evaluation.to_dict()
        if evaluation.division_assumed and evaluation.permission_ok:  # held nowhere: nothing rests on it
            evidence["note"] = (
                f"divisionAware unknown for {', '.join(evaluation.division_assumed)}: assumed division-aware "
                "(unconfirmed)"  # genesys-facts §4 UNCONFIRMED
            )
    permitted: dict[str, PermittedDivisions] | None = facts["permitted_divisions"]
    permitted_problem = facts.problem("permitted_divisions")
    if permitted:
        evidence["divisionspermitted"] = [p.to_dict() for p in permitted.values()]
        if ident.kind == "client_credentials":
            evidence["divisionspermitted_note"] = (
                "for a client-credentials token, what divisionspermitted/paged/me evaluates is unconfirmed"  # genesys-facts §4 UNCONFIRMED
            )
    elif permitted_problem is not None:
        evidence["divisionspermitted_problem"] = permitted_problem.line()

    if (evaluation is not None and not evaluation.permission_ok) or (
        evaluation is None and _held_nowhere(ptype, perms, facts["permitted_divisions"])
    ):
        return Finding(
            Status.SKIP,
            f"the identity holds {_req_text(ptype, perms)} in no division at all: see auth.permissions",
            evidence=evidence,
        )
    covered: bool | None = None
    # Decided by divisionspermitted alone for a client-credentials token: Genesys documents it for "the current
    # user", and what it evaluates without one is UNCONFIRMED (genesys-facts §4), so the summary says so.
    caveat = ""
    # Such a result rests on an unconfirmed reading of Genesys' answer: it is inferred, never observed, and says
    # which answer and which rule (the table marks it ~).
    unconfirmed: dict[str, Any] = {}
    if permitted:
        results = [permitted[p].covers(conv_divs) for p in perms if p in permitted]
        covered = all(results) if ptype == "ALL" else any(results)
        if ident.kind == "client_credentials" and (evaluation is None or evaluation.allowed != covered):
            caveat = (
                " (per divisionspermitted/paged/me, whose answer for a client-credentials token is unconfirmed; "
                "an inspector that can read the OAuth client's roles settles it)"
            )
            unconfirmed = {
                "basis": Basis.INFERRED,
                "because": (
                    Because(
                        rule=f"GET /api/v2/authorization/divisionspermitted/paged/me (subject) lists "
                        f"{'the' if covered else 'no'} division of {noun} for {_req_text(ptype, perms)}; what it "
                        "evaluates for a client-credentials token is unconfirmed (genesys-facts §4)",
                        fact="permitted_divisions",
                    ),
                ),
            }
    elif evaluation is not None:
        covered = evaluation.allowed
    if covered is None:
        errors = [facts.problem(n) for n in ("permitted_divisions", "grants")]
        found = [e for e in errors if e is not None]
        return Finding(
            Status.ERROR,
            "gcdiag could not see in which divisions the identity holds the permission",
            detail="\n".join(e.line() for e in found),
            fix=tuple(e.remedy for e in found if e.remedy),
            evidence=evidence,
        )
    if covered:
        if evaluation is not None and evaluation.deciding is not None:
            how = evaluation.deciding.reason + caveat
        else:  # Genesys' own answer alone; the caveat, when there is one, already names it
            how = caveat.strip(" ()") if caveat else "divisionspermitted/paged/me says so"
        return Finding(
            Status.PASS,
            f"a grant covers {noun}'s division(s) {conv_label}: {how}",
            evidence=evidence,
            **unconfirmed,
        )
    held_in = _held_divisions(permitted, evaluation)
    if held_in:
        summary = (
            f"the identity holds {_req_text(ptype, perms)} only in {held_in}, but {noun} is in {conv_label}"
        )
    else:
        summary = (
            f"the identity holds {_req_text(ptype, perms)} in no division (divisionspermitted/paged/me); "
            f"{noun} is in {conv_label}"
        )
    changes: tuple[tuple[str, Any], ...] = ()
    if evaluation is not None:
        steps = permission_fix_steps(
            evaluation,
            grant_set.grants if grant_set else (),
            **_subject(ident),
            division_label=f"the division {conv_label} (or all divisions, *)",
            prefer=target.preferred_permission,
            division_ids=conv_divs,
        )
        fix, changes = [s.text for s in steps], _changes(steps)
    else:
        fix = [
            f"Grant a role with {_req_text(ptype, perms)} in the division {conv_label}, or in all divisions (*)."
        ]
    fix += _then_call(target)
    if evaluation is not None:
        caveat += _assumed(evaluation)
    return Finding(
        Status.FAIL, summary + caveat, fix=tuple(fix), evidence=evidence, changes=changes, **unconfirmed
    )


def _divisions_of(
    permission_type: str | None,
    permissions: Sequence[str],
    permitted: Mapping[str, PermittedDivisions] | None,
    grant_set: GrantSet | None,
) -> tuple[bool, dict[str, str], str] | None:
    """Where the subject holds a requirement: (in all divisions, {division id: label}, where that was read), from
    Genesys' own divisionspermitted answer when it covers every permission, else from the grants; None when
    neither was read. For ANY, the union over the permissions; for ALL, where every one is held."""
    if permitted and all(p in permitted for p in permissions):
        entries = [permitted[p] for p in permissions]
        source = "GET /api/v2/authorization/divisionspermitted/paged/me (subject)"
        per = [(e.all_divisions, {d: f"{n} ({d})" if n else d for d, n in e.divisions}) for e in entries]
    elif grant_set is not None:
        source = grant_set.source
        per = []
        for p in permissions:
            held = [g for g in grant_set.grants if g.role.grant_reason(p)]
            per.append(
                (
                    any(g.division_id == ALL_DIVISIONS for g in held),
                    {g.division_id: g.division_label for g in held if g.division_id != ALL_DIVISIONS},
                )
            )
    else:
        return None
    if not per:
        return None
    if permission_type == "ALL":
        everywhere = all(a for a, _ in per)
        common = set.intersection(*(set(d) if not a else {"*"} for a, d in per))
        labels = {d: lbl for _, ds in per for d, lbl in ds.items() if d in common or "*" in common}
        return everywhere, labels, source
    labels = {d: lbl for _, ds in per for d, lbl in ds.items()}
    return any(a for a, _ in per), labels, source


def _division_from_refusal(
    ptype: str | None, perms: list[str], facts: FactView, ident: Identity
) -> Finding | None:
    """The subject's read of the conversation was refused: where it holds the read's permission, the conversation
    is not. If every division in which it holds the call's permission is among those, the call is refused too
    (inferred). None when the refusal does not settle it (the unseen error stands)."""
    refusal: ReadRefusal | None = facts["refused_read"]
    if refusal is None:
        return None
    grant_set: GrantSet | None = facts["grants"]
    aware: dict[str, bool | None] = facts["permission_info"] or {}
    held = _divisions_of(ptype, perms, facts["permitted_divisions"], grant_set)
    if held is None:
        return None
    everywhere, held_in, held_source = held
    need = _req_text(ptype, perms)
    refused = f"{refusal.request} by the subject → {refusal.status} {refusal.code}".strip()
    because = [Because(fact="conversation", rule=f"{refused}: the subject may not read the conversation")]
    if refusal.inspector_refused:
        because.append(
            Because(
                fact="conversation",
                rule=f"{refusal.request} by the inspector → 403 too: nobody could read the conversation's division",
            )
        )
    if perms and all(aware.get(p) is False for p in perms):
        return None  # not division-aware: the observed answer is in the caller's ordinary path
    if everywhere:
        return Finding(
            Status.PASS,
            f"the identity holds {need} in all divisions (*): whichever division the conversation is in, a grant "
            "covers it",
            basis=Basis.INFERRED,
            because=(
                *because,
                Because(fact="permitted_divisions", rule=f"{need} is held in all divisions ({held_source})"),
            ),
        )
    if not held_in:
        return None  # held nowhere: auth.permissions says so
    if ident.kind == "user" and scopes_cover(refusal.scopes, ident.scopes) is not True:
        enforced = facts["inputs"].scopes_enforced if facts["inputs"] is not None else None
        observed: ScopeEnforcement | None = facts["scope_enforcement"]
        if enforced is None and observed is not None:
            enforced = observed.enforced
        if enforced is not False:
            return None  # the token lacks the read's scope: a scope may be what refused it
        because.append(
            Because(
                fact="scope_enforcement", rule="the org does not enforce scopes: no scope refused the read"
            )
        )
    view = _divisions_of(refusal.permission_type, refusal.permissions, refusal.permitted, grant_set)
    if view is None:
        return None
    view_everywhere, view_in, view_source = view
    view_need = _req_text(refusal.permission_type, list(refusal.permissions))
    if view_everywhere or not view_in:
        return (
            None  # held in all divisions (something else refused it) or nowhere (no division to reason from)
        )
    if not set(held_in) <= set(view_in):
        return None  # held where it may read conversations and elsewhere: the conversation may be elsewhere
    where = ", ".join(sorted(held_in.values()))
    views = ", ".join(sorted(view_in.values()))
    because += [
        Because(fact="refused_read", rule=f"the subject holds {view_need} only in {views} ({view_source})"),
        Because(fact="permitted_divisions", rule=f"it holds {need} only in {where} ({held_source})"),
        Because(
            rule=f"a conversation is division-protected, so a refused read means it is in none of {views}; every "
            f"division where {need} is held is among them → no grant of {need} covers the conversation"
        ),
    ]
    assumed = [
        p for p in (*perms, *refusal.permissions) if aware.get(p, refusal.division_aware.get(p)) is None
    ]
    detail = (
        "Not ruled out (genesys-facts §4): an access policy (ABAC) denying the read, or a grant changed in the last "
        "minutes."
    )
    if assumed:
        detail += f" Assumed division-aware (unconfirmed): {', '.join(dict.fromkeys(assumed))}."
    if ident.kind == "client_credentials" and "divisionspermitted" in held_source + view_source:
        detail += (
            " What divisionspermitted/paged/me evaluates for a client-credentials token is unconfirmed; an "
            "inspector that reads the OAuth client's roles settles it."  # genesys-facts §4 UNCONFIRMED
        )
    return Finding(
        Status.FAIL,
        f"the identity holds {need} only in {where}, and its read of the conversation was refused: the "
        "conversation is in another division, where the call would be refused too",
        detail=detail,
        fix=(
            f"Grant a role with {need} in the conversation's division (which the subject may not read), or in all "
            "divisions (*).",
        ),
        see_more=(
            # The inspector was refused too: its grant is what would confirm it (the same step as the refused
            # read's, stated once in the report).
            refusal.remedy
            if refusal.inspector_refused and refusal.remedy
            else f"To confirm the conversation's division: have an inspector read {refusal.request} (it needs "
            f"{view_need}): --inspector-client-id/--inspector-client-secret or --inspector-token.",
        ),
        evidence={"refused_read": refusal.to_dict(), "held_in": sorted(held_in), "view_in": sorted(view_in)},
        basis=Basis.INFERRED,
        because=tuple(because),
    )


def _without_target_division(ptype: str | None, perms: list[str], facts: FactView) -> Finding:
    """can-i without --division: any grant would do for an object in its division, but which objects is open.

    Held in all divisions (*) or not division-aware: nothing depends on the target. Held only in some divisions:
    the call succeeds only for objects in those, which the answer must say rather than pass silently.
    """
    grant_set: GrantSet | None = facts["grants"]
    aware: dict[str, bool | None] = facts["permission_info"] or {}
    if grant_set is None or all(aware.get(p) is False for p in perms):
        return Finding(Status.SKIP, "no division given (--division): any grant counts, see auth.permissions")
    evaluation = evaluate(ptype, perms, grant_set.grants, None, aware)
    if not evaluation.permission_ok:
        return Finding(Status.SKIP, "no division given (--division); see auth.permissions")
    held = [c for c in evaluation.considered if c.has_permission]
    if any(c.division_id == ALL_DIVISIONS for c in held):
        return Finding(
            Status.PASS, "held in all divisions (*): whatever the target's division, a grant covers it"
        )
    where = ", ".join(sorted({c.division for c in held}))
    assumed = _assumed_text(
        [p for p in perms if aware.get(p) is None]
    )  # evaluated with no target: say it here
    return Finding(
        Status.WARN,
        f"held only in {where}: the call succeeds only for objects in "
        f"{'that division' if ',' not in where else 'those divisions'}{assumed}",
        fix=("Give the target's division with --division ID|NAME to check it.",),
        evidence={"evaluation": evaluation.to_dict()},
    )


def _assumed(evaluation: Evaluation) -> str:
    """The division-aware assumption a verdict rests on, for its summary (not only the evidence): a permission that
    is not division-aware applies in any division (genesys-facts §4 UNCONFIRMED when the API does not say)."""
    return _assumed_text(list(evaluation.division_assumed))


def _assumed_text(permissions: list[str]) -> str:
    if not permissions:
        return ""
    return (
        f"; assuming {', '.join(permissions)} is division-aware: GET /api/v2/authorization/permissions did not "
        "say (unconfirmed)"
    )


def _held_divisions(permitted: dict[str, PermittedDivisions] | None, evaluation: Evaluation | None) -> str:
    if permitted:
        names = sorted({f"{n} ({d})" for p in permitted.values() for d, n in p.divisions})
        return ", ".join(names)
    if evaluation is not None:
        return ", ".join(sorted({c.division for c in evaluation.considered if c.has_permission}))
    return ""


@check(
    id="auth.participant",
    title="The caller is a participant (only for the participant route)",
    scenarios=("recording-stop", "can-i"),
    blocking=True,
    needs=("identity", "target_call"),
    wants=("conversation", "target_ids"),
    fix=(
        "Use PUT /api/v2/conversations/calls/{conversationId}/recordingstate, which needs "
        "conversation:recording:pauseOthers and no participation."
    ),
)
def auth_participant(facts: FactView) -> Finding:
    """PATCH /api/v2/conversations/calls/{id} pauses only for a user who is one of the participants (genesys-facts §3.2 c)."""
    target: TargetCall = facts["target_call"]
    if not target.requires_participant:
        return Finding(Status.SKIP, f"{target.text} does not require the caller to be a participant")
    ident: Identity = facts["identity"]
    alternative = f"{SECURE_PAUSE[0]} {SECURE_PAUSE[1]}"
    if ident.kind == "client_credentials":
        return Finding(
            Status.FAIL,
            "a client-credentials token has no user, so it can never be a participant of the call",
            fix=(SECURE_PAUSE_WITHOUT_PARTICIPATION,),
        )
    ids = facts["target_ids"]
    if ids is not None and ids.conversation_id is None:
        # can-i with {conversationId}: whether the user is a participant depends on the conversation.
        return Finding(
            Status.WARN,
            f"only a participant of the conversation can make this call; whether the user "
            f"{ident.user_name or ident.user_id} is one depends on the conversation (write its id in the path)",
            fix=(f"Use {alternative}, which does not require participation.",),
        )
    problem = facts.problem("conversation")
    if problem is not None:
        return unseen(problem)
    participants = [p.get("userId") for p in (facts["conversation"] or {}).get("participants") or ()]
    if ident.user_id and ident.user_id in participants:
        return Finding(Status.PASS, f"the user {ident.user_name or ident.user_id} is a participant")
    return Finding(
        Status.FAIL,
        f"the user {ident.user_name or ident.user_id} is not a participant of this conversation",
        fix=(f"Use {alternative}, which does not require participation.",),
        evidence={"participant_user_ids": [p for p in participants if p]},
    )
