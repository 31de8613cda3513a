"""Identity: login and OAuth 2.0 authorization service."""


def main(global_config, **settings):
    """PasteDeploy app factory: build the Identity WSGI application."""
    from identity.app import make_app

    return make_app(global_config, settings)
