"""Fixed names of the Genesys Cloud platform that several layers need, each with its source.

docs/genesys-facts.md is the index of sources; the labels CONFIRMED / INFERRED / UNCONFIRMED are its own.
"""

from __future__ import annotations

# The token endpoint on the login host: POST {login_url}/oauth/token (§1.4, CONFIRMED).
TOKEN_PATH = "/oauth/token"

# OrgOAuthClient.authorizedGrantType enum value of the client-credentials grant [SDK-M:org_o_auth_client]
# (§1.2, CONFIRMED). Not to be confused with gcdiag's own credential kind "client_credentials"
# (gcdiag.settings.model.CredentialKind), which says how gcdiag itself logs in.
GRANT_CLIENT_CREDENTIALS = "CLIENT-CREDENTIALS"

# A role granted in every division: RoleDivision.divisionId "*" (§4, CONFIRMED).
ALL_DIVISIONS = "*"

# Operations that need a user: a client-credentials token has none. GET /api/v2/users/me: "This request is not valid
# when using the Client Credentials OAuth grant" [SDK-A:users_api], "/api/v2/users/me will not be available because
# the auth token is not in the context of a user" (§1.1, §5, CONFIRMED). No other operation is listed: the fact
# sheet confirms none, and gcdiag does not guess (another /me operation may well need a user too).
USER_CONTEXT_ONLY = {("GET", "/api/v2/users/me"): "genesys-facts §5 (CONFIRMED)"}
