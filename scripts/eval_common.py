"""What the entity scorers share: name normalization, JSON Lines input, and
precision/recall. Standard library only."""

import argparse
import json
import os
import sys
import unicodedata

APOSTROPHES = "'\u2019\u2018\u02bc`\u00b4"


def normalize(name):
    """Case-folded, accent- and punctuation-free, space-collapsed form:
    Unicode NFKD with combining marks and control characters dropped,
    apostrophes deleted (O’Malley = O'Malley), every other character that
    is no letter or digit turned into a space."""
    decomposed = unicodedata.normalize("NFKD", name)
    out = []
    for ch in decomposed:
        cat = unicodedata.category(ch)
        if cat.startswith("M") or cat in ("Cc", "Cf") and not ch.isspace():
            continue  # combining marks, control and format characters
        if ch in APOSTROPHES:
            continue
        out.append(ch if ch.isalnum() else " ")
    return " ".join("".join(out).casefold().split())


def score_article(match, gold, optional, system, label=lambda g: g):
    """(tp, fp names, fn labels, ignored names) of one article: `match`
    pairs gold and system entries one to one, as (gold index, system
    index); a system name left unmatched that matches an optional entry is
    ignored; a gold entry left unmatched is a miss, named by `label`."""
    pairs = match(gold, system)
    matched_g = {gi for gi, _ in pairs}
    matched_s = {si for _, si in pairs}
    rest = [s for si, s in enumerate(system) if si not in matched_s]
    ignored_idx = {si for _, si in match(optional, rest)}
    ignored = [s for i, s in enumerate(rest) if i in ignored_idx]
    fp = [s for i, s in enumerate(rest) if i not in ignored_idx]
    fn = [label(g) for gi, g in enumerate(gold) if gi not in matched_g]
    return len(pairs), fp, fn, ignored


def prf(tp, fp, fn):
    """Precision, recall and F1 of the counts (0.0 where undefined)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def die(msg):
    """Exits 2 with `msg`, named by the running script."""
    name = os.path.splitext(os.path.basename(sys.argv[0]))[0]
    print(f"{name}: {msg}", file=sys.stderr)
    sys.exit(2)


def read_jsonl(path, what):
    """The JSON values of `path`'s non-blank lines; dies with the file and
    line when one is missing, unreadable or not JSON."""
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.readlines()
    except FileNotFoundError:
        die(f"{what} file not found: {path}")
    except (OSError, UnicodeDecodeError) as e:
        die(f"cannot read {what} file {path}: {e}")
    rows = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:
            die(f"{path}:{n}: not JSON: {e}")
    return rows


def main(description, gold_help, evaluate, self_test):
    """The command line both scorers share: `GOLD ENRICHED [--verbose]`
    scores, `--self-test` checks the scorer. Returns the exit status."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("gold", nargs="?", help=gold_help)
    ap.add_argument("enriched", nargs="?", help="output of `article-enricher enrich`")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print per-article false positives and misses")
    ap.add_argument("--self-test", action="store_true", help="run built-in checks and exit")
    args = ap.parse_args()
    if args.self_test:
        self_test()
        return 0
    if not args.gold or not args.enriched:
        ap.error("GOLD.jsonl and ENRICHED.jsonl are required")
    evaluate(read_jsonl(args.gold, "gold"), read_jsonl(args.enriched, "enriched"),
             verbose=args.verbose)
    return 0
