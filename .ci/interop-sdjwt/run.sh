#!/usr/bin/env bash
# SD-JWT VC interop: our dc+sd-jwt credentials, KB-JWT presentations and Token Status List tokens
# checked by the kit's two independent verifiers (node: @sd-jwt/sd-jwt-vc; python: the OpenWallet
# Foundation's sd-jwt), tampered ones refused; our Status List Token CWTs checked by cwt_verify.py
# (pycose + cbor2, requirements-cwt.txt), with the draft's example as the script's sanity check; and SD-JWT VCs made by the kit's reference issuer
# (ref-issue.js, @sd-jwt/sd-jwt-vc as in selftest-oid4vci.js) checked by our Rust verifier.
# Offline once installed. Prints "interop-sdjwt: N passed, M failed"; exits non-zero on failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../interop-lib.sh
source "$here/../interop-lib.sh"
shared="$repo/../shared"
work="${VC_INTEROP_SDJWT_DIR:-/tmp/vc-shared-sdjwt}"

rm -rf "$work"
cp -r "$shared" "$work"
chmod -R u+w "$work"
(cd "$work/interop/node" && npm ci --no-audit --no-fund --loglevel=error)
if [ ! -x /tmp/interop-py/bin/python ]; then
  python3 -m venv /tmp/interop-py
fi
/tmp/interop-py/bin/pip install -q --disable-pip-version-check -r "$work/interop/py/requirements.txt"
# pycose and cbor2 for cwt_verify.py (ours, sharing no code with the project).
/tmp/interop-py/bin/pip install -q --disable-pip-version-check -r "$here/requirements-cwt.txt"
cp "$here/ref-issue.js" "$work/interop/node/"

(cd "$repo" && cargo build -q -p vc-examples --example 08_sd_jwt_vc)
example="$target/debug/examples/08_sd_jwt_vc"
node_verify() { (cd "$work/interop/node" && node sdjwt-verify.js "$@"); }
py_verify() { (cd "$work" && /tmp/interop-py/bin/python interop/py/sdjwt_verify.py "$@"); }
json_field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
# Replaces disclosure number $2 (1-based) of SD-JWT file $1 with one whose value changed.
tamper_disclosure() {
  python3 - "$1" "$2" <<'PY'
import base64, json, sys
parts = open(sys.argv[1]).read().strip().split('~')
i = int(sys.argv[2])
raw = parts[i] + '=' * (-len(parts[i]) % 4)
d = json.loads(base64.urlsafe_b64decode(raw))
d[-1] = 'forged'
parts[i] = base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip('=')
print('~'.join(parts))
PY
}
# The JWT in file $1 with its payload claim $2 set to JSON $3, signature kept.
tamper_jwt() {
  python3 - "$1" "$2" "$3" <<'PY'
import base64, json, sys
h, p, s = open(sys.argv[1]).read().strip().split('.')
claims = json.loads(base64.urlsafe_b64decode(p + '=' * (-len(p) % 4)))
claims[sys.argv[2]] = json.loads(sys.argv[3])
p = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip('=')
print('.'.join([h, p, s]))
PY
}

both() { # check|rejects what args...
  local kind="$1" what="$2"; shift 2
  "$kind" "node: $what" node_verify "$@"
  "$kind" "py:   $what" py_verify "$@"
}

# Status List Token CWTs through cwt_verify.py (pycose + cbor2): args token, then its options.
py_cwt() { /tmp/interop-py/bin/python "$here/cwt_verify.py" "$@"; }
# The CWT in file $1 with its claim $2 (an integer label) set to integer $3, signature kept.
tamper_cwt() {
  /tmp/interop-py/bin/python - "$1" "$2" "$3" <<'PY'
import sys, cbor2
outer = cbor2.loads(open(sys.argv[1], 'rb').read())
items = list(outer.value)
claims = dict(cbor2.loads(items[2]))
claims[int(sys.argv[2])] = int(sys.argv[3])
items[2] = cbor2.dumps(claims)
sys.stdout.buffer.write(cbor2.dumps(cbor2.CBORTag(18, items)))
PY
}
# Sanity of the script itself: the draft's example verifies with the draft's key (entry 0 is
# INVALID, entry 1 VALID); the same bytes wrapped in the CWT tag 61 are refused.
draft="$shared/vectors/token-status-list"
python3 -c "import sys; sys.stdout.buffer.write(bytes.fromhex(''.join(open(sys.argv[1]).read().split())))" \
  "$draft/examples/status_list_cwt.md" >"$out/draft.cwt"
