"""The embedded Platform API's rules: login, tokens, resets, invitations, two-factor, devices.

Plain functions over the store, with explicit inputs (a ``Work``: the open
transaction, the services, the caller's IP and the request's password work)
and named errors (``domain.errors``).  Nothing here knows HTTP.
"""
