"""Payment links: the contract check's objects and bodies."""

from contract_lib import unique

OBJECTS = {
    "payment_link": lambda o, c: o.post("/payment-links", {"description": unique("link"),
                                                           "amount": "12.95", "reusable": True}),
}
PARAMS = {"linkId": "payment_link"}
FRESH = {"DELETE /payment-links/{linkId}": lambda o, c: f"/payment-links/{o.make('payment_link')}"}
BODIES = {"POST /payment-links": lambda o, c: {"description": unique("link"), "amount": "7.50"}}
