#!/usr/bin/env bash
# The test command of the README and of CI: install what the tests need, then run the fast tests and the slow
# ones (trait Speed=slow: the contract walks over every registered family and metric), timing each group.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
# Services the tests use. One that cannot start is reported here and fails its tests with the reason; none is skipped.
bash scripts/services/slurm.sh || echo "services: Slurm did not start; the Slurm tests will fail (see above)"
bash scripts/services/postgres.sh || echo "services: PostgreSQL did not start; the PostgreSQL index tests will fail (see above)"
dotnet build CollapseLab.slnx -c Release
log=$(mktemp)
status=0
for group in fast slow; do
  filter=$([ "$group" = slow ] && echo "Speed=slow" || echo "Speed!=slow")
  start=$(date +%s)
  dotnet test CollapseLab.slnx -c Release --no-build --filter "$filter" 2>&1 | tee -a "$log" || status=$?
  echo "tests ($group, $filter): $(( $(date +%s) - start )) s"
done
# One plain closing line over all test projects and both groups.
awk '/(Passed|Failed)! +- +Failed:/ {
       for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     } END { gsub(",", "", f); printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit $status
