"""Regions: every region of genesys-facts §9 with its API and login hosts, and what resolve_region accepts."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from gcdiag.genesys.regions import REGIONS, Region, find_region, region_for_url, resolve_region

# genesys-facts §9, copied here on purpose so the module is checked against the fact sheet, not against itself.
FACTS_9 = [
    ("us_east_1", "https://api.mypurecloud.com", "https://login.mypurecloud.com"),
    ("us_east_2", "https://api.use2.us-gov-pure.cloud", "https://login.use2.us-gov-pure.cloud"),
    ("us_west_2", "https://api.usw2.pure.cloud", "https://login.usw2.pure.cloud"),
    ("ca_central_1", "https://api.cac1.pure.cloud", "https://login.cac1.pure.cloud"),
    ("sa_east_1", "https://api.sae1.pure.cloud", "https://login.sae1.pure.cloud"),
    ("mx_central_1", "https://api.mxc1.pure.cloud", "https://login.mxc1.pure.cloud"),
    ("eu_west_1", "https://api.mypurecloud.ie", "https://login.mypurecloud.ie"),
    ("eu_west_2", "https://api.euw2.pure.cloud", "https://login.euw2.pure.cloud"),
    ("eu_central_1", "https://api.mypurecloud.de", "https://login.mypurecloud.de"),
    ("eu_central_2", "https://api.euc2.pure.cloud", "https://login.euc2.pure.cloud"),
    ("eusc_de_east_1", "https://api.edee1.eusc-pure.cloud", "https://login.edee1.eusc-pure.cloud"),
    ("me_central_1", "https://api.mec1.pure.cloud", "https://login.mec1.pure.cloud"),
    ("ap_south_1", "https://api.aps1.pure.cloud", "https://login.aps1.pure.cloud"),
    ("ap_southeast_1", "https://api.apse1.pure.cloud", "https://login.apse1.pure.cloud"),
    ("ap_southeast_2", "https://api.mypurecloud.com.au", "https://login.mypurecloud.com.au"),
    ("ap_northeast_1", "https://api.mypurecloud.jp", "https://login.mypurecloud.jp"),
    ("ap_northeast_2", "https://api.apne2.pure.cloud", "https://login.apne2.pure.cloud"),
    ("ap_northeast_3", "https://api.apne3.pure.cloud", "https://login.apne3.pure.cloud"),
]
IDS = [row[0] for row in FACTS_9]


def test_exactly_the_18_regions_of_facts_9() -> None:
    assert len(FACTS_9) == 18
    assert set(REGIONS) == set(IDS)


@pytest.mark.parametrize(("name", "api", "login"), FACTS_9, ids=IDS)
def test_region_hosts(name: str, api: str, login: str) -> None:
    region = resolve_region(name)
    assert region == REGIONS[name]
    assert (region.name, region.api_url, region.login_url) == (name, api, login)
    assert region.domain == api.removeprefix("https://api.")


@pytest.mark.parametrize(("name", "api", "login"), FACTS_9, ids=IDS)
def test_domain_and_url_inputs(name: str, api: str, login: str) -> None:
    domain = api.removeprefix("https://api.")
    for value in (
        domain,
        f"api.{domain}",
        f"login.{domain}",
        api,
        api + "/",
        f"{api}/api/v2/tokens/me",
        login,
        f"  {domain.upper()}  ",
        name.replace("_", "-"),  # the AWS-style spelling the Genesys CLI maps
        name.upper(),
    ):
        assert resolve_region(value).name == name, value
    assert region_for_url(api) == REGIONS[name]
    assert region_for_url(login + "/oauth/token") == REGIONS[name]


@pytest.mark.parametrize(
    "value",
    [
        "mars_north_1",
        "",
        "localhost",
        "example.com",
        "api.example.com",
        "https://gateway.corp/api",
        "mypurecloud",
    ],
)
def test_unknown_region_lists_the_valid_names(value: str) -> None:
    with pytest.raises(ValueError) as info:
        resolve_region(value)
    message = str(info.value)
    for name in IDS:
        assert name in message
    assert find_region(value) is None


def test_a_proxy_or_sandbox_url_belongs_to_no_region() -> None:
    assert region_for_url("http://127.0.0.1:8080") is None
    assert region_for_url("https://proxy.example.com") is None
    # Not a lookalike host that merely ends with a region's domain.
    assert region_for_url("https://api.mypurecloud.com.evil.example") is None
    assert find_region("https://api.mypurecloud.com.evil.example") is None


def test_region_is_frozen() -> None:
    region = resolve_region("us_east_1")
    with pytest.raises(AttributeError):
        region.name = "x"  # type: ignore[misc]
    assert isinstance(region, Region)


def _sdk_region_hosts() -> dict[str, str]:
    """The SDK's own PureCloudRegionHosts enum, loaded from its file without importing the whole SDK."""
    spec = importlib.util.find_spec("PureCloudPlatformClientV2")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("the official SDK is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "purecloud_region_hosts.py"
    module_spec = importlib.util.spec_from_file_location("_sdk_region_hosts", path)
    assert module_spec is not None and module_spec.loader is not None
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return {member.name: member.value for member in module.PureCloudRegionHosts}


def test_regions_agree_with_the_official_sdk() -> None:
    sdk = _sdk_region_hosts()
    assert {name: r.api_url for name, r in REGIONS.items()} == sdk
