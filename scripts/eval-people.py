#!/usr/bin/env python3
"""Precision and recall of people names against a hand-annotated gold set.

Usage:
    eval-people.py GOLD_PEOPLE.jsonl ENRICHED.jsonl [--verbose]
    eval-people.py --self-test

GOLD_PEOPLE.jsonl (eval/people-gold.jsonl): one article a line,
    {"id": "...", "people": ["Name", ...], "optional": ["Name", ...]}
`optional` may be absent; see eval/README.md for what goes there.

ENRICHED.jsonl: the output of `article-enricher enrich`, one enriched event
a line, each with `id` and `entities.people` = [{"name", ...}, ...]. Only
the ids of the gold file are scored; other events are ignored.

Matching, per article:
  * Names are normalized: Unicode NFKD with combining marks and control
    characters dropped, case-folded, apostrophes (' ’ ‘ ʼ `) deleted
    (O’Malley = OMalley = O'Malley), every other non-alphanumeric character
    (periods, hyphens, brackets, commas) turned into a space, spaces
    collapsed.
  * A system name and a gold name match when their normalized forms are
    equal, or when they share the last token and the tokens of one are a
    subset of the tokens of the other ("Clinton" ~ "Hillary Clinton",
    "Hillary Rodham Clinton" ~ "Hillary Clinton", "Donald J. Trump" ~
    "Donald Trump"; but not "Hillary" ~ "Hillary Clinton", nor "Bill
    Clinton" ~ "Hillary Clinton").
  * One-to-one, greedy: exact matches are taken first, then partial
    matches in order of decreasing token overlap (ties by order in the
    gold list, then in the system list). Each gold name and each system
    name is used at most once.
  * A system name left unmatched that matches an `optional` gold name
    (same rule, each optional name once) counts neither as a true nor as a
    false positive; unmatched optional names are never false negatives.
  * Duplicate system names within one article (the same normalized form
    twice) are scored as given: the second copy is a false positive.

Totals are micro-averaged over all gold articles: precision = TP / (TP +
FP), recall = TP / (TP + FN), F1 their harmonic mean. A gold id absent from
ENRICHED counts all its gold names as false negatives and is reported.

Standard library only. Exit 0 after printing the scores; exit 2 with a
message when a file is missing or unreadable.
"""

import sys

import eval_common
from eval_common import normalize, prf


def tokens(norm):
    return norm.split()


def match_kind(a, b):
    """0 = no match, else a score: 2 exact, 1 + overlap for partial."""
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return 0
    if na == nb:
        return 2.0
    ta, tb = tokens(na), tokens(nb)
    if ta[-1] != tb[-1]:
        return 0
    sa, sb = set(ta), set(tb)
    if sa <= sb or sb <= sa:
        # fraction of the longer name's tokens covered, in (0, 1)
        return 1.0 + len(sa & sb) / max(len(sa), len(sb)) * 0.999
    return 0


def greedy_match(gold, system):
    """Pairs (gi, si) of a one-to-one greedy matching, exact matches first."""
    cands = []
    for gi, g in enumerate(gold):
        for si, s in enumerate(system):
            k = match_kind(g, s)
            if k:
                cands.append((-k, gi, si))
    cands.sort()
    used_g, used_s, pairs = set(), set(), []
    for _, gi, si in cands:
        if gi in used_g or si in used_s:
            continue
        used_g.add(gi)
        used_s.add(si)
        pairs.append((gi, si))
    return pairs


def score_article(gold, optional, system):
    """Returns (tp, fp_names, fn_names, ignored_names)."""
    return eval_common.score_article(greedy_match, gold, optional, system)


def system_people(event):
    ents = event.get("entities") or {}
    people = ents.get("people") or []
    return [p["name"] for p in people if isinstance(p, dict) and p.get("name")]


def evaluate(gold_rows, events, verbose=False, out=sys.stdout):
    by_id = {}
    for ev in events:
        if isinstance(ev, dict) and "id" in ev:
            by_id.setdefault(ev["id"], ev)
    TP = FP = FN = IGN = 0
    missing = []
    for g in gold_rows:
        gid = g["id"]
        gold = g.get("people", [])
        optional = g.get("optional", [])
        ev = by_id.get(gid)
        if ev is None:
            missing.append(gid)
            system = []
        else:
            system = system_people(ev)
        tp, fp, fn, ign = score_article(gold, optional, system)
        TP += tp
        FP += len(fp)
        FN += len(fn)
        IGN += len(ign)
        if verbose:
            p, r, _ = prf(tp, len(fp), len(fn))
            absent = " (absent from system output)" if ev is None else ""
            print(f"{gid}: gold {len(gold)}, system {len(system)}, tp {tp}, "
                  f"P {p:.2f} R {r:.2f}{absent}", file=out)
            for s in fp:
                print(f"    FP  {s}", file=out)
            for s in fn:
                print(f"    FN  {s}", file=out)
            for s in ign:
                print(f"    ign {s} (optional)", file=out)
    p, r, f = prf(TP, FP, FN)
    if missing:
        print(f"warning: {len(missing)} gold article(s) absent from the system "
              f"output (all their names count as misses): "
              + ", ".join(missing), file=out)
    print(f"people names over {len(gold_rows)} articles: gold {TP + FN}, "
          f"system {TP + FP} (+{IGN} optional ignored), tp {TP}, fp {FP}, fn {FN}",
          file=out)
    print(f"precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}", file=out)
    return {"tp": TP, "fp": FP, "fn": FN, "ignored": IGN, "missing": missing,
            "precision": p, "recall": r, "f1": f}


