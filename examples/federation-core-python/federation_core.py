"""A small Federation Core in Python: reads a publication plan, signs one receipt per step
(docs/receipt-format.md) and authorizes the steps of the run through the run workflow's
Update (docs/runs.md). Written from those two documents alone, as an outside issuer would.

    python federation_core.py --plan plan.yaml --key signing-key.jwk.json [--steps tag,release] [--keep DIR]
    python federation_core.py --plan plan.yaml --key second-approver.jwk.json --cosign DIR [--steps release]
    python federation_core.py --plan plan.yaml --digests

Prints one JSON line per step with the run's answer; exits 0 when no step was refused (each
accepted, or pending further approvals), 3 when one was refused, 2 on bad input. With --digests it only prints each step's op_digest,
what an approver compares with `marketops plan`, and connects to nothing.

Two approvers (docs/receipt-format.md section 3.4): the first signs with --keep DIR, which also writes
each step's receipt to DIR/<step>.receipt; the second runs with --cosign DIR, which adds their
signature to that receipt (the JWS JSON general serialization: the same payload, one more signature)
instead of signing new claims, and delivers it. Under a two-person rule the run answers the first
"pending" (what is still missing) and accepts the second.

A release with assets needs nothing more: its `assets` (name, size, sha256, content_type, label)
and `make_latest` are members of the request like any other, so RFC 8785 canonicalizes them as
docs/receipt-format.md section 2.1 says (the array in its order, each object's members sorted),
and the receipt binds the sha256 of every artifact the executor will upload.
"""

import argparse
import asyncio
import base64
import hashlib
import json
import os
import sys
import time
import uuid
import warnings

import rfc8785
import yaml
from joserfc import jws
from joserfc.jwk import OKPKey
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

RECEIPT_TYPE = "marketops-receipt+jwt"
UPDATE_NAME = "authorizeStep"
# A refusal decided without reading the receipt rejects the Update; the answer is the failure's details[0].
REFUSED_FAILURE_TYPE = "AUTHORIZATION_REFUSED"


