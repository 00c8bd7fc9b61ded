#!/usr/bin/env bash
# SD-JWT VC interop: our dc+sd-jwt credentials, KB-JWT presentations and Token Status List tokens
# checked by the kit's two independent verifiers (node: @sd-jwt/sd-jwt-vc; python: the OpenWallet
# Foundation's sd-jwt), tampered ones refused; and SD-JWT VCs made by the kit's reference issuer
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
