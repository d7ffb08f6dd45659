#!/usr/bin/env bash
# Installs the Debian packages Weir builds with, only those that are missing.
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libz3-dev libsimdjson-dev
  clang libclang-rt-14-dev
  libboost-fiber-dev
  libdpdk-dev libpcap-dev
  libbpf-dev iproute2 tshark
  libxml2-utils
  chromium python3
  munge slurmctld slurmd slurm-client
)
# Node.js and npm, for the test that checks Kubernetes manifests against the Job schema
# (tests/tools/k8s); a machine that already has node keeps its own.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)

# tests/tools/k8s's npm packages (no lock file: it would name the registry's host).
install_k8s_validator() {
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/tools/k8s"
  [ -d "$dir/node_modules/kubernetes-models" ] && return 0
  echo "weir: installing tests/tools/k8s's npm packages" >&2
  # Only one test needs them, and it skips saying why without them: a registry that does
  # not answer must not stop the build.
  npm install --prefix "$dir" --no-package-lock --no-audit --no-fund --loglevel=error >/dev/null ||
    echo "weir: npm install failed: the Kubernetes manifest test will skip" >&2
}

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  install_k8s_validator
  exit 0
fi

echo "weir: installing missing packages: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_k8s_validator
