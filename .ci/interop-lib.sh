# Shared by the interop checks (.ci/interop-*/run.sh), sourced after `set -euo pipefail` with
# `$here` set to the check's folder: sets `$repo`, `$target` (cargo's target folder) and `$out` (a
# scratch folder, removed on exit); counts passes and failures, tampers with JSON files.
repo="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

passed=0
failed=0
check() {
  local what="$1"; shift
  if "$@" >"$out/log" 2>&1; then
    echo "ok   $what"; passed=$((passed + 1))
  else
    echo "FAIL $what"; sed 's/^/     /' "$out/log"; failed=$((failed + 1))
  fi
}
# Expects the command to fail (a verifier must reject a tampered credential).
rejects() {
  local what="$1"; shift
  if "$@" >"$out/log" 2>&1; then
    echo "FAIL $what (accepted)"; sed 's/^/     /' "$out/log"; failed=$((failed + 1))
  else
    echo "ok   $what"; passed=$((passed + 1))
  fi
}
# The Digital Bazaar checks (interop-bbs, interop-ecdsa): installs the cryptosuites in `$here`,
# builds example $1 and sets `$example` to it; db_verify and db_derive run `$here`'s scripts.
db_kit() {
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  (cd "$repo" && cargo build -q -p vc-examples --example "$1")
  example="$target/debug/examples/$1"
}
db_verify() { (cd "$here" && node verify.js "$@"); }
db_derive() { (cd "$here" && node derive.js "$@"); }
tamper() { # file json-pointer json-value > tampered file
  python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
node = d
keys = sys.argv[2].split('/')[1:]
for k in keys[:-1]:
    node = node[int(k)] if isinstance(node, list) else node[k]
node[keys[-1]] = json.loads(sys.argv[3])
print(json.dumps(d))" "$@"
}
