#!/usr/bin/env python3
"""Reads JSON Lines events and writes them without their `title` field.

With --headline-too, also cuts the headline (and a `;` deck line under
it) from the start of `text`, so that the text starts with its lede.
"""
import json
import re
import sys


def cut_headline(text):
    first, sep, rest = text.partition("\n")
    if first.rstrip().endswith(";"):
        _, _, rest = rest.partition("\n")
    return re.sub(r"^\s+", "", rest) if sep else text


def main():
    headline_too = "--headline-too" in sys.argv[1:]
    for line in sys.stdin:
        event = json.loads(line)
        event.pop("title", None)
        if headline_too:
            event["text"] = cut_headline(event["text"])
        print(json.dumps(event, ensure_ascii=False))


if __name__ == "__main__":
    main()
