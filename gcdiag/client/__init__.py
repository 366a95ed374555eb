"""The HTTP client: the only package that imports requests.

One :class:`~gcdiag.client.api.ApiClient` per identity (token handling, bounded retries, a client-side rate
limit, request provenance), the run's :class:`~gcdiag.client.session.Session` of subject and inspector, and the
unauthenticated swagger download.
"""
