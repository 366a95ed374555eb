"""A pytest fixture for plugin authors: ``gcdiag_org``, a sandbox org served for one test.

Enable it in your conftest with ``pytest_plugins = ["gcdiag.testing.pytest_plugin"]``; choose the org with
``@pytest.mark.parametrize("gcdiag_org", ["healthy"], indirect=True)`` (default ``seed-403``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gcdiag.testing import SandboxOrg, sandbox_org


@pytest.fixture
def gcdiag_org(request: pytest.FixtureRequest) -> Iterator[SandboxOrg]:
    with sandbox_org(getattr(request, "param", "seed-403")) as org:
        yield org
