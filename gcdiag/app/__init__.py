"""The composition root: the one package that calls the stages in order (settings → session → facts →
checks → report → output). The CLI hands it plain values (:class:`~gcdiag.app.invocation.Invocation` and a
request per command); tests can call it without click.
"""
