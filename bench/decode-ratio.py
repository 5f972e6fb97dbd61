#!/usr/bin/env python3
"""Pools the JSON results of DecodeAmongManyCertificatesBenchmark runs (decode-<run>-<size>.json in the folder given)
per size and prints each run and the speed ratio 10,000 / 10, for throughput and for CPU time per decode,
with 99.9 % intervals (normal approximation over the pooled iterations; relative errors combined)."""
import json, glob, math, statistics, sys
# Per run: throughput and CPU µs/decode (score, 99.9% half-width, raw per-iteration values).
runs = []
for f in sorted(glob.glob(sys.argv[1] + '/decode-*-*.json')):
    for r in json.load(open(f)):
        p = r['primaryMetric']; c = r['secondaryMetrics']['cpuMicrosPerDecode']
        raw_t = [x for fork in p['rawData'] for x in fork]
        raw_c = [x for fork in c['rawData'] for x in fork]
        runs.append((f.split('/')[-1], int(r['params']['certificates']), p['score'], p['scoreError'], c['score'], c['scoreError'], raw_t, raw_c))
        ce = 3.29 * statistics.stdev(raw_c) / math.sqrt(len(raw_c))
        print(f"{f.split('/')[-1]:24} n={r['params']['certificates']:>5}  {p['score']:8.1f} ± {p['scoreError']:6.1f} ops/s   cpu {statistics.mean(raw_c):8.1f} ± {ce:6.1f} µs/decode")
def pooled(n, idx_raw):
    vals = [x for r in runs if r[1] == n for x in r[idx_raw]]
    m = statistics.mean(vals); se = statistics.stdev(vals) / math.sqrt(len(vals))
    return m, se, len(vals)
for label, idx, inverse in (('throughput', 6, False), ('cpu', 7, True)):
    a, sa, na = pooled(10, idx); b, sb, nb = pooled(10000, idx)
    ratio = (a / b) if inverse else (b / a)   # speed with 10,000 / speed with 10
    rel = math.sqrt((sa / a) ** 2 + (sb / b) ** 2)
    # 99.9 % interval from the standard errors (normal approximation, z = 3.29)
    print(f"{label:10} 10: {a:8.1f} (se {sa:.1f}, n={na})  10000: {b:8.1f} (se {sb:.1f}, n={nb})  speed ratio 10000/10 = {ratio:.3f} ± {3.29 * rel * ratio:.3f} (99.9 %)")
