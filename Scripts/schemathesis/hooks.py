"""schemathesis hooks for the OnSite relay, loaded by run.sh through SCHEMATHESIS_HOOKS.

1. `PATCH /v1/uploads/{sha256}` sends `application/offset+octet-stream`: raw bytes, serialized like
   `application/octet-stream`.
2. A change set is accepted only from the device whose token sends it (`deviceId` and every stamp's `d`), which
   OpenAPI cannot say; without help every generated push stops at 403 `device_mismatch`. When `deviceId` or a
   stamp's `d` is a valid identifier, it is set to the token's device (`ONSITE_DEVICE_ID`), so generated change
   sets reach the validator, the scope checks and the store. A value that breaks the schema (the negative cases)
   is left as generated, so those cases stay negative.
3. For the same reason a well-formed `changeSetId` is replaced by a fresh one and a valid `sequence` by the next
   one of this run (the relay answers 409 to an id another device pushed, or to a sequence not after the last):
   generated change sets then reach the validator and the store instead of stopping at the idempotency checks.
"""
import itertools
import os
import re
import uuid

import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")

IDENTIFIER = re.compile(r"^[^\s\x00-\x1f\x7f]{1,128}$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DEVICE_ID = os.environ.get("ONSITE_DEVICE_ID", "")
SEQUENCES = itertools.count(1)


def _own(value):
    return DEVICE_ID if isinstance(value, str) and IDENTIFIER.match(value) else value


@schemathesis.hook
def before_call(context, case, kwargs):
    if not DEVICE_ID or case.operation.path != "/v1/changesets" or not isinstance(case.body, dict):
        return
    body = case.body
    if isinstance(body.get("changeSetId"), str) and UUID.match(body["changeSetId"]):
        body["changeSetId"] = str(uuid.uuid4()).upper()
    if type(body.get("sequence")) is int and body["sequence"] >= 1:
        body["sequence"] = next(SEQUENCES)
    if "deviceId" in body:
        body["deviceId"] = _own(body["deviceId"])
    operations = body.get("operations")
    if isinstance(operations, list):
        for operation in operations:
            stamp = operation.get("stamp") if isinstance(operation, dict) else None
            if isinstance(stamp, dict) and "d" in stamp:
                stamp["d"] = _own(stamp["d"])
