#!/usr/bin/env bash
# Runs every experiments/*.yaml at a small preset with one build of the CLI, so two builds (e.g. before and after
# a refactor) can be compared file by file with bench/compare-bits.py.
# Usage: bench/experiment-bits.sh CLI_FOLDER OUT_FOLDER [EXPERIMENTS_FOLDER]
set -euo pipefail
cli=${1:?usage: experiment-bits.sh CLI_FOLDER OUT_FOLDER [EXPERIMENTS_FOLDER]}
out=${2:?usage: experiment-bits.sh CLI_FOLDER OUT_FOLDER [EXPERIMENTS_FOLDER]}
experiments=${3:-$(dirname "$0")/../experiments}
mkdir -p "$out"
small_lm=(--set replicates=1 --set generations=2 --set data.train=256 --set samples_per_generation=256
          --set model.layers=1 --set model.width=32 --set model.steps=60)
declare -A presets=(
  [default]="--set replicates=20 --set generations=30"
  [error-sources]="--set replicates=3 --set generations=10"
  [kazdan-categorical]="--set replicates=20 --set generations=20"
  [kazdan-gaussian]="--set replicates=10 --set generations=20"
  [kazdan-kde]="--set replicates=10 --set generations=20"
  [regression]="--set replicates=10 --set generations=20"
  [shumailov-gaussian]="--set replicates=50 --set generations=50"
  [shumailov-gmm]="--set replicates=40 --set generations=20"
  [shumailov-ngram]="--set replicates=1 --set generations=2"
  [shumailov-vae]="--set generations=2 --set data.train=500 --set samples_per_generation=500 --set model.steps=40"
  [zipf-tails]="--set replicates=3 --set generations=5"
)
for spec in "$experiments"/*.yaml; do
  name=$(basename "$spec" .yaml)
  args=()
  case $name in
    gerstgrasser-lm) args=("${small_lm[@]}") ;;
    shumailov-lm) args=("${small_lm[@]}" --set model.finetune_steps=20) ;;
    kazdan-kde) args=(--set 'grid={data.source: [moons], model.bandwidth: [0.5]}') ;;
  esac
  read -r -a extra <<< "${presets[$name]:-}"
  rm -rf "${out:?}/$name"
  start=$(date +%s)
  if dotnet "$cli/collapse.dll" run "$spec" --quiet --threads 2 --runs "$out/$name" "${args[@]}" "${extra[@]}" > "$out/$name.log" 2>&1; then
    echo "$name: $(( $(date +%s) - start )) s"
  else
    echo "$name: FAILED (see $out/$name.log)"
  fi
done
