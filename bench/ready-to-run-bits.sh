#!/usr/bin/env bash
# Runs one small spec of every model family with two builds of the CLI (the JIT build and a ReadyToRun publish)
# and compares every CSV they write by sha256: shards run from the ReadyToRun build must give the same bits.
# Usage: bench/ready-to-run-bits.sh JIT_CLI_FOLDER R2R_CLI_FOLDER OUT_FOLDER   (exit 1 on any difference)
set -euo pipefail
jit=${1:?usage: ready-to-run-bits.sh JIT_CLI_FOLDER R2R_CLI_FOLDER OUT_FOLDER}
r2r=${2:?usage: ready-to-run-bits.sh JIT_CLI_FOLDER R2R_CLI_FOLDER OUT_FOLDER}
out=${3:?usage: ready-to-run-bits.sh JIT_CLI_FOLDER R2R_CLI_FOLDER OUT_FOLDER}
experiments=$(dirname "$0")/../experiments
neural=(--set replicates=1 --set generations=1 --set data.train=200 --set samples_per_generation=200 --set model.steps=30)
# family: spec and its reductions (a few seconds each)
declare -A cases=(
  [gaussian]="default --set replicates=10 --set generations=10"
  [categorical]="kazdan-categorical --set replicates=5 --set generations=10"
  [gmm]="shumailov-gmm --set replicates=5 --set generations=5"
  [kde]="kazdan-kde --set replicates=3 --set generations=5"
  [linear_regression]="regression --set replicates=5 --set generations=10"
  [ngram]="shumailov-ngram --set replicates=1 --set generations=2"
  [vae]="shumailov-vae ${neural[*]}"
  [diffusion]="mad-loops ${neural[*]} --set model.timesteps=50 --set model.hidden=32"
  [transformer]="gerstgrasser-lm ${neural[*]} --set model.layers=1 --set model.width=32"
)
mkdir -p "$out"
failed=0
for family in "${!cases[@]}"; do
  read -r -a words <<< "${cases[$family]}"
  spec=$experiments/${words[0]}.yaml
  args=("${words[@]:1}")
  [[ $family == kde ]] && args+=(--set 'grid={data.source: [moons], model.bandwidth: [0.5]}')
  for build in jit r2r; do
    cli=$jit; [[ $build == r2r ]] && cli=$r2r
    rm -rf "${out:?}/$build/$family"
    dotnet "$cli/collapse.dll" run "$spec" --quiet --threads 2 --runs "$out/$build/$family" "${args[@]}" > "$out/$build-$family.log" 2>&1 \
      || { echo "$family: $build build FAILED (see $out/$build-$family.log)"; failed=1; continue 2; }
    (cd "$out/$build/$family"/*/ && find . -name '*.csv' | sort | xargs sha256sum) > "$out/$build-$family.sha256"
  done
  files=$(wc -l < "$out/jit-$family.sha256")
  if [[ $files -gt 0 ]] && cmp -s "$out/jit-$family.sha256" "$out/r2r-$family.sha256"; then
    echo "$family: $files CSV files identical"
  else
    echo "$family: DIFFERENT ($files CSV files; diff $out/jit-$family.sha256 $out/r2r-$family.sha256)"; failed=1
  fi
done
exit $failed