draft_args=(--jwk "$draft/example-key.jwk.json" --uri https://example.com/statuslists/1)
check "py-cwt: the draft's example CWT, entry 1 VALID" py_cwt "$out/draft.cwt" "${draft_args[@]}" --idx 1 --kid 12
check "py-cwt: the draft's example CWT, entry 0 INVALID" py_cwt "$out/draft.cwt" "${draft_args[@]}" --idx 0 --expect-status 1
{ printf '\xd8\x3d'; cat "$out/draft.cwt"; } >"$out/draft61.cwt"
rejects "py-cwt: the draft's example tagged 61" py_cwt "$out/draft61.cwt" "${draft_args[@]}" --idx 1

# Ours -> the kit, EdDSA, ES256 and ES384. The kit's did:key resolvers know Ed25519 and P-256
# only: the P-384 issuer is given as its public JWK (issuer.jwk.json), the DID's key.
wrong_did=did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK
for alg in EdDSA ES256 ES384; do
  dir="$out/$alg"
  flag=()
  case "$alg" in ES256) flag=(--p256) ;; ES384) flag=(--p384) ;; esac
  "$example" "${flag[@]}" --reveal /degree/name --reveal /nationalities/1 --out-dir "$dir" >"$out/ex.log"
  did="$(cat "$dir/issuer.did")"
  key=(--did "$did")
  wrong=(--did "$wrong_did")
  if [ "$alg" = ES384 ]; then
    key=(--issuer-jwk "$dir/issuer.jwk.json")
    # Another P-384 key, made by jwcrypto (the python verifier's JOSE library).
    /tmp/interop-py/bin/python -c "from jwcrypto import jwk; print(jwk.JWK.generate(kty='EC', crv='P-384').export_public())" \
      >"$dir/wrong.jwk.json"
    wrong=(--issuer-jwk "$dir/wrong.jwk.json")
    check "$alg header alg" grep -q '"alg":"ES384"' <(python3 -c "
import base64, sys
h = open(sys.argv[1]).read().split('.')[0]
print(base64.urlsafe_b64decode(h + '=' * (-len(h) % 4)).decode())" "$dir/sd-jwt.txt")
  fi
  kb=(--holder-kb --kb-nonce "$(json_field "$dir/kb.json" nonce)" --kb-aud "$(json_field "$dir/kb.json" aud)")
  both check "$alg SD-JWT VC as issued, status VALID" "$dir/sd-jwt.txt" "${key[@]}" --status-list-jwt "$dir/status-list.jwt"
  both check "$alg presentation with KB-JWT, status VALID" "$dir/presentation.txt" "${key[@]}" "${kb[@]}" --status-list-jwt "$dir/status-list.jwt"
  both rejects "$alg presentation after revocation" "$dir/presentation.txt" "${key[@]}" "${kb[@]}" --status-list-jwt "$dir/status-list-revoked.jwt"
  tamper_disclosure "$dir/sd-jwt.txt" 1 >"$dir/tampered.txt"
  both rejects "$alg tampered disclosure" "$dir/tampered.txt" "${key[@]}"
  tamper_jwt "$dir/status-list.jwt" iat 1 >"$dir/status-tampered.jwt"
  both rejects "$alg tampered Status List Token" "$dir/sd-jwt.txt" "${key[@]}" --status-list-jwt "$dir/status-tampered.jwt"
  both rejects "$alg KB-JWT with another nonce" "$dir/presentation.txt" "${key[@]}" --holder-kb --kb-nonce other --kb-aud "$(json_field "$dir/kb.json" aud)"
  both rejects "$alg another issuer key" "$dir/sd-jwt.txt" "${wrong[@]}"
  # The same Status List Token as a CWT (what GET /statuslists/{id} serves for
  # Accept: application/statuslist+cwt), before and after the revocation.
  cwt=(--jwk "$dir/issuer.jwk.json" --uri "$(json_field "$dir/status-ref.json" uri)" --idx "$(json_field "$dir/status-ref.json" idx)")
  check "py-cwt: $alg Status List Token CWT, status VALID" py_cwt "$dir/status-list.cwt" "${cwt[@]}"
  check "py-cwt: $alg revoked CWT, status INVALID" py_cwt "$dir/status-list-revoked.cwt" "${cwt[@]}" --expect-status 1
  rejects "py-cwt: $alg revoked CWT read as VALID" py_cwt "$dir/status-list-revoked.cwt" "${cwt[@]}"
  tamper_cwt "$dir/status-list.cwt" 6 1 >"$dir/status-tampered.cwt"
  rejects "py-cwt: $alg tampered CWT (iat)" py_cwt "$dir/status-tampered.cwt" "${cwt[@]}"
  case "$alg" in EdDSA) key_kind="kty='OKP', crv='Ed25519'" ;; ES256) key_kind="kty='EC', crv='P-256'" ;; *) key_kind="kty='EC', crv='P-384'" ;; esac
  /tmp/interop-py/bin/python -c "from jwcrypto import jwk; print(jwk.JWK.generate($key_kind).export_public())" >"$dir/wrong-cwt.jwk.json"
  rejects "py-cwt: $alg CWT with another key of its type" py_cwt "$dir/status-list.cwt" --jwk "$dir/wrong-cwt.jwk.json" \
    --uri "$(json_field "$dir/status-ref.json" uri)" --idx "$(json_field "$dir/status-ref.json" idx)"
