"""Customer invoices: the contract check's objects, bodies and forms."""

from contract_lib import form, manual_body, upload_fields

OBJECTS = {
    "manual_invoice": lambda o, c: o.post("/customer-invoices/manual", manual_body(c)),
    "uploaded_invoice": lambda o, c: o.post("/customer-invoices", *upload(c)),
}
PARAMS = {"invoiceId": "uploaded_invoice"}
FRESH = {
    "DELETE /customer-invoices/{invoiceId}":
        lambda o, c: f"/customer-invoices/{o.make('manual_invoice')}",
}
BODIES = {
    "POST /customer-invoices/manual": lambda o, c: manual_body(c),
    "PATCH /customer-invoices/{invoiceId}": lambda o, c: {"paidAt": "2025-05-11 12:59:00"},
}
FORMS = {
    "POST /customer-invoices": lambda o, c: upload_fields(c),
}


def upload(customer):
    """(body, content type) of a valid upload."""
    content_type, body = form(upload_fields(customer))
    return body, content_type
