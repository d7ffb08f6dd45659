#!/bin/bash
# Builds bench/porcupine's driver against a Porcupine checkout (no Go proxy is needed:
# Porcupine has no dependencies beyond Go's standard library).
#   bench/porcupine/build.sh PORCUPINE_CHECKOUT [OUT=build/porcupine-etcd]
set -euo pipefail
src=$(realpath "${1:?usage: build.sh PORCUPINE_CHECKOUT [OUT]}")
out=$(realpath -m "${2:-build/porcupine-etcd}")
command -v go >/dev/null || { echo "build.sh: needs Go (apt-get install golang-go)" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp "$(dirname "$0")/main.go" "$work/"
cd "$work"
cat > go.mod <<MOD
module weir.bench/porcupine-etcd

go 1.16

require github.com/anishathalye/porcupine v0.0.0
replace github.com/anishathalye/porcupine => $src
MOD
GOFLAGS=-mod=mod GOPROXY=off GOCACHE="$work/cache" go build -o "$out" .
echo "$out"
