#!/usr/bin/env python3
"""Title accuracy of enriched events against a gold JSONL with `title`.

Usage: score_titles.py GOLD.jsonl SYSTEM.jsonl

A title is right when the headline before any `;` deck equals the gold
one after folding case and dropping everything but letters and digits.
Prints the accuracy and up to five misses.
"""
import json
import sys


def fold(title):
    head = (title or "").split(";")[0]
    return "".join(c for c in head.lower() if c.isalnum())


def main(gold_path, system_path):
    gold = {}
    with open(gold_path, encoding="utf-8") as f:
        for line in f:
            event = json.loads(line)
            gold[event["id"]] = event.get("title")
    right, total, misses = 0, 0, []
    with open(system_path, encoding="utf-8") as f:
        for line in f:
            event = json.loads(line)
            if event["id"] not in gold:
                continue
            total += 1
            expected, got = gold[event["id"]], event.get("title")
            if got is not None and fold(got) == fold(expected):
                right += 1
            else:
                misses.append((event["id"], expected, got))
    missing = len(gold) - total
    print(f"title accuracy: {right}/{len(gold)} = {right / max(len(gold), 1):.4f}"
          + (f" ({missing} events missing from the output)" if missing else ""))
    for event_id, expected, got in misses[:5]:
        print(f"  miss {event_id}: expected {expected!r}, got {got!r}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