def op_digest(request: dict) -> str:
    """BASE64URL(SHA-256(UTF-8(JCS(request)))), unpadded (receipt format, section 2)."""
    digest = hashlib.sha256(rfc8785.dumps(request)).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign_receipt(key: OKPKey, kid: str, request: dict, audience: str, ttl: int, tamper: bool) -> str:
    now = int(time.time())
    claims = {
        "jti": str(uuid.uuid4()),
        "iss": "federation-core-python",
        "aud": audience,
        "sub": request["run_id"],
        "run_id": request["run_id"],
        "operation_kind": request["operation_kind"],
        "enforceable": True,
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "op_digest": op_digest(request),
    }
    # "EdDSA", as the format asks issuers to write for now (the executor accepts "Ed25519" too).
    header = {"alg": "EdDSA", "typ": RECEIPT_TYPE, "kid": kid}
    payload = json.dumps(claims, ensure_ascii=False).encode("utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # joserfc flags "EdDSA" as deprecated by RFC 9864
        token = jws.serialize_compact(header, payload, key, algorithms=["EdDSA"])
    if not tamper:
        return token
    # A bit flipped in the signature: what a man in the middle would send.
    head, body, signature = token.split(".")
    flipped = "A" if signature[0] != "A" else "B"
    return ".".join([head, body, flipped + signature[1:]])


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def cosign_receipt(key: OKPKey, kid: str, receipt: str) -> str:
    """Adds a signature over the receipt's very payload bytes; the signatures already there stay as they are."""
    if receipt.lstrip().startswith("{"):
        general = json.loads(receipt)
    else:
        head, body, signature = receipt.split(".")
        general = {"payload": body, "signatures": [{"protected": head, "signature": signature}]}
    payload = base64.urlsafe_b64decode(general["payload"] + "=" * (-len(general["payload"]) % 4))
    header = {"alg": "EdDSA", "typ": RECEIPT_TYPE, "kid": kid}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        head, body, signature = jws.serialize_compact(header, payload, key, algorithms=["EdDSA"]).split(".")
    if body != general["payload"]:
        raise ValueError("the receipt's payload is not canonical base64url")
    general["signatures"].append({"protected": head, "signature": signature})
    return json.dumps(general, separators=(",", ":"))


async def answer_of(run, step: str, receipt: str) -> dict:
    """The run's answer, whether it came as the Update's result or as a rejected Update (docs/runs.md)."""
    try:
        return await run.execute_update(UPDATE_NAME, {"step": step, "receipt": receipt})
    except WorkflowUpdateFailedError as error:
        cause = error.cause
        if isinstance(cause, ApplicationError) and cause.type == REFUSED_FAILURE_TYPE and cause.details:
            return cause.details[0]
        raise


async def authorize(args: argparse.Namespace, plan: dict, key: OKPKey, kid: str) -> int:
    client = await Client.connect(args.address, namespace=args.namespace)
    run = client.get_workflow_handle(f"run-{plan['run_id']}")
    wanted = args.steps.split(",") if args.steps else [step["id"] for step in plan["steps"]]
    tampered = set(args.tamper.split(",")) if args.tamper else set()
    refused = False
    for step in (s for s in plan["steps"] if s["id"] in wanted):
        if args.cosign:
            with open(os.path.join(args.cosign, f"{step['id']}.receipt"), encoding="utf-8") as file:
                receipt = cosign_receipt(key, kid, file.read())
        else:
            receipt = sign_receipt(key, kid, step["request"], args.audience, args.ttl, step["id"] in tampered)
        if args.keep:
            with open(os.path.join(args.keep, f"{step['id']}.receipt"), "w", encoding="utf-8") as file:
                file.write(receipt)
        answer = await answer_of(run, step["id"], receipt)
        refused = refused or answer["status"] == "refused"
        print(json.dumps(answer, ensure_ascii=False), flush=True)
    return 3 if refused else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", required=True, help="publication plan, YAML or JSON")
    parser.add_argument("--key", help="Ed25519 private JWK with its kid (needed unless --digests)")
    parser.add_argument("--digests", action="store_true", help="print each step's op_digest; sign nothing")
    parser.add_argument("--steps", help="comma-separated step ids (default: every step)")
    parser.add_argument("--tamper", help="comma-separated step ids whose receipt is sent damaged")
    parser.add_argument("--keep", help="folder to write each step's receipt to, for a second approver")
    parser.add_argument("--cosign", help="folder of receipts to co-sign (from --keep) instead of signing new ones")
    parser.add_argument("--address", default="localhost:7233")
    parser.add_argument("--namespace", default="default")
    parser.add_argument("--audience", default="marketops-executor")
    parser.add_argument("--ttl", type=int, default=3600, help="receipt lifetime in seconds")
    args = parser.parse_args()
    try:
        with open(args.plan, encoding="utf-8") as file:
            plan = yaml.safe_load(file)
        if args.digests:
            for step in plan["steps"]:
                print(json.dumps({"step": step["id"], "op_digest": op_digest(step["request"])}), flush=True)
            return 0
        if not args.key:
            raise ValueError("--key is required to sign")
        with open(args.key, encoding="utf-8") as file:
            jwk = json.load(file)
        key = OKPKey.import_key(jwk)
    except (OSError, ValueError, yaml.YAMLError) as error:
        print(f"federation-core: cannot read the plan or the key: {error}", file=sys.stderr)
        return 2
    return asyncio.run(authorize(args, plan, key, jwk["kid"]))


if __name__ == "__main__":
    code = main()
    # The Temporal client's Rust threads can outlive the event loop, and CPython's finalization
    # then aborts now and then with "PyGILState_Release: thread state ... must be current"
    # (temporalio/sdk-python#300, open). Everything is printed by now: leave without finalizing.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
