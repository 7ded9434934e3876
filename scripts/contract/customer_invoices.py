"""Customer invoices: the contract check's objects, bodies and forms."""

from contract_lib import form, manual_body, unique, upload_fields

OBJECTS = {
    "manual_invoice": lambda o, c: o.post("/customer-invoices/manual", manual_body(c)),
    "uploaded_invoice": lambda o, c: o.post("/customer-invoices", *upload(c)),
}
PARAMS = {"invoiceId": "uploaded_invoice"}
FRESH = {
    "DELETE /customer-invoices/{invoiceId}":
        lambda o, c: f"/customer-invoices/{o.make('manual_invoice')}",
    # The e-invoice of a manual invoice (the seeded invoiceId is an upload, which has none:
    # schemathesis meets its 422); contract-test.sh gives the account its seller details.
    "GET /customer-invoices/{invoiceId}/ubl":
        lambda o, c: f"/customer-invoices/{o.make('manual_invoice')}/ubl",
}
BODIES = {
    "POST /customer-invoices/manual": lambda o, c: credit_note_body(c),
    "PATCH /customer-invoices/{invoiceId}": lambda o, c: {"paidAt": "2025-05-11 12:59:00"},
}
FORMS = {
    "POST /customer-invoices": lambda o, c: upload_fields(c),
}


def credit_note_body(customer):
    """A manual credit note naming the invoice it credits."""
    return {"customerId": customer, "invoiceNumber": unique("CN"), "issuedAt": "2025-04-14",
            "creditedInvoiceNumber": "2025-001",
            "lines": [{"description": "Creditering", "amountExclVat": "-12.95", "vatRate": 21}]}


def upload(customer):
    """(body, content type) of a valid upload."""
    content_type, body = form(upload_fields(customer))
    return body, content_type
