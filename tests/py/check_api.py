"""Checks Qalam's Content API against its own OpenAPI document: the document must be
valid OpenAPI 3 (openapi-spec-validator), and schemathesis, generating requests from it
against the running server, must find no server error and no answer that departs from
the document (status code, content type, headers, body schema), and no request the
document forbids accepted.

Usage: python check_api.py API_BASE_URL   e.g. http://127.0.0.1:8080/api/v1
"""

import json
import os
import subprocess
import sys
import tempfile
import urllib.request

from openapi_spec_validator import validate

CHECKS = ",".join([
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    # A request the document forbids (an empty `per_page=`, a page of 0) must be refused.
    "negative_data_rejection",
])


def main(argv):
    if len(argv) != 1:
        print(__doc__)
        return 2
    base = argv[0].rstrip("/")
    with urllib.request.urlopen(f"{base}/openapi.json") as answer:
        document = json.load(answer)
    validate(document)
    print("the OpenAPI document is valid")
    st = os.path.join(os.path.dirname(sys.executable), "st")
    command = [
        st, "run", f"{base}/openapi.json",
        "--url", base,
        "--checks", CHECKS,
        "--max-examples", os.environ.get("QALAM_SCHEMATHESIS_EXAMPLES", "40"),
        "--no-color",
    ]
    # In a scratch directory: schemathesis keeps its example database where it runs.
    with tempfile.TemporaryDirectory() as scratch:
        return subprocess.run(command, check=False, cwd=scratch).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
