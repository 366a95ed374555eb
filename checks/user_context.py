"""``auth.user-context``: a call that needs a user is not made with a client-credentials token, which has none."""

from __future__ import annotations

from gcdiag.facts.types import Identity
from gcdiag.genesys.constants import USER_CONTEXT_ONLY
from gcdiag.genesys.targets import TargetCall
from gcdiag.pipeline import FactView, Finding, Status, check


@check(
    id="auth.user-context",
    title="A call that needs a user is made with a user's token",
    scenarios=("recording-stop", "can-i"),
    blocking=True,
    needs=("identity", "target_call"),
    fix=(
        "Make the call with a user's token (a code, PKCE, implicit or SAML2-bearer grant). For the OAuth client's own "
        "identity read GET /api/v2/tokens/me instead of /api/v2/users/me."
    ),
)
def auth_user_context(facts: FactView) -> Finding:
    """``GET /api/v2/users/me`` needs a user context; a client-credentials token has no user (genesys-facts §1.1, §5,
    CONFIRMED). No role or permission changes that: the fix is another kind of token or another call."""
    target: TargetCall = facts["target_call"]
    source = USER_CONTEXT_ONLY.get((target.method, target.path)) if target.operation else None
    if source is None:
        return Finding(Status.SKIP, "not a call that needs a user")
    ident: Identity = facts["identity"]
    evidence = {
        "call": target.text,
        "identity_kind": ident.kind,
        "grant_type": ident.grant_type,
        "source": source,
    }
    if ident.kind == "client_credentials":
        return Finding(
            Status.FAIL,
            f"{target.text} needs a user, and a client-credentials token has none: Genesys refuses it whatever the "
            "OAuth client's roles",
            detail='Genesys: "This request is not valid when using the Client Credentials OAuth grant" (the Users API '
            'documentation); a real org answers 400 ("This request requires a user context").',
            evidence=evidence,
        )
    if ident.kind == "user":
        who = ident.user_name or ident.user_id or "a user"
        return Finding(Status.PASS, f"the token is {who}'s: {target.text} has its user", evidence=evidence)
    return Finding(
        Status.ERROR,
        f"{target.text} needs a user, and gcdiag could not tell whether the token has one (no grant type in "
        "GET /api/v2/tokens/me)",
        evidence=evidence,
    )
