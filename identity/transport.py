"""A requests transport adapter that calls a WSGI application in-process.

Identity talks to the embedded Platform API through the same ``HerokuAPI``
code path it uses for a remote API: a ``requests.Session`` builds and sends
each request, only the last hop differs.  Mounting this adapter skips the
loopback socket (see bench/transport.py for the measured difference) and lets
any WSGI server, or WebTest, host Identity with no second port.
"""

from __future__ import annotations

from io import BytesIO
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from webob import Request


class WSGIAdapter(BaseAdapter):
    """Send prepared requests to *app* instead of the network."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        url = urlsplit(request.url)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        wsgi_request = Request.blank(
            url.path + (f"?{url.query}" if url.query else ""),
            base_url=f"{url.scheme}://{url.netloc}",
            method=request.method,
            headers=dict(request.headers),
            body=body,
            # The embedded API sees Identity as a loopback peer, as it would on a socket.
            environ={"REMOTE_ADDR": "127.0.0.1"},
        )
        wsgi_response = wsgi_request.get_response(self.app)
        return self._build_response(request, wsgi_response)

    @staticmethod
    def _build_response(request, wsgi_response):
        response = requests.Response()
        response.status_code = wsgi_response.status_code
        response.reason = wsgi_response.status.partition(" ")[2]
        response.headers = CaseInsensitiveDict(wsgi_response.headerlist)
        response.encoding = get_encoding_from_headers(response.headers)
        response.raw = BytesIO(wsgi_response.body)
        response._content = wsgi_response.body
        response.url = request.url
        response.request = request
        return response

    def close(self):
        """Nothing to release: no sockets are held."""
