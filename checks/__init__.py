"""Built-in gcdiag checks.

Installed as the package ``gcdiag_checks`` and registered under the ``gcdiag.checks`` entry-point group, so they
load through exactly the path a third-party plugin uses. Every ``*.py`` module here declares its checks with
``gcdiag.check.check``; every ``*.yaml`` file is a declarative check.
"""