done

# The kit's reference issuer -> our verifier.
ref="$out/ref"
mkdir -p "$ref"
(cd "$work/interop/node" && node ref-issue.js "$ref" >/dev/null)
ours() { "$example" --verify "$@"; }
jwk=(--issuer-jwk "$ref/ref-issuer.jwk.json")
check "ref -> ours: SD-JWT VC, status VALID" ours "$ref/ref-sd-jwt.txt" "${jwk[@]}" --status-list-jwt "$ref/ref-status.jwt"
check "ref -> ours: presentation with KB-JWT" ours "$ref/ref-presentation.txt" "${jwk[@]}" \
  --status-list-jwt "$ref/ref-status.jwt" --kb-nonce "$(json_field "$ref/ref-kb.json" nonce)" --kb-aud "$(json_field "$ref/ref-kb.json" aud)"
rejects "ref -> ours: revoked (index 3)" ours "$ref/ref-revoked.txt" "${jwk[@]}" --status-list-jwt "$ref/ref-status.jwt"
rejects "ref -> ours: KB-JWT with another nonce" ours "$ref/ref-presentation.txt" "${jwk[@]}" --kb-nonce other --kb-aud "$(json_field "$ref/ref-kb.json" aud)"
tamper_disclosure "$ref/ref-sd-jwt.txt" 2 >"$ref/tampered.txt"
rejects "ref -> ours: tampered disclosure" ours "$ref/tampered.txt" "${jwk[@]}"
# The holder's key (a valid P-256 key, not the issuer's).
python3 -c "
import base64, json, sys
p = open(sys.argv[1]).read().split('.')[1]
print(json.dumps(json.loads(base64.urlsafe_b64decode(p + '=' * (-len(p) % 4)))['cnf']['jwk']))" \
  "$ref/ref-sd-jwt.txt" >"$ref/wrong.jwk.json"
wrong_key() { { ours "$@" || true; } | grep -q "FAILED INVALID_SIGNATURE"; }
check "ref -> ours: another issuer key is INVALID_SIGNATURE" wrong_key "$ref/ref-sd-jwt.txt" --issuer-jwk "$ref/wrong.jwk.json"

echo "interop-sdjwt: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
