#!/usr/bin/env bash
# The openssl baseline for docs/benchmarks.md: openssl cms on a 100 MB message, RSA-2048, SHA-256,
# AES-256-CBC, streaming (-stream). Prints MB/s per operation, the median of 3 runs.
set -euo pipefail
size_mb=${1:-100}
dir=$(mktemp -d -p "${TMPDIR:-/tmp}" openssl-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -subj /CN=bench -days 2 2>/dev/null
head -c $((size_mb * 1024 * 1024)) /dev/urandom > payload.bin

median() { sort -n | sed -n 2p; }
measure() { # name, command...
  local name=$1; shift
  local runs=()
  for i in 1 2 3; do
    local start end
    start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N)
    runs+=("$(echo "$size_mb / ($end - $start)" | bc -l)")
  done
  printf '%-14s %8.1f MB/s\n' "$name" "$(printf '%s\n' "${runs[@]}" | median)"
}

sign() { openssl cms -sign -binary -stream -md sha256 -in payload.bin -signer cert.pem -inkey key.pem -out signed.eml; }
encrypt() { openssl cms -encrypt -binary -stream -aes256 -in payload.bin -outform DER -out encrypted.der cert.pem; }
sign_encrypt() { sign && openssl cms -encrypt -binary -stream -aes256 -in signed.eml -outform DER -out both.der cert.pem; }
verify() { openssl cms -verify -noverify -binary -in signed.eml -out /dev/null; }
decrypt() { openssl cms -decrypt -binary -inform DER -in encrypted.der -recip cert.pem -inkey key.pem -out /dev/null; }

sign; encrypt
measure sign sign
measure encrypt encrypt
measure sign+encrypt sign_encrypt
measure verify verify
measure decrypt decrypt
