#!/usr/bin/env bash
# People precision/recall on the 20 hand-annotated PolNeAR train articles
# (eval/people-gold.jsonl): scripts/eval-entities.sh for people alone.
# Extra arguments go to scripts/eval-people.py (e.g. --verbose).
exec "$(dirname "$0")/eval-entities.sh" people "$@"
