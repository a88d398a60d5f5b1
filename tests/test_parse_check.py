"""The parser on 200 messages written and read by hand apart from the code
(``evals/parsing/``): intent, skills on the right side, partner filters."""

from __future__ import annotations

import json
import re
from pathlib import Path

from assistant.converse.understand import ParseContext, Speaker, parse

MESSAGES = Path(__file__).resolve().parents[1] / "evals" / "parsing" / "messages.jsonl"
DEPARTMENTS = ["Finance", "Marketing", "Sales", "HR", "Operations", "Technology", "Legal",
               "Customer Service"]
_WORD = re.compile(r"[a-z0-9+#]+")
_SMALL = frozenset({"a", "an", "the", "of", "to", "in", "on", "for", "with", "and", "or",
                    "my", "our", "me", "i", "some"})


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if w not in _SMALL}


def _found(gold: str, read: list[str]) -> bool:
    """A hand-read skill is found when a phrase read holds at least half of its words."""
    want = _words(gold)
    return bool(want) and any(len(want & _words(r)) * 2 >= len(want) for r in read)


def test_the_hand_read_messages_are_read_alike() -> None:
    ctx = ParseContext(names=[], locations=[], departments=DEPARTMENTS)
    rows = [json.loads(line) for line in MESSAGES.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 200
    intent = searches = filters = swapped = 0
    found = {"wants": 0, "offers": 0}
    gold = {"wants": 0, "offers": 0}
    for row in rows:
        speaker = Speaker.of(row["profile"]["offers"], row["profile"]["wants"])
        read = parse(row["text"], ctx, speaker=speaker)
        searching = str(read.intent) in ("search", "refine")
        intent += searching == (row["intent"] == "search")
        if row["intent"] != "search":
            continue
        searches += 1
        sides = {"wants": read.wants, "offers": read.offers}
        for side, other in (("wants", "offers"), ("offers", "wants")):
            gold[side] += len(row[side])
            found[side] += sum(_found(g, sides[side]) for g in row[side])
            swapped += sum(_found(g, sides[other]) for g in row[side])
        asked = row["filters"]
        filters += (sorted(asked.get("departments", [])) == sorted(read.filters.departments)
                    and sorted(asked.get("exclude_departments", []))
                    == sorted(read.filters.exclude_departments))
    figures = (f"intent {intent / len(rows):.3f}, "
               f"wants found {found['wants'] / gold['wants']:.3f}, "
               f"offers found {found['offers'] / gold['offers']:.3f}, read the other way "
               f"{swapped}, department filters right {filters}/{searches}")
    # the floors sit a little under the figures of 2026-11-27 (0.960, 0.923, 0.890, 21,
    # 173/180): a change that reads these messages clearly worse fails here
    assert intent / len(rows) >= 0.94, figures
    assert found["wants"] / gold["wants"] >= 0.90, figures
    assert found["offers"] / gold["offers"] >= 0.85, figures
    assert swapped <= 26, figures
    assert filters >= 0.9 * searches, figures
