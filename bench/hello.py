"""The baseline of ``bench.wrk``: a bare Waitress + WebOb "hello", 8 threads, one process.

python -m bench.hello PORT
"""

from __future__ import annotations

import sys

import waitress
from webob import Request, Response


def hello(environ, start_response):
    request = Request(environ)
    response = Response(f"hello {request.path}", content_type="text/plain")
    return response(environ, start_response)


if __name__ == "__main__":
    waitress.serve(hello, host="127.0.0.1", port=int(sys.argv[1]), threads=8, _quiet=True)
