#!/usr/bin/env bash
# Publishes the collapse CLI as a ReadyToRun build into DIR (default: publish/collapse): its assemblies carry
# precompiled code, so a shard starts in well under half the CPU time of the JIT build (docs/benchmarks.md,
# "Sharded runs"), with the same bits (bench/ready-to-run-bits.sh compares every family's CSVs).
# `collapse submit` says which build its scripts run; submit with DIR/collapse to have shards run this one.
# Usage: scripts/publish.sh [DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(realpath -m "${1:-$root/publish/collapse}")
case $(uname -m) in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "publish: no ReadyToRun target for $(uname -m); use the JIT build (dotnet build -c Release)" >&2; exit 2 ;;
esac
dotnet publish "$root/src/CollapseLab.Cli" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true -o "$dir"
echo "ReadyToRun build of collapse: $dir/collapse (submit with: $dir/collapse submit SPEC --slurm --shards N …)"
