# Benign control: computation with the standard library must succeed (no guard: nothing hostile).
# expect: success=true stdout-contains=mean=5.5 stdout-contains=words=3
# request: {"security_level": "standard"}
# guard: none (benign control)
import json, math, re, collections, statistics

values = list(range(1, 11))
mean = statistics.mean(values)
counts = collections.Counter(re.findall(r"[a-z]+", "red green red blue"))
document = json.loads(json.dumps({"mean": mean, "hyp": math.hypot(3, 4), "counts": counts}))
assert document["hyp"] == 5.0
print("mean=%s" % document["mean"])
print("words=%d" % len(document["counts"]))
