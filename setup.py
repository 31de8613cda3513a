from pathlib import Path

from setuptools import find_packages, setup

setup(
    name="identity",
    version="0.1.0",
    description="Login and OAuth 2.0 authorization service (a Python Heroku Identity)",
    long_description=Path("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    python_requires=">=3.11",
    packages=[*find_packages(include=["identity", "identity.*"]), "identity.templates"],
    package_dir={"identity.templates": "templates"},
    package_data={
        "identity.templates": ["*.mako", "*.css", "*/*.mako"],
        # Alembic reads these as files: the revisions are no package.
        "identity.platform.store": ["migrations/script.py.mako", "migrations/versions/*.py"],
        "identity.platform.domain": ["mail_templates/*.mako"],
    },
    include_package_data=True,
    install_requires=[
        "oauthlib>=3.2,<5",
        "WebOb>=1.8,<2",
        "Mako>=1.2,<2",
        "waitress>=3.0,<4",
        "requests>=2.31,<3",
        "cryptography>=44,<51",
        "PasteDeploy>=3.0,<4",
        "PyJWT>=2.8,<3",
        "zxcvbn>=4.4,<5",
        "SQLAlchemy>=2.0,<2.1",
        "alembic>=1.13,<2",
        "psycopg[binary]>=3.1,<4",
        "prometheus-client>=0.20,<1",
        "python-json-logger>=3.1,<5",
        "pybreaker>=1.2,<2",
        # The two-factor enrolment QR code, as inline SVG.
        "segno>=1.6,<2",
    ],
    extras_require={
        "test": [
            "pytest>=8,<10",
            "WebTest>=3.0,<4",
            "responses>=0.25,<1",
            "requests-oauthlib>=2.0,<3",
            "Authlib>=1.3,<2",
            # pyoidc: a second, independent OpenID relying party for the interop tests.
            "oic>=1.7,<2",
            "selenium>=4.20,<5",
            "ruff>=0.6",
            "import-linter>=2.0,<3",
            "hypothesis>=6.100,<7",
        ],
    },
    entry_points={
        "console_scripts": ["identity = identity.cli:main"],
        "paste.app_factory": ["main = identity:main"],
    },
)
