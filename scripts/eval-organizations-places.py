#!/usr/bin/env python3
"""Precision and recall of organization and place names against a
hand-annotated gold set.

Usage:
    eval-organizations-places.py GOLD.jsonl ENRICHED.jsonl [--verbose]
    eval-organizations-places.py --self-test

GOLD.jsonl (eval/organizations-places-gold.jsonl): one article a line,
    {"id": "...", "organizations": [["Federal Bureau of Investigation", "FBI"], ...],
     "places": [["United States", "U.S.", "America"], ...],
     "optional_organizations": [...], "optional_places": [...]}
Each entry is one entity: its names, the fullest standard one first, then
the forms the article uses and other common full names. The optional lists
may be absent; eval/README.md says what goes there.

ENRICHED.jsonl: the output of `article-enricher enrich`, one enriched event
a line, with `id` and `entities.organizations` and `entities.places` =
[{"name", ...}, ...]. Only the ids of the gold file are scored.

Matching, per article and per kind (organizations with organizations,
places with places):
  * Names are normalized as for people (eval_common.normalize: case, accents,
    apostrophes and punctuation folded away), and a leading "the" is
    dropped: "The Washington Post" = "Washington Post", "U.S." = "US".
  * A system entity matches a gold entity when its name equals one of the
    entity's names. Names are not matched in part: "Fox" is not "Fox News".
  * One to one: each gold entity and each system entity is used at most
    once, so one entity output twice ("U.S." and "United States") is one
    true and one false positive.
  * A system entity left unmatched that matches an optional entity counts
    neither as a true nor as a false positive; optional entities are never
    misses.

Totals are micro-averaged over the gold articles, per kind and for both
together. A gold id absent from ENRICHED counts all its entities as misses
and is reported. Standard library only. Exit 0 after printing the scores;
exit 2 with a message when a file is missing or unreadable.
"""

import sys
from itertools import groupby

import eval_common
from eval_common import normalize, prf

KINDS = ("organizations", "places")


def key(name):
    """The normalized name without a leading article, its initials joined:
    the periods of "U.S." make "u s", which becomes "us" as "US" does."""
    words = normalize(name).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join("".join(run) if single else " ".join(run)
                    for single, run in groupby(words, key=lambda w: len(w) == 1))


def match(entries, system):
    """Pairs (entry index, system index) of a one-to-one matching: each
    system name, in order, takes the first free entry holding its key."""
    keys = [{key(n) for n in names} for names in entries]
    used, pairs = set(), []
    for si, name in enumerate(system):
        k = key(name)
        for ei, names in enumerate(keys):
            if ei not in used and k in names:
                used.add(ei)
                pairs.append((ei, si))
                break
    return pairs


def score_article(gold, optional, system):
    """Returns (tp, fp_names, fn_names, ignored_names) for one kind."""
    return eval_common.score_article(match, gold, optional, system, label=lambda names: names[0])


def system_names(event, kind):
    ents = event.get("entities") or {}
    return [e["name"] for e in ents.get(kind) or [] if isinstance(e, dict) and e.get("name")]


def evaluate(gold_rows, events, verbose=False, out=sys.stdout):
    """Prints and returns the totals per kind and for both kinds."""
    by_id = {}
    for ev in events:
        if isinstance(ev, dict) and "id" in ev:
            by_id.setdefault(ev["id"], ev)
    totals = {kind: [0, 0, 0, 0] for kind in KINDS}  # tp, fp, fn, ignored
    missing = []
    for g in gold_rows:
        ev = by_id.get(g["id"])
        if ev is None:
            missing.append(g["id"])
        for kind in KINDS:
            system = system_names(ev, kind) if ev is not None else []
            tp, fp, fn, ign = score_article(g.get(kind, []), g.get("optional_" + kind, []), system)
            t = totals[kind]
            t[0] += tp
            t[1] += len(fp)
            t[2] += len(fn)
            t[3] += len(ign)
            if verbose and (fp or fn or ign):
                print(f"{g['id']} {kind}: gold {len(g.get(kind, []))}, system {len(system)}, tp {tp}",
                      file=out)
                for tag, names in (("FP ", fp), ("FN ", fn), ("ign", ign)):
                    for name in names:
                        print(f"    {tag} {name}", file=out)
    if missing:
        print(f"warning: {len(missing)} gold article(s) absent from the system output "
              f"(all their entities count as misses): " + ", ".join(missing), file=out)
    result = {"missing": missing}
    both = [sum(t[i] for t in totals.values()) for i in range(4)]
    for kind, (tp, fp, fn, ign) in list(totals.items()) + [("both", both)]:
        p, r, f = prf(tp, fp, fn)
        print(f"{kind:>13} over {len(gold_rows)} articles: gold {tp + fn}, system {tp + fp} "
              f"(+{ign} optional ignored), tp {tp}, fp {fp}, fn {fn}: "
              f"precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}", file=out)
        result[kind] = {"tp": tp, "fp": fp, "fn": fn, "ignored": ign,
                        "precision": p, "recall": r, "f1": f}
    return result


