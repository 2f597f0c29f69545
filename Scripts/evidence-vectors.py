#!/usr/bin/env python3
"""Writes Protocol/vectors/evidence/operations.json: the canonical form and Ed25519 signatures of sample
operations, computed independently of the Swift code (Python's json + unicodedata, the openssl command).

Usage: python3 Scripts/evidence-vectors.py   (from the package root; needs `openssl` 3)
"""
import base64, decimal, hashlib, json, subprocess, tempfile, unicodedata, os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = bytes(range(1, 33))  # a test key, never a real one: 01 02 … 20
CONTEXT = b"OnSite operation signature v1\n"


def number(x):
    if isinstance(x, bool):
        raise TypeError
    if isinstance(x, int):
        return str(x)
    if x == int(x) and abs(x) < 2 ** 53:
        return str(int(x))
    text = format(decimal.Decimal(repr(x)), "f")
    return text[:-2] if text.endswith(".0") else text


def string(s):
    out = ['"']
    for ch in unicodedata.normalize("NFC", s):
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def canonical(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return number(v)
    if isinstance(v, str):
        return string(v)
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    keys = sorted(v.keys(), key=lambda k: unicodedata.normalize("NFC", k).encode("utf-8"))
    return "{" + ",".join(string(k) + ":" + canonical(v[k]) for k in keys) + "}"


def openssl_key(tmp):
    der = bytes.fromhex("302e020100300506032b657004220420") + SEED
    path = os.path.join(tmp, "key.pem")
    with open(path, "w") as f:
        f.write("-----BEGIN PRIVATE KEY-----\n" + base64.b64encode(der).decode() + "\n-----END PRIVATE KEY-----\n")
    return path


def public_key(key):
    der = subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-outform", "DER"], capture_output=True, check=True).stdout
    return der[-32:]


def sign(key, message, tmp):
    path = os.path.join(tmp, "message")
    with open(path, "wb") as f:
        f.write(message)
    return subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", key, "-rawin", "-in", path], capture_output=True, check=True).stdout


def load(name, index):
    with open(os.path.join(ROOT, "Protocol/vectors/changesets", name), encoding="utf-8") as f:
        return json.load(f)["operations"][index]


def main():
    cases = [
        ("a verification with a GPS position", load("officer-field-work.json", 5)),
        ("a verification without a position, empty notes", load("officer-field-work.json", 6)),
        ("a photo's record: SHA-256, size and EXIF summary", load("officer-transitions-and-photos.json", 2)),
        ("a photo's record without a position, with warnings", load("officer-transitions-and-photos.json", 3)),
        ("a workflow step with input", load("officer-transitions-and-photos.json", 5)),
        ("a field edit with a Vietnamese value", load("officer-field-work.json", 0)),
    ]
    # Edge cases of the canonical form: a decomposed string (NFD) signs as its NFC form; a line break is
    # escaped as \u000a; a coordinate that Swift and Python print with an exponent is written in plain notation.
    edge = json.loads(json.dumps(load("officer-field-work.json", 5)))
    edge["id"] = "00000000-0000-4000-8000-0000000E0001"
    edge["change"]["verification"]["id"] = "00000000-0000-4000-8000-0000000E0002"
    edge["change"]["verification"]["notes"] = unicodedata.normalize("NFD", "Đã kiểm tra.\nCòn vi phạm.")
    edge["change"]["verification"]["position"] = {"latitude": 0.00001, "longitude": 103.5}
    cases.append(("line break escaped, small coordinate in plain notation, integral coordinate as an integer", edge))
    with tempfile.TemporaryDirectory() as tmp:
        key = openssl_key(tmp)
        public = public_key(key)
        out = {
            "description": "Canonical form and Ed25519 signatures of operations (Protocol/evidence.md). "
                           "Made by Scripts/evidence-vectors.py with Python and openssl, not with the Swift code.",
            "key": {
                "seed": SEED.hex(),
                "publicKey": base64.b64encode(public).decode(),
                "keyId": hashlib.sha256(public).hexdigest()[:32],
            },
            "cases": [],
        }
        for description, operation in cases:
            message = CONTEXT + canonical({k: v for k, v in operation.items() if k != "signature"}).encode("utf-8")
            signature = sign(key, message, tmp)
            out["cases"].append({
                "description": description,
                "operation": operation,
                "signedBytes": message.hex(),
                "signature": {"keyId": out["key"]["keyId"], "value": base64.b64encode(signature).decode()},
            })
    with open(os.path.join(ROOT, "Protocol/vectors/evidence/operations.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
