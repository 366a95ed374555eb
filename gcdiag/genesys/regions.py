"""Genesys Cloud regions: name → API host and login host.

Source: genesys-facts §9, which copies the official Python SDK's ``purecloud_region_hosts.py`` (CONFIRMED). The
login host is ``login.`` + the same domain: the SDK derives its token URL by replacing ``//api.`` with
``//login.`` in the API base URL (``ApiClient.get_conf_url``, genesys-facts §1.4, CONFIRMED).

:func:`resolve_region` accepts what people type: a region name in either spelling (``us_east_1`` as in the
SDK, ``us-east-1`` as in the AWS-style names the Genesys CLI maps), or a domain with or without
``api.``/``login.`` and a scheme (``mypurecloud.ie``, ``api.mypurecloud.ie``,
``https://api.mypurecloud.ie/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Region:
    """One Genesys Cloud region. URLs carry no trailing slash."""

    name: str  # SDK spelling, e.g. us_east_1
    domain: str  # e.g. mypurecloud.com
    api_url: str  # e.g. https://api.mypurecloud.com
    login_url: str  # e.g. https://login.mypurecloud.com


def _region(name: str, domain: str) -> Region:
    return Region(
        name=name, domain=domain, api_url=f"https://api.{domain}", login_url=f"https://login.{domain}"
    )


# genesys-facts §9, in its order (all 18 regions of the SDK 269.0.0 enum PureCloudRegionHosts).
REGIONS: dict[str, Region] = {
    r.name: r
    for r in (
        _region("us_east_1", "mypurecloud.com"),
        _region("us_east_2", "use2.us-gov-pure.cloud"),  # FedRAMP
        _region("us_west_2", "usw2.pure.cloud"),
        _region("ca_central_1", "cac1.pure.cloud"),
        _region("sa_east_1", "sae1.pure.cloud"),
        _region("mx_central_1", "mxc1.pure.cloud"),
        _region("eu_west_1", "mypurecloud.ie"),
        _region("eu_west_2", "euw2.pure.cloud"),
        _region("eu_central_1", "mypurecloud.de"),
        _region("eu_central_2", "euc2.pure.cloud"),
        _region("eusc_de_east_1", "edee1.eusc-pure.cloud"),
        _region("me_central_1", "mec1.pure.cloud"),
        _region("ap_south_1", "aps1.pure.cloud"),
        _region("ap_southeast_1", "apse1.pure.cloud"),
        _region("ap_southeast_2", "mypurecloud.com.au"),
        _region("ap_northeast_1", "mypurecloud.jp"),
        _region("ap_northeast_2", "apne2.pure.cloud"),
        _region("ap_northeast_3", "apne3.pure.cloud"),
    )
}

_BY_DOMAIN: dict[str, Region] = {r.domain: r for r in REGIONS.values()}


def _host_of(value: str) -> str:
    """The bare host of a URL or domain, lower case, without port, path, ``api.`` or ``login.``."""
    text = value.strip().lower()
    if "://" not in text:
        text = "//" + text  # let urlsplit find the host of "api.mypurecloud.ie/x"
    host = urlsplit(text).hostname or ""
    host = host.rstrip(".")
    for prefix in ("api.", "login."):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


def find_region(value: str) -> Region | None:
    """The region ``value`` names (name, domain or URL), or None. Never raises."""
    text = value.strip()
    if not text:
        return None
    name = text.lower().replace("-", "_")
    if name in REGIONS:
        return REGIONS[name]
    try:
        return _BY_DOMAIN.get(_host_of(text))
    except ValueError:  # urlsplit rejects e.g. an invalid IPv6 literal
        return None


def region_for_url(url: str) -> Region | None:
    """The region whose API or login host ``url`` points at exactly, or None (a proxy, the sandbox...)."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    for region in REGIONS.values():
        if host in (f"api.{region.domain}", f"login.{region.domain}"):
            return region
    return None


def resolve_region(value: str) -> Region:
    """The region named by ``value``: a name (``us_east_1``, ``us-east-1``) or a domain or URL.

    Raises ValueError listing the valid names when ``value`` names no known region.
    """
    region = find_region(value)
    if region is None:
        raise ValueError(
            f"unknown region {value.strip()!r}: use one of {', '.join(REGIONS)} "
            "or a domain such as mypurecloud.ie"
        )
    return region
