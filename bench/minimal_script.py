"""The yardstick: the fewest sequential calls a hand-written `requests` script needs for the same verdict.

Run:  python bench/minimal_script.py --api-url URL --login-url URL [--ca-bundle PEM] CONVERSATION_ID

token → the conversation (is the call live, in which division) → the subject's OAuth client (its roles and
divisions), one after another, on one `requests.Session` (one connection per host, reused). The reader is the
inspector when GCDIAG_INSPECTOR_CLIENT_ID/SECRET are set (an admin may read the OAuth client), else the subject
(GENESYSCLOUD_OAUTHCLIENT_ID/SECRET). It prints what it read in one line and exits 0: it decides nothing, it only
sets the floor a script pays for the same reads.
"""

from __future__ import annotations

import argparse
import os
import sys

import requests


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--login-url", required=True)
    parser.add_argument("--ca-bundle")
    parser.add_argument("conversation")
    args = parser.parse_args()
    subject = os.environ["GENESYSCLOUD_OAUTHCLIENT_ID"]
    reader = os.environ.get("GCDIAG_INSPECTOR_CLIENT_ID") or subject
    secret = os.environ.get("GCDIAG_INSPECTOR_CLIENT_SECRET") or os.environ["GENESYSCLOUD_OAUTHCLIENT_SECRET"]
    http = requests.Session()
    # Per request: a session's verify loses to REQUESTS_CA_BUNDLE in the environment.
    verify = args.ca_bundle or True
    token = http.post(
        f"{args.login_url}/oauth/token",
        auth=(reader, secret),
        data={"grant_type": "client_credentials"},
        timeout=30,
        verify=verify,
    )
    token.raise_for_status()
    http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    conversation = http.get(
        f"{args.api_url}/api/v2/conversations/{args.conversation}", timeout=30, verify=verify
    )
    client = http.get(f"{args.api_url}/api/v2/oauth/clients/{subject}", timeout=30, verify=verify)
    roles = [rd.get("roleId") for rd in client.json().get("roleDivisions") or ()] if client.ok else []
    print(f"conversation {conversation.status_code}, OAuth client {client.status_code}, roles {roles}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
