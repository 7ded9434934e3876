"""Customer groups: the contract check's objects and bodies."""

from contract_lib import unique

OBJECTS = {
    "group": lambda o, c: o.post("/customer-groups", {"name": unique("group"), "customers": [c]}),
}
PARAMS = {"customerGroupId": "group"}
FRESH = {
    "DELETE /customer-groups/{customerGroupId}":
        lambda o, c: f"/customer-groups/{o.make('group')}",
    "DELETE /customer-groups/{customerGroupId}/customers/{customerId}":
        lambda o, c: f"/customer-groups/{o.make('group')}/customers/{c}",
}
BODIES = {
    "POST /customer-groups": lambda o, c: {"name": unique("group"), "customers": [c]},
    "PATCH /customer-groups/{customerGroupId}": lambda o, c: {"name": unique("renamed")},
    "POST /customer-groups/{customerGroupId}/customers": lambda o, c: {"customers": [c]},
}
