"""schemathesis hooks for the OnSite relay, loaded by run.sh through SCHEMATHESIS_HOOKS.

1. `PATCH /v1/uploads/{sha256}` sends `application/offset+octet-stream`: raw bytes, serialized like
   `application/octet-stream`.
2. A change set is accepted only from the device whose token sends it (`deviceId` and every stamp's `d`), which
   OpenAPI cannot say; without help every generated push stops at 403 `device_mismatch`. When `deviceId` or a
   stamp's `d` is a valid identifier, it is set to the token's device (`ONSITE_DEVICE_ID`), so generated change
   sets reach the validator, the scope checks and the store. A value that breaks the schema (the negative cases)
   is left as generated, so those cases stay negative.
"""
import os
import re

import schemathesis

schemathesis.serializer.alias("application/offset+octet-stream", "application/octet-stream")

IDENTIFIER = re.compile(r"^[^\s\x00-\x1f\x7f]{1,128}$")
DEVICE_ID = os.environ.get("ONSITE_DEVICE_ID", "")


def _own(value):
    return DEVICE_ID if isinstance(value, str) and IDENTIFIER.match(value) else value


@schemathesis.hook
def before_call(context, case, kwargs):
    if not DEVICE_ID or case.operation.path != "/v1/changesets" or not isinstance(case.body, dict):
        return
    body = case.body
    if "deviceId" in body:
        body["deviceId"] = _own(body["deviceId"])
    operations = body.get("operations")
    if isinstance(operations, list):
        for operation in operations:
            stamp = operation.get("stamp") if isinstance(operation, dict) else None
            if isinstance(stamp, dict) and "d" in stamp:
                stamp["d"] = _own(stamp["d"])
