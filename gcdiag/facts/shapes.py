"""The shapes of the Genesys answers checks rely on, and the check that an answer has one.

A 2xx answer with a null where an id belongs, a string where a list belongs, or another conversation than the
one asked for is not data: a verdict built on it would be confident and wrong ("conversation None found",
"org None"). So every answer a fact reads is checked here first, against the fields and types gcdiag uses,
with the official SDK's models as the reference (``purecloudplatformclientv2`` 269.0.0, the model named in
each :class:`Shape`; field names are the models' ``attribute_map``). A wrong shape makes the fact an error
naming the request, the field and what was found; the ids that come back are compared with those asked for.

Only what gcdiag reads is described, so an answer with more fields (a newer API) still passes; a field that is
absent or null passes too unless it is :class:`Required`, because the SDK reads null and absent alike and
Genesys leaves out what it does not know (a name may be missing; the conversation's id may not).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from gcdiag.util.documents import json_type


@dataclass(frozen=True)
class Shape:
    """A JSON object as one SDK model: the fields gcdiag reads and their specs."""

    model: str
    fields: Mapping[str, Spec] = field(default_factory=dict)


@dataclass(frozen=True)
class ListOf:
    item: Spec


@dataclass(frozen=True)
class MapOf:
    """An object used as a map (``dict(str, X)`` in the SDK): any keys, each value an ``X``."""

    value: Spec


@dataclass(frozen=True)
class Required:
    """A field that must be present and not null."""

    spec: Spec


Spec = Union[type, Shape, ListOf, MapOf, Required]  # noqa: UP007 - a runtime alias: X | Y cannot name a type


class ShapeError(ValueError):
    """An answer does not have the shape gcdiag reads. ``path`` names the field (``divisions[0].division``)."""

    def __init__(self, path: str, problem: str, model: str) -> None:
        super().__init__(f"{path or 'the answer'} {problem}")
        self.path = path
        self.problem = problem
        self.model = model


_TYPE_NAMES = {str: "a string", bool: "true or false", int: "an integer", dict: "an object", list: "a list"}


# How an answer's field is described in an error, by its JSON type.
_PROSE = {
    "null": "null",
    "boolean": "true or false",
    "integer": "an integer",
    "number": "a number",
    "string": "a string",
    "object": "an object",
    "array": "a list",
}


def _kind(value: Any) -> str:
    kind = json_type(value)
    return _PROSE.get(kind, kind)


def _expected(spec: Spec) -> str:
    if isinstance(spec, Required):
        return _expected(spec.spec)
    if isinstance(spec, (Shape, MapOf)):
        return "an object"
    if isinstance(spec, ListOf):
        return "a list"
    return _TYPE_NAMES.get(spec, spec.__name__)


def check_shape(value: Any, spec: Spec, path: str = "", model: str = "") -> None:
    """Raise :class:`ShapeError` at the first place ``value`` does not fit ``spec``."""
    if isinstance(spec, Required):
        if value is None:
            raise ShapeError(
                path, f"is {'null' if path else 'empty'}; the {model or 'answer'} must have it", model
            )
        spec = spec.spec
    if value is None:
        return
    if isinstance(spec, Shape):
        if not isinstance(value, dict):
            raise ShapeError(path, f"is {_kind(value)}, not an object", spec.model)
        for name, sub in spec.fields.items():
            check_shape(value.get(name), sub, f"{path}.{name}" if path else name, spec.model)
    elif isinstance(spec, ListOf):
        if not isinstance(value, list):
            raise ShapeError(path, f"is {_kind(value)}, not a list", model)
        for index, item in enumerate(value):
            check_shape(item, spec.item, f"{path}[{index}]", model)
    elif isinstance(spec, MapOf):
        if not isinstance(value, dict):
            raise ShapeError(path, f"is {_kind(value)}, not an object", model)
        for key, item in value.items():
            check_shape(item, spec.value, f"{path}.{key}" if path else str(key), model)
    elif isinstance(spec, type):
        fits = isinstance(value, spec) and not (spec is int and isinstance(value, bool))
        if not fits:
            raise ShapeError(path, f"is {_kind(value)}, not {_expected(spec)}", model)
    else:
        raise TypeError(f"not a shape spec: {spec!r}")


def check_id(value: Any, field_name: str, wanted: str, what: str) -> None:
    """The id an answer carries must be the one asked for (``what``: "conversation"). ``[].field``: in each
    item of a list answer, where the item has the field at all."""
    if field_name.startswith("[]."):
        inner = field_name[3:]
        for index, item in enumerate(value if isinstance(value, list) else ()):
            got = item.get(inner) if isinstance(item, dict) else None
            if got is not None and str(got) != wanted:
                raise ShapeError(
                    f"[{index}].{inner}", f"is {got}, not {wanted}: the answer lists another {what}'s", ""
                )
        return
    got = value.get(field_name) if isinstance(value, dict) else None
    if got is None:
        raise ShapeError(field_name, f"is null or missing; {what} asked for is {wanted}", "")
    if str(got) != wanted:
        raise ShapeError(field_name, f"is {got}, not {wanted}: the answer is about another {what}", "")


# --- the answers -------------------------------------------------------------------------------------------------

NAMED_ENTITY = Shape("NamedEntity", {"id": str, "name": str})
ROLE_DIVISION = Shape("RoleDivision", {"roleId": Required(str), "divisionId": str})

# GET /api/v2/tokens/me [SDK-M:token_info]; OAuthClient is an OrgOAuthClient [SDK-M:org_o_auth_client].
TOKEN_INFO = Shape(
    "TokenInfo",
    {
        "organization": NAMED_ENTITY,
        "homeOrganization": NAMED_ENTITY,
        "authorizedScope": ListOf(str),
        "clonedUser": dict,  # TokenInfoClonedUser
        "dateTokenIdles": str,
        "OAuthClient": Shape(
            "OrgOAuthClient",
            {
                "id": str,
                "name": str,
                "authorizedGrantType": str,
                "state": str,
                "roleDivisions": ListOf(ROLE_DIVISION),
            },
        ),
    },
)

# GET /api/v2/users/me [SDK-M:user_me]
USER_ME = Shape("UserMe", {"id": str, "name": str})

# GET /api/v2/oauth/clients/{clientId} [SDK-M:o_auth_client]
OAUTH_CLIENT = Shape(
    "OAuthClient",
    {
        "id": Required(str),
        "name": str,
        "state": str,
        "authorizedGrantType": str,
        "roleDivisions": ListOf(ROLE_DIVISION),
    },
)

# GET /api/v2/authorization/roles/{roleId} [SDK-M:domain_organization_role], [SDK-M:domain_permission_policy]
ROLE = Shape(
    "DomainOrganizationRole",
    {
        "id": Required(str),
        "name": str,
        "permissions": ListOf(str),
        "permissionPolicies": ListOf(
            Shape("DomainPermissionPolicy", {"domain": str, "entityName": str, "actionSet": ListOf(str)})
        ),
    },
)

AUTHZ_DIVISION = Shape("AuthzDivision", {"id": Required(str), "name": str, "homeDivision": bool})

# GET /api/v2/authorization/divisions [SDK-M:authz_division_entity_listing]
DIVISIONS_PAGE = Shape(
    "AuthzDivisionEntityListing", {"entities": ListOf(AUTHZ_DIVISION), "pageCount": int, "total": int}
)

# GET /api/v2/authorization/divisionspermitted/paged/me [SDK-M:divs_permitted_entity_listing]
PERMITTED_PAGE = Shape(
    "DivsPermittedEntityListing",
    {"entities": ListOf(AUTHZ_DIVISION), "allDivsPermitted": bool, "pageCount": int},
)

# GET /api/v2/authorization/subjects/me [SDK-M:authz_subject], [SDK-M:authz_grant], [SDK-M:authz_grant_role]
SUBJECT = Shape(
    "AuthzSubject",
    {
        "grants": ListOf(
            Shape(
                "AuthzGrant",
                {
                    "role": Shape(
                        "AuthzGrantRole",
                        {
                            "id": str,
                            "name": str,
                            "policies": ListOf(
                                Shape(
                                    "AuthzGrantPolicy",
                                    {"domain": str, "entityName": str, "actions": ListOf(str)},
                                )
                            ),
                        },
                    ),
                    "division": Shape("AuthzDivision", {"id": str, "name": str}),
                },
            )
        )
    },
)

# GET /api/v2/authorization/permissions [SDK-M:permission_collection_entity_listing],
# [SDK-M:domain_permission_collection] (permissionMap: dict(str, list[DomainPermission])), [SDK-M:domain_permission]
PERMISSIONS_PAGE = Shape(
    "PermissionCollectionEntityListing",
    {
        "entities": ListOf(
            Shape(
                "DomainPermissionCollection",
                {
                    "permissionMap": MapOf(
                        ListOf(
                            Shape(
                                "DomainPermission",
                                {"domain": str, "entityType": str, "action": str, "divisionAware": bool},
                            )
                        )
                    )
                },
            )
        ),
        "pageCount": int,
    },
)

# GET /api/v2/conversations/{conversationId} [SDK-M:conversation], [SDK-M:conversation_division_membership],
# [SDK-M:participant], [SDK-M:call]
CONVERSATION = Shape(
    "Conversation",
    {
        "id": Required(str),
        "startTime": str,
        "endTime": str,
        "recordingState": str,
        "securePause": bool,
        "divisions": ListOf(
            Shape(
                "ConversationDivisionMembership",
                {"division": Shape("DomainEntityRef", {"id": str, "name": str}), "entities": ListOf(dict)},
            )
        ),
        "participants": ListOf(
            Shape(
                "Participant",
                {
                    "id": str,
                    "purpose": str,
                    "userId": str,
                    "calls": ListOf(
                        Shape(
                            "Call",
                            {
                                "id": str,
                                "state": str,
                                "recording": bool,
                                "recordingState": str,
                                "securePause": bool,
                                "recordersState": dict,
                                "recordingId": str,
                            },
                        )
                    ),
                },
            )
        ),
    },
)

# GET /api/v2/conversations/{conversationId}/recordings: list[Recording] [SDK-M:recording]
RECORDINGS = ListOf(
    Shape(
        "Recording",
        {
            "id": Required(str),
            "conversationId": str,
            "fileState": str,
            "recordingFileRole": str,
            "media": str,
            "mediaSubtype": str,
        },
    )
)

# POST /api/v2/audits/query/realtime [SDK-M:audit_realtime_query_results_response]
AUDIT_PAGE = Shape(
    "AuditRealtimeQueryResultsResponse", {"entities": ListOf(dict), "pageCount": int, "total": int}
)

# The interaction audit query: its status, then its results [SDK-M:quality_audit_query_execution_status_response],
# [SDK-M:quality_audit_query_execution_results_response]
AUDIT_QUERY_STATUS = Shape("QualityAuditQueryExecutionStatusResponse", {"id": str, "state": str})
AUDIT_QUERY_RESULTS = Shape(
    "QualityAuditQueryExecutionResultsResponse", {"entities": ListOf(dict), "cursor": str}
)
