"""Customers: the contract check's objects and bodies."""

from contract_lib import unique

OBJECTS = {
    "customer": lambda o, c: o.post("/customers", customer_body()),
}
PARAMS = {"customerId": "customer"}
FRESH = {"DELETE /customers/{customerId}": lambda o, c: f"/customers/{o.make('customer')}"}
BODIES = {
    "POST /customers": lambda o, c: {"companyName": unique("New BV"), "address": "Weg 2",
                                     "zipCode": "1234AB", "city": "Delft",
                                     "primaryEmail": "n@example.nl",
                                     "vatNumber": "NL987654321B01", "peppolId": "0106:12345678",
                                     "sendUbl": True},
    # null clears an e-invoice identifier.
    "PATCH /customers/{customerId}": lambda o, c: {"city": "Delft", "vatNumber": None},
}


def customer_body():
    """A customer an e-invoice can be addressed to (by its KvK number)."""
    return {"companyName": unique("Contract BV"), "address": "Teststraat 1",
            "zipCode": "1234AB", "city": "Amsterdam", "primaryEmail": "c@example.nl",
            "cocNumber": "12345678"}
