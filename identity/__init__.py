"""Identity: login and OAuth 2.0 authorization service."""


def main(global_config, **settings):
    """PasteDeploy app factory: build the Identity WSGI application, access-logged."""
    from identity.app import make_app
    from identity.observe import Observed

    return Observed(make_app(global_config, settings), "identity")
