#!/usr/bin/env bash
# The README's first command: build and run the built-in default experiment (about 20 s on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project src/CollapseLab.Cli -- run "$@"
