#!/usr/bin/env python3
"""Writes the fuzz corpus seeds from Protocol/vectors into a folder (see README.md).

changesets/ and invalid/ are change-set bodies already and are copied as they are. merge/ and refused/ hold
bare operations: they are wrapped into change sets, one per device of the stamps, so that the seeds reach the
validator and the merge and not only the decoder.
    seed-corpus.py VECTORS_DIR OUT_DIR
"""
import json
import pathlib
import shutil
import sys
import uuid

vectors, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
count = 0
for folder in ("changesets", "invalid"):
    for path in sorted((vectors / folder).glob("*.json")):
        if path.name == "manifest.json":
            continue
        shutil.copyfile(path, out / f"{folder}-{path.name}")
        count += 1


def write_change_sets(name, operations):
    global count
    by_device = {}
    for operation in operations:
        by_device.setdefault(operation["stamp"]["d"], []).append(operation)
    for index, (device, ops) in enumerate(sorted(by_device.items())):
        change_set = {
            "changeSetId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{name}/{device}")).upper(),
            "deviceId": device, "sequence": 1, "baseVersion": 0, "operations": ops,
        }
        body = json.dumps(change_set, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        (out / f"{name}-{index}.json").write_text(body, encoding="utf-8")
        count += 1


for path in sorted((vectors / "merge").glob("*.json")):
    write_change_sets(f"merge-{path.stem}", json.loads(path.read_text(encoding="utf-8"))["operations"])
for path in sorted((vectors / "refused").glob("*.json")):
    write_change_sets(f"refused-{path.stem}", [json.loads(path.read_text(encoding="utf-8"))["operation"]])
print(f"{count} seeds in {out}")
