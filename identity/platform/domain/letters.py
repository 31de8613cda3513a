"""Mail bodies: a text and an HTML part rendered from the templates in ``mail_templates/``.

Each mail ``NAME`` has ``NAME.txt.mako`` and ``NAME.html.mako``; the HTML one
escapes every value (``default_filters=["h"]``), so a name or an address with
markup stays text.  A missing value is an error, not an empty string.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.resources

from mako.lookup import TemplateLookup

#: The packaged folder of templates (package_data in setup.py).
FOLDER = importlib.resources.files(__package__) / "mail_templates"


@dataclasses.dataclass(frozen=True)
class Letter:
    """A mail's subject and its two bodies."""

    subject: str
    text: str
    html: str


@functools.cache
def _lookups() -> tuple[TemplateLookup, TemplateLookup]:
    folder = str(FOLDER)
    text = TemplateLookup(directories=[folder], strict_undefined=True)
    html = TemplateLookup(directories=[folder], strict_undefined=True, default_filters=["h"])
    return text, html


def render(name: str, subject: str, **values) -> Letter:
    text, html = _lookups()
    # A subject carries names people chose (an app's): one line, or a header injection.
    subject = " ".join(subject.split())
    values = dict(values, subject=subject)
    return Letter(
        subject,
        text.get_template(f"{name}.txt.mako").render(**values),
        html.get_template(f"{name}.html.mako").render(**values),
    )
