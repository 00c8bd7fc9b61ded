# Shared by the interop checks (.ci/interop-*/run.sh), sourced after `set -euo pipefail` and after
# `$out` (a scratch folder) is set: counts passes and failures, tampers with JSON files.
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
