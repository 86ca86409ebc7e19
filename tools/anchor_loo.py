#!/usr/bin/python3
"""anchor_loo.py -- how well "anchor" profiles (1-4 measured models, E = b x
MACs) transfer between models: leave-one-model-out of E = b x MACs (b by least
squares on relative error, as `priori calibrate` fits anchors) over every
profile of db/records.json with 2-4 measured models (the closed-division
GPU/accelerator systems: ResNet-50, SSD-MobileNet v1, BERT-Large).
Usage: /usr/bin/python3 tools/anchor_loo.py   (quoted in db/README.md)
"""
import collections
import json
import statistics as st

d = json.load(open('db/records.json'))
macs = {m['name']: m['features']['macs'] for m in d['models']}
by = collections.defaultdict(list)
for r in d['records']:
    by[r['profile']].append((r['model'], r['j_per_sample']))
errs, per = [], collections.defaultdict(list)
nprof = 0
for pid, rs in by.items():
    models = {m for m, _ in rs}
    if not 2 <= len(models) <= 4:
        continue
    nprof += 1
    for out in models:
        tr = [(macs[m] / e) for m, e in rs if m != out]     # b * x, x = M/E, target 1
        b = sum(tr) / sum(x * x for x in tr)
        for m, e in rs:
            if m == out:
                err = abs(b * macs[m] / e - 1)
                errs.append(err)
                per[m].append(err)
q = sorted(errs)
print("profiles %d, held-out records %d: median %.0f%%, p90 %.0f%%" % (nprof, len(errs), 100 * st.median(q), 100 * q[int(0.9 * len(q))]))
for m, v in per.items():
    print("  %-18s held out: median %.0f%% (n=%d)" % (m, 100 * st.median(v), len(v)))
