# Parses Prometheus text exposition on stdin with the Prometheus Python client's own parser (which raises on text
# it cannot read) and prints the families as JSON: name, type, help, and each sample's name, labels and value.
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

families = []
for family in text_string_to_metric_families(sys.stdin.read()):
    families.append({
        "name": family.name,
        "type": family.type,
        "help": family.documentation,
        "samples": [{"name": sample.name, "labels": sample.labels,
                     "value": sample.value if math.isfinite(sample.value) else str(sample.value)}
                    for sample in family.samples],
    })
json.dump(families, sys.stdout)
