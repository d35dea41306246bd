#!/usr/bin/env python3
"""Compares two folders written by bench/experiment-bits.sh (e.g. before and after a refactor), file by file.

Identical CSVs are listed as such. For a metrics.csv that differs, every metric whose values changed is tested per
(arm, generation): the paired difference after − before over replicates, its standard error sd(d)/sqrt(n), and
z = mean(d)/SE. A stream key changed on purpose gives |z| mostly under 2 and none far past 3.
Usage: bench/compare-bits.py BEFORE AFTER
"""
import csv
import filecmp
import math
import os
import sys
from collections import defaultdict


def run_folder(root, name):
    folder = os.path.join(root, name)
    runs = [d for d in os.listdir(folder) if os.path.isdir(os.path.join(folder, d))]
    if len(runs) != 1:
        sys.exit(f"{folder}: expected one run folder, found {len(runs)}")
    return os.path.join(folder, runs[0])


def metric_values(path):
    values = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            key = (row["arm"], int(row["generation"]), row["metric"], int(row["replicate"]))
            values[key] = float(row["value"]) if row["value"] not in ("", "NaN") else math.nan
    return values


def compare_metrics(before_path, after_path):
    before, after = metric_values(before_path), metric_values(after_path)
    if before.keys() != after.keys():
        print("    rows differ: metrics or generations were added or removed")
    changed = sorted({k[2] for k in before.keys() & after.keys() if before[k] != after[k]})
    for metric in changed:
        diffs = defaultdict(list)
        for key in before.keys() & after.keys():
            if key[2] == metric and math.isfinite(before[key]) and math.isfinite(after[key]):
                diffs[(key[0], key[1])].append(after[key] - before[key])
        zs = []
        for cell, d in diffs.items():
            n = len(d)
            if n < 2:
                continue
            mean = sum(d) / n
            sd = math.sqrt(sum((x - mean) ** 2 for x in d) / (n - 1))
            if sd > 0:
                zs.append(mean / (sd / math.sqrt(n)))
        if not zs:
            print(f"    {metric}: changed, too few replicates to test")
            continue
        within2 = sum(abs(z) < 2 for z in zs) / len(zs)
        print(f"    {metric}: changed in {len(diffs)} (arm, generation) cells; paired z: max |z| = "
              f"{max(abs(z) for z in zs):.2f}, share |z| < 2 = {within2:.1%} (≈ 95% expected under no change in law)")


def main(before_root, after_root):
    for name in sorted(os.listdir(after_root)):
        if not os.path.isdir(os.path.join(after_root, name)):
            continue
        if not os.path.isdir(os.path.join(before_root, name)):
            print(f"{name}: only in {after_root}")
            continue
        before, after = run_folder(before_root, name), run_folder(after_root, name)
        files = sorted(f for f in set(os.listdir(before)) | set(os.listdir(after)) if ".csv" in f)
        same = [f for f in files if os.path.exists(os.path.join(before, f)) and os.path.exists(os.path.join(after, f))
                and filecmp.cmp(os.path.join(before, f), os.path.join(after, f), shallow=False)]
        print(f"{name}: {len(same)} of {len(files)} CSVs bit-identical" + ("" if len(same) == len(files) else
              f"; differ: {', '.join(f for f in files if f not in same)}"))
        if "metrics.csv" in files and "metrics.csv" not in same:
            compare_metrics(os.path.join(before, "metrics.csv"), os.path.join(after, "metrics.csv"))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
