#!/usr/bin/python3
"""metrics_check.py - checks preforkd's /metrics text with Debian's
python3-prometheus-client (the reference text parser), for metrics.sh.

  metrics_check.py check FILE       the text parses; one HELP and one TYPE
                                    per family; counters end in _total;
                                    histogram buckets cumulative, ending in
                                    le="+Inf" equal to _count
  metrics_check.py get FILE SERIES  prints the value of SERIES, written as
                                    name{label="v",...} (labels sorted), or
                                    0 when absent
  metrics_check.py monotonic OLD NEW
                                    every aggregate counter of OLD is in NEW
                                    and not lower (per-worker series aside)
"""
import sys

from prometheus_client.parser import text_string_to_metric_families


def samples(text):
    """{series: value} for every sample, series as name{k="v",...}."""
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            labels = ",".join('%s="%s"' % (k, s.labels[k])
                              for k in sorted(s.labels))
            out["%s{%s}" % (s.name, labels) if labels else s.name] = (
                fam.type, s.value)
    return out


def check(text):
    helps, types = {}, {}
    for line in text.splitlines():
        if not line:
            sys.exit("empty line in the text")
        if line.startswith("# HELP "):
            name = line.split()[2]
            helps[name] = helps.get(name, 0) + 1
        elif line.startswith("# TYPE "):
            name = line.split()[2]
            if name not in helps:
                sys.exit("TYPE before HELP for %s" % name)
            types[name] = types.get(name, 0) + 1
    for name in helps:
        if helps[name] != 1 or types.get(name) != 1:
            sys.exit("%s: %d HELP, %d TYPE lines" %
                     (name, helps[name], types.get(name, 0)))
    families = list(text_string_to_metric_families(text))
    if len(families) != len(helps):
        sys.exit("%d families parsed, %d declared" %
                 (len(families), len(helps)))
    for fam in families:
        if fam.type == "counter":
            for s in fam.samples:
                if not s.name.endswith("_total"):
                    sys.exit("counter sample %s lacks _total" % s.name)
        if fam.type == "histogram":
            check_histogram(fam)
    print("ok: %d families" % len(families))


def check_histogram(fam):
    series = {}
    for s in fam.samples:
        key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
        h = series.setdefault(key, {"buckets": []})
        if s.name.endswith("_bucket"):
            h["buckets"].append((s.labels["le"], s.value))
        elif s.name.endswith("_count"):
            h["count"] = s.value
        elif s.name.endswith("_sum"):
            h["sum"] = s.value
    if not series:
        sys.exit("%s: no series" % fam.name)
    for key, h in series.items():
        b = h["buckets"]
        if not b or b[-1][0] != "+Inf":
            sys.exit("%s%s: buckets do not end in +Inf" % (fam.name, key))
        les = [float(le) for le, _ in b]
        if les != sorted(les):
            sys.exit("%s%s: le out of order" % (fam.name, key))
        counts = [v for _, v in b]
        if counts != sorted(counts):
            sys.exit("%s%s: buckets not cumulative" % (fam.name, key))
        if "count" not in h or "sum" not in h or counts[-1] != h["count"]:
            sys.exit("%s%s: +Inf %s != _count %s" %
                     (fam.name, key, counts[-1], h.get("count")))


def main():
    cmd = sys.argv[1]
    if cmd == "check":
        check(open(sys.argv[2]).read())
    elif cmd == "get":
        s = samples(open(sys.argv[2]).read())
        v = s.get(sys.argv[3], (None, 0))[1]
        print(int(v) if v == int(v) else v)
    elif cmd == "monotonic":
        old = samples(open(sys.argv[2]).read())
        new = samples(open(sys.argv[3]).read())
        bad = 0
        for k, (typ, v) in old.items():
            if typ not in ("counter", "histogram") or \
                    k.startswith("preforkd_worker_requests_total"):
                continue
            if k not in new:
                print("gone: %s (was %s)" % (k, v))
                bad = 1
            elif new[k][1] < v:
                print("went down: %s %s -> %s" % (k, v, new[k][1]))
                bad = 1
        sys.exit(bad)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
