#!/usr/bin/env python3
"""Verifies a Status List Token CWT (draft-ietf-oauth-status-list-20, "Status List Token in CWT
Format") independently of vc-issuer-rs: COSE through pycose, CBOR through cbor2, zlib from the
standard library. Shares no code with the project.

    cwt_verify.py <token.cwt> --jwk <issuer public JWK file> --uri <uri> --idx <n>
        [--expect-status <v>] [--kid <kid>] [--now <unix seconds>]

Checks: one COSE_Sign1_Tagged (tag 18), not wrapped in the CWT tag 61, no bytes after it; the
protected header's alg (ES256 -7, ES384 -35, EdDSA -8) fits the key and its typ (16) is
application/statuslist+cwt; the signature with the JWK's key; kid (when --kid) is the unprotected
or protected kid; claims: sub (2) equals --uri, iat (6) an integer, exp (4) if present not passed,
ttl (65534) if present a positive integer, status_list (65533) a map {"bits": 1|2|4|8, "lst":
bstr} with no other keys than aggregation_uri, whose zlib stream inflates; the status at --idx
(index 0 = least significant bits of the first byte) equals --expect-status (default 0, VALID).
Prints "VERIFIED status=<v>" (exit 0) or "FAILED: <reason>" (exit 1).
"""

import argparse
import base64
import io
import json
import sys
import time
import zlib
from collections.abc import Mapping

import cbor2
from pycose.keys import EC2Key, OKPKey
from pycose.keys.curves import P256, P384, Ed25519
from pycose.messages import CoseMessage, Sign1Message

TYP = "application/statuslist+cwt"
ALGS = {-7: ("EC", "P-256"), -35: ("EC", "P-384"), -8: ("OKP", "Ed25519")}


class Failed(Exception):
    pass


def b64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def cose_key(jwk):
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "EC" and crv in ("P-256", "P-384"):
        return EC2Key(crv=P256 if crv == "P-256" else P384, x=b64(jwk["x"]), y=b64(jwk["y"]))
    if kty == "OKP" and crv == "Ed25519":
        return OKPKey(crv=Ed25519, x=b64(jwk["x"]))
    raise Failed(f"unsupported JWK kty={kty} crv={crv}")


def label(header, number):
    """The value of integer label `number` in a pycose header dict (keys may be attribute classes)."""
    for key, value in header.items():
        identifier = getattr(key, "identifier", key)
        if identifier == number:
            return value
    return None


def alg_id(value):
    return getattr(value, "identifier", value)


def verify(data, jwk, uri, idx, expect, kid, now):
    # The outer structure with cbor2 alone: tag 18, not 61, nothing after it.
    stream = io.BytesIO(data)
    try:
        outer = cbor2.CBORDecoder(stream).decode()
    except Exception as e:  # noqa: BLE001 - any decoding failure is a refusal
        raise Failed(f"not CBOR: {e}")
    if stream.tell() != len(data):
        raise Failed("bytes follow the COSE message")
    if not isinstance(outer, cbor2.CBORTag):
        raise Failed("not tagged")
    if outer.tag == 61:
        raise Failed("tagged as a CWT (61), which the draft forbids")
    if outer.tag != 18:
        raise Failed(f"tag {outer.tag}, not COSE_Sign1 (18)")
    if not isinstance(outer.value, (list, tuple)) or len(outer.value) != 4:
        raise Failed("not a COSE_Sign1 array of four")
    protected_bytes = outer.value[0]
    protected = cbor2.loads(protected_bytes) if protected_bytes else {}
    if not isinstance(protected, Mapping):
        raise Failed("protected header is not a map")
    if protected.get(16) != TYP:
        raise Failed(f"protected typ (16) is {protected.get(16)!r}")
    alg = protected.get(1)
    if alg not in ALGS:
        raise Failed(f"alg {alg!r} is not ES256, ES384 or EdDSA")
    if ALGS[alg] != (jwk.get("kty"), jwk.get("crv")):
        raise Failed(f"alg {alg} does not fit the {jwk.get('crv')} key")

    msg = CoseMessage.decode(data)
    if not isinstance(msg, Sign1Message):
        raise Failed("pycose did not decode a Sign1Message")
    if alg_id(label(msg.phdr, 1)) != alg:
        raise Failed("pycose reads another alg")
    if label(msg.uhdr, 16) is not None or label(msg.uhdr, 1) is not None:
        raise Failed("typ or alg in the unprotected header")
    msg.key = cose_key(jwk)
    try:
        valid = msg.verify_signature()
    except Exception as e:  # noqa: BLE001
        raise Failed(f"signature check failed: {e}")
    if not valid:
        raise Failed("invalid signature")
    if kid is not None:
        got = label(msg.uhdr, 4) or label(msg.phdr, 4)
        if got != kid.encode():
            raise Failed(f"kid {got!r} is not {kid!r}")

    claims = cbor2.loads(msg.payload)
    if not isinstance(claims, Mapping):
        raise Failed("payload is not a map")
    if claims.get(2) != uri:
        raise Failed(f"sub {claims.get(2)!r} is not {uri}")
    if not isinstance(claims.get(6), int):
        raise Failed("iat (6) is missing")
    exp = claims.get(4)
    if exp is not None and (not isinstance(exp, int) or exp < now):
        raise Failed(f"expired or bad exp {exp!r}")
    ttl = claims.get(65534)
    if ttl is not None and (not isinstance(ttl, int) or ttl <= 0):
        raise Failed(f"bad ttl {ttl!r}")
    status_list = claims.get(65533)
    if not isinstance(status_list, Mapping):
        raise Failed("status_list (65533) is missing or not a map")
    if not set(status_list) <= {"bits", "lst", "aggregation_uri"}:
        raise Failed(f"status_list keys {sorted(map(str, status_list))}")
    bits, lst = status_list.get("bits"), status_list.get("lst")
    if bits not in (1, 2, 4, 8) or not isinstance(lst, bytes):
        raise Failed(f"status_list bits={bits!r} or lst not bytes")
    raw = zlib.decompress(lst)
    position = idx * bits
    if position // 8 >= len(raw):
        raise Failed(f"index {idx} is outside the list ({len(raw) * 8 // bits} entries)")
    status = (raw[position // 8] >> (position % 8)) & ((1 << bits) - 1)
    if status != expect:
        raise Failed(f"status at {idx} is {status}, expected {expect}")
    return status


def main():
    p = argparse.ArgumentParser()
    p.add_argument("token")
    p.add_argument("--jwk", required=True)
    p.add_argument("--uri", required=True)
    p.add_argument("--idx", type=int, required=True)
    p.add_argument("--expect-status", type=int, default=0)
    p.add_argument("--kid")
    p.add_argument("--now", type=int, default=int(time.time()))
    a = p.parse_args()
    with open(a.token, "rb") as f:
        data = f.read()
    with open(a.jwk) as f:
        jwk = json.load(f)
    try:
        status = verify(data, jwk, a.uri, a.idx, a.expect_status, a.kid, a.now)
    except Failed as e:
        print(f"FAILED: {e}")
        return 1
    except Exception as e:  # noqa: BLE001 - a crash on hostile input is a refusal, said as such
        print(f"FAILED: {type(e).__name__}: {e}")
        return 1
    print(f"VERIFIED status={status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
