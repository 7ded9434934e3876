"""Webhooks: the contract check's objects and bodies."""

OBJECTS = {
    "webhook": lambda o, c: o.post("/webhooks", body()),
}
PARAMS = {"webhookId": "webhook"}
FRESH = {"DELETE /webhooks/{webhookId}": lambda o, c: f"/webhooks/{o.make('webhook')}"}
BODIES = {"POST /webhooks": lambda o, c: body()}


def body():
    return {"url": "https://93.184.215.14/hook", "type": "invoice-paid"}