def self_test():
    import io

    assert key("The Washington Post") == key("Washington Post") == "washington post"
    assert key("U.S.") == key("US") == "us"
    assert key("U.S. Senate") == "us senate" and key("J.P. Morgan") == "jp morgan"
    assert key("Theresa May") == "theresa may"  # only the word "the" goes
    us = [["United States", "U.S.", "America"]]
    # any of an entity's names matches, case and punctuation aside
    assert score_article(us, [], ["united states"])[0] == 1
    assert score_article(us, [], ["U.S."])[0] == 1
    # no partial matches
    tp, fp, fn, _ = score_article([["Fox News"]], [], ["Fox"])
    assert (tp, fp, fn) == (0, ["Fox"], ["Fox News"])
    # one entity output twice: one true, one false positive
    tp, fp, fn, _ = score_article(us, [], ["United States", "America"])
    assert (tp, fp, fn) == (1, ["America"], [])
    # two entities, each matched once, in any order
    gold = [["Republican Party", "GOP"], ["Democratic Party", "Democrats"]]
    tp, fp, fn, _ = score_article(gold, [], ["Democratic Party", "GOP"])
    assert (tp, fp, fn) == (2, [], [])
    # optional entities: neither right nor wrong, never missed
    tp, fp, fn, ign = score_article([["CNN"]], [["Drudge Report"]],
                                    ["CNN", "Drudge Report", "Loki Inc"])
    assert (tp, fp, fn, ign) == (1, ["Loki Inc"], [], ["Drudge Report"])
    # gold entities are matched before optional ones
    tp, fp, fn, ign = score_article([["Senate"]], [["Senate"]], ["Senate"])
    assert (tp, fp, fn, ign) == (1, [], [], [])
    # the whole evaluation: per kind, micro-averaged, missing ids reported
    gold_rows = [
        {"id": "a", "organizations": [["CNN"]], "places": [["Iowa"], ["Ohio"]]},
        {"id": "b", "organizations": [["Federal Bureau of Investigation", "FBI"]],
         "places": [], "optional_places": [["Mars"]]},
        {"id": "c", "organizations": [["NATO"]], "places": []},
    ]
    events = [
        {"id": "a", "entities": {"organizations": [{"name": "CNN"}],
                                 "places": [{"name": "Iowa"}, {"name": "Trump Tower"}]}},
        {"id": "b", "entities": {"organizations": [{"name": "FBI"}], "places": [{"name": "Mars"}]}},
        {"id": "z", "entities": {"organizations": [{"name": "Nobody"}]}},
    ]
    buf = io.StringIO()
    res = evaluate(gold_rows, events, verbose=True, out=buf)
    assert res["missing"] == ["c"]
    o, p, both = res["organizations"], res["places"], res["both"]
    assert (o["tp"], o["fp"], o["fn"]) == (2, 0, 1), o
    assert (p["tp"], p["fp"], p["fn"], p["ignored"]) == (1, 1, 1, 1), p
    assert (both["tp"], both["fp"], both["fn"]) == (3, 1, 2)
    text = buf.getvalue()
    assert "FP  Trump Tower" in text and "FN  Ohio" in text and "ign Mars" in text, text
    print("self-test passed")


if __name__ == "__main__":
    sys.exit(eval_common.main(
        'Precision/recall of organization and place names against hand-annotated gold.',
        'gold file (eval/organizations-places-gold.jsonl)',
        evaluate, self_test))
