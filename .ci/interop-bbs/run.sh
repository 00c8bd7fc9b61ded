#!/usr/bin/env bash
# bbs-2023 interop: our derived proofs checked by Digital Bazaar's bbs-2023 cryptosuite, and proofs
# that Digital Bazaar derives from our base proofs checked by us. Offline (contexts from npm packages
# and ../shared/vectors/contexts). Prints "interop-bbs: N passed, M failed"; exits non-zero on failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../interop-lib.sh
source "$here/../interop-lib.sh"
export VC_SHARED_DIR="${VC_SHARED_DIR:-$repo/../shared}"
db_kit 07_bbs_selective_disclosure
seed=0303030303030303030303030303030303030303030303030303030303030303

# The kit itself: Digital Bazaar verifies the W3C vector's derived proof.
check "kit: DB verifies the W3C vc-di-bbs derived vector" \
  db_verify "$repo/vc-issue/tests/vectors/bbs-2023/derivedRevealDocument.json"

# Ours -> DB: base proof and derivation by vc-issue, verification by Digital Bazaar.
"$example" --seed "$seed" --out "$out/derived-default.json" --base-out "$out/base.json" 2>"$out/issue.log"
check "ours -> DB: derived (degree name) verifies" db_verify "$out/derived-default.json"
"$example" --seed "$seed" --out "$out/derived-many.json" --reveal /credentialSubject/name \
  --reveal /credentialSubject/degree --reveal /credentialSubject/gpa \
  --presentation-header "nonce-1234" 2>>"$out/issue.log"
check "ours -> DB: derived (name, degree, gpa; presentation header) verifies" \
  db_verify "$out/derived-many.json"
"$example" --seed "$seed" --out "$out/derived-mandatory.json" --reveal /issuer 2>>"$out/issue.log"
check "ours -> DB: derived (mandatory parts only) verifies" db_verify "$out/derived-mandatory.json"
tamper "$out/derived-many.json" /credentialSubject/gpa 4.0 >"$out/tampered.json"
rejects "ours -> DB: a changed disclosed claim is rejected" db_verify "$out/tampered.json"

# DB -> ours: Digital Bazaar derives from our base proof, vc-issue verifies.
db_derive "$out/base.json" /credentialSubject/degree/name /credentialSubject/graduationDate \
  >"$out/db-derived.json" 2>"$out/db-derive.log" || { cat "$out/db-derive.log"; }
check "DB derives from our base proof (DB verifies its own derivation)" db_verify "$out/db-derived.json"
check "DB -> ours: DB's derived proof verifies with vc-issue" "$example" --verify "$out/db-derived.json"
tamper "$out/db-derived.json" /credentialSubject/graduationDate '"2024-05-16"' >"$out/db-tampered.json"
rejects "DB -> ours: a changed claim in DB's derivation is rejected by vc-issue" \
  "$example" --verify "$out/db-tampered.json"

echo "interop-bbs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