def self_test():
    import io

    # normalization
    assert normalize("Martin O’Malley") == normalize("martin o'malley") == "martin omalley"
    assert normalize("  Donald  J. Trump ") == "donald j trump"
    assert normalize("Ban Ki-moon") == "ban ki moon"
    assert normalize("José") == normalize("Jose") == "jose"
    assert normalize("[Hillary] Clinton") == "hillary clinton"
    assert normalize("Jes\u00c3\u0083\u00c2os") == normalize("JesA\u0303\u0083A\u0302os")
    # match rule
    assert match_kind("Hillary Clinton", "hillary clinton") == 2.0
    assert match_kind("Hillary Clinton", "Clinton")
    assert match_kind("Hillary Rodham Clinton", "Hillary Clinton")
    assert match_kind("Donald J. Trump", "Donald Trump")
    assert match_kind("Martin O’Malley", "O'Malley")
    assert not match_kind("Hillary Clinton", "Hillary")
    assert not match_kind("Hillary Clinton", "Bill Clinton")
    assert not match_kind("Hillary Clinton", "Clinton Foundation")
    assert not match_kind("Ron Johnson", "Ron Paul")
    assert not match_kind("", "Trump")
    # one-to-one, exact first: "Clinton" goes to nobody's expense
    tp, fp, fn, ign = score_article(
        ["Hillary Clinton", "Bill Clinton"], [], ["Clinton", "Bill Clinton"])
    assert (tp, fp, fn) == (2, [], []), (tp, fp, fn)
    tp, fp, fn, ign = score_article(
        ["Hillary Clinton", "Bill Clinton"], [], ["Bill Clinton", "Clinton"])
    assert (tp, fp, fn) == (2, [], [])
    # a duplicate system entity for one person: one TP, one FP
    tp, fp, fn, ign = score_article(["Donald Trump"], [], ["Donald Trump", "Trump"])
    assert (tp, fp, fn) == (1, ["Trump"], [])
    # the exact one wins over the partial one regardless of order
    tp, fp, fn, ign = score_article(["Donald Trump"], [], ["Trump", "Donald Trump"])
    assert (tp, fp, fn) == (1, ["Trump"], [])
    # partial preferred by overlap: "Hillary Rodham Clinton" takes the fuller gold
    tp, fp, fn, ign = score_article(
        ["Clinton", "Hillary Clinton"], [], ["Hillary Rodham Clinton"])
    assert (tp, fp, fn) == (1, [], ["Clinton"])
    # optional names: neither right nor wrong
    tp, fp, fn, ign = score_article(
        ["Ted Cruz"], ["Ian Hanchett"], ["Ted Cruz", "Ian Hanchett", "Sandy Hook"])
    assert (tp, fp, fn, ign) == (1, ["Sandy Hook"], [], ["Ian Hanchett"])
    tp, fp, fn, ign = score_article(["Ted Cruz"], ["Ian Hanchett"], [])
    assert (tp, fp, fn, ign) == (0, [], ["Ted Cruz"], [])
    # gold names are matched before optional ones
    tp, fp, fn, ign = score_article(["Bill Clinton"], ["Clinton"], ["Clinton"])
    assert (tp, fp, fn, ign) == (1, [], [], [])
    # whole evaluation: micro-average, missing ids, foreign ids ignored
    gold = [
        {"id": "a", "people": ["Hillary Clinton", "Donald Trump"]},
        {"id": "b", "people": ["Bernie Sanders"], "optional": ["Loki"]},
        {"id": "c", "people": ["Josh Earnest"]},
    ]
    events = [
        {"id": "a", "entities": {"people": [{"name": "Clinton"}, {"name": "Trump Tower"}]}},
        {"id": "b", "entities": {"people": [{"name": "Sanders"}, {"name": "Loki"}]}},
        {"id": "z", "entities": {"people": [{"name": "Nobody"}]}},
        {"id": "c"},  # no entities at all
    ]
    buf = io.StringIO()
    res = evaluate(gold, events, verbose=True, out=buf)
    assert (res["tp"], res["fp"], res["fn"], res["ignored"]) == (2, 1, 2, 1), res
    assert abs(res["precision"] - 2 / 3) < 1e-9 and abs(res["recall"] - 0.5) < 1e-9
    assert "FP  Trump Tower" in buf.getvalue() and "FN  Donald Trump" in buf.getvalue()
    buf = io.StringIO()
    res = evaluate(gold, events[:2], out=buf)
    assert res["missing"] == ["c"] and "absent" in buf.getvalue()
    print("self-test passed")


if __name__ == "__main__":
    sys.exit(eval_common.main(
        'Precision/recall of people names against hand-annotated gold.',
        'gold people file (eval/people-gold.jsonl)',
        evaluate, self_test))
