#!/usr/bin/env bash
# ECDSA interop: what vc-issue signs with ecdsa-rdfc-2019, ecdsa-jcs-2019 and ecdsa-sd-2023 (P-256
# and P-384 keys) checked by Digital Bazaar's cryptosuites; ecdsa-sd-2023 proofs that Digital
# Bazaar derives from our base proofs checked by us. Offline (contexts from npm packages and
# ../shared/vectors/contexts). Prints "interop-ecdsa: N passed, M failed"; exits non-zero on failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../interop-lib.sh
source "$here/../interop-lib.sh"
export VC_SHARED_DIR="${VC_SHARED_DIR:-$repo/../shared}"
vectors="$VC_SHARED_DIR/vectors/vc-di-ecdsa"
db_kit 11_ecdsa_suites
seed_p256=0303030303030303030303030303030303030303030303030303030303030303
seed_p384=040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404

# The kit itself: Digital Bazaar verifies the W3C vectors.
for vector in ecdsa-rdfc-2019-p256/signedECDSAP256.json ecdsa-rdfc-2019-p384/signedECDSAP384.json \
  ecdsa-jcs-2019-p256/signedJCSECDSAP256.json ecdsa-jcs-2019-p384/signedJCSECDSAP384.json \
  ecdsa-sd-2023/employ/derivedRevealDocument.json; do
  check "kit: DB verifies the W3C vector $vector" db_verify "$vectors/$vector"
done

# Ours -> DB (what ours made verifies with ours first, in the example), for every suite and curve
# (ecdsa-sd-2023: P-256 issuer keys, the only ones Digital Bazaar's base proofs hold).
for curve in p256 p384; do
  seed_var="seed_$curve"
  for suite in ecdsa-rdfc-2019 ecdsa-jcs-2019; do
    vc="$out/$suite-$curve.json"
    "$example" --suite "$suite" --curve "$curve" --seed "${!seed_var}" --out "$vc" 2>>"$out/issue.log"
    check "ours -> DB: $suite $curve verifies" db_verify "$vc"
    tamper "$vc" /credentialSubject/degree/name '"Doctor of Forgery"' >"$out/tampered.json"
    rejects "ours -> DB: $suite $curve with a changed claim is rejected" db_verify "$out/tampered.json"
  done
done
for curve in p256; do
  seed_var="seed_$curve"
  base="$out/sd-base-$curve.json"
  "$example" --suite ecdsa-sd-2023 --curve "$curve" --seed "${!seed_var}" --base-out "$base" \
    --out "$out/sd-derived-$curve.json" 2>>"$out/issue.log"
  check "ours -> DB: ecdsa-sd-2023 $curve derived (degree name) verifies" \
    db_verify "$out/sd-derived-$curve.json"
  "$example" --suite ecdsa-sd-2023 --curve "$curve" --seed "${!seed_var}" \
    --reveal /credentialSubject/degree --reveal /credentialSubject/gpa \
    --out "$out/sd-many-$curve.json" 2>>"$out/issue.log"
  check "ours -> DB: ecdsa-sd-2023 $curve derived (degree, gpa) verifies" \
    db_verify "$out/sd-many-$curve.json"
  tamper "$out/sd-many-$curve.json" /credentialSubject/gpa 4.0 >"$out/tampered.json"
  rejects "ours -> DB: ecdsa-sd-2023 $curve with a changed disclosed claim is rejected" \
    db_verify "$out/tampered.json"

  # DB -> ours: Digital Bazaar derives from our base proof, vc-issue verifies.
  db_derive "$base" /credentialSubject/degree/name /credentialSubject/graduationDate \
    >"$out/db-derived-$curve.json" 2>"$out/db-derive.log" || cat "$out/db-derive.log"
  check "DB derives from our $curve base proof (DB verifies its own derivation)" \
    db_verify "$out/db-derived-$curve.json"
  check "DB -> ours: DB's $curve derived proof verifies with vc-issue" \
    "$example" --verify "$out/db-derived-$curve.json"
  tamper "$out/db-derived-$curve.json" /credentialSubject/graduationDate '"2024-05-16"' \
    >"$out/db-tampered.json"
  rejects "DB -> ours: a changed claim in DB's $curve derivation is rejected by vc-issue" \
    "$example" --verify "$out/db-tampered.json"
done

echo "interop-ecdsa: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
