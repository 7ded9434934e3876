"""What the contract check and the area files in scripts/contract/ share: requests,
multipart forms, unique names, the invoice bodies."""

import json
import urllib.error
import urllib.request
import uuid

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JSON_LIMIT = 2 * 1024 * 1024
UPLOAD_LIMIT = 10 * 1024 * 1024 + 64 * 1024


def call(api, method, path, token=None, body=None, content_type=None):
    """One request; returns (status, parsed JSON body or None)."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
        content_type = content_type or "application/json"
    elif isinstance(body, str):
        body = body.encode()
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if content_type:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(api + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw[:200]


def form(fields, pdf=PDF, boundary="contractboundary"):
    """A multipart/form-data body: (content type, bytes)."""
    out = b""
    for name, value in fields:
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n").encode()
    if pdf is not None:
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="pdf"; '
                f'filename="invoice.pdf"\r\nContent-Type: application/pdf\r\n\r\n').encode()
        out += pdf + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", out


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def manual_body(customer):
    return {"customerId": customer, "invoiceNumber": unique("C"), "issuedAt": "2025-04-14",
            "lines": [{"description": "Contract test", "amountExclVat": "12.95", "vatRate": 21}]}


def upload_fields(customer):
    return [("customerId", customer), ("invoiceNumber", unique("U")),
            ("issuedAt", "2025-04-14"), ("amount", "15.67")]
