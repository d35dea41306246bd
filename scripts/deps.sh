#!/usr/bin/env bash
# Installs what CollapseLab's tests and data sources need on a Debian machine (run as root; a no-op when present).
# The .NET SDK itself is expected on the machine (see global.json for the version).
set -euo pipefail
packages=(
  chromium          # headless browser that renders reports in the report tests
  bible-kjv         # the King James text (the `bible` program), a built-in English corpus
  libopenblas0-pthread  # optional fast GEMM for the neural families
  dataset-fashion-mnist # Fashion-MNIST images for the VAE family
  python3-torch     # PyTorch, which re-reads exported Hugging Face folders in the pretrained tests (and runs the peers)
  slurm-wlm munge   # a single-node Slurm for the sharded-run tests (started by scripts/services/slurm.sh)
  postgresql        # a throwaway PostgreSQL cluster for the shared-index tests (started by scripts/services/postgres.sh)
)
# The build runs `npm ci` in reports/ to embed the chart libraries; Node.js usually comes with the machine.
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "deps: missing Debian packages: ${missing[*]} (install them with apt-get as root); continuing without them" >&2
  exit 0
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq -o DPkg::Lock::Timeout=300
apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}" >/dev/null
