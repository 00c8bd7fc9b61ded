#!/usr/bin/env bash
# Checks vc-status output against Digital Bazaar's implementation (shared/interop/node):
#  1. statuslist.js decodes our encodedList (DB decoder + plain gunzip) bit for bit;
#  2. verify.js --status-list reports a credential whose bit we set as revoked and one whose bit
#     is clear as valid. vc-status does not sign (a later crate does), so the credentials and the
#     list credential are signed here with the kit's reference issuer (issue.js) and the W3C
#     vc-di-eddsa test key.
#
# Usage (from the repository root):
#   bash vc-status/tests/interop.sh <interop/node dir, after npm ci> [<vectors dir>]
set -euo pipefail

node_dir=$(cd "${1:?usage: interop.sh <path to shared/interop/node> [vectors dir]}" && pwd)
vectors=${2:-$node_dir/../../vectors}
key="$vectors/vc-di-eddsa/keyPair.json"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

issuer="did:key:$(sed -n 's/.*"publicKeyMultibase": *"\([^"]*\)".*/\1/p' "$key")"
cargo run -q -p vc-status --example status_list_credential -- "$work" "$issuer" >"$work/expected.txt"

# 1. Decoding.
indexes=$(awk '{print $1}' "$work/expected.txt")
# shellcheck disable=SC2086
node "$node_dir/statuslist.js" "$work/list.json" $indexes >"$work/node.txt"
cat "$work/node.txt"
grep -q '^length: 131072 bits' "$work/node.txt" || { echo "FAIL: list length"; exit 1; }
expected_set=$(awk '$2 == 1' "$work/expected.txt" | wc -l)
grep -q "set bits: ${expected_set}\$" "$work/node.txt" || { echo "FAIL: set bit count"; exit 1; }
fail=0
while read -r index bit; do
  if ! grep -qx "index ${index}: ${bit}" "$work/node.txt"; then
    echo "FAIL: index ${index} expected ${bit}"
    fail=1
  fi
done <"$work/expected.txt"
[ "$fail" = 0 ] || exit 1
echo "interop 1/2: statuslist.js agrees on $(wc -l <"$work/expected.txt") entries (${expected_set} set)"

# 2. Status check by the independent verifier.
for f in list vc-revoked vc-valid; do
  node "$node_dir/issue.js" "$work/$f.json" --suite rdfc --key "$key" >"$work/$f.signed.json"
done
now=2025-06-01T00:00:00Z
if node "$node_dir/verify.js" "$work/vc-revoked.signed.json" --status-list "$work/list.signed.json" \
    --now "$now" >"$work/revoked.txt" 2>&1; then
  cat "$work/revoked.txt"; echo "FAIL: verify.js accepted a revoked credential"; exit 1
fi
cat "$work/revoked.txt"
grep -q FAILED "$work/revoked.txt" || { echo "FAIL: expected FAILED"; exit 1; }
node "$node_dir/verify.js" "$work/vc-valid.signed.json" --status-list "$work/list.signed.json" \
  --now "$now" | tee "$work/valid.txt"
grep -q 'VERIFIED (status checked' "$work/valid.txt" || { echo "FAIL: status not checked"; exit 1; }
echo "interop 2/2: verify.js --status-list: revoked credential FAILED, valid credential VERIFIED"
