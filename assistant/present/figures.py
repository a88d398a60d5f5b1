"""The figures a person sees, chosen in one place and named the same everywhere.

Four figures, each from 0 to 1, all computed by the match stage:

* **teaches you**: how well the partner's offers cover what you want to learn
  (``Candidate.teaches``: the best-covered want counts most, the others too);
* **learns from you**: how well what you offer covers what they want to learn
  (``Candidate.learns``); unknown when you named nothing to offer;
* **pair score**: the two directions combined by their harmonic mean
  (``Candidate.reciprocal``), low whenever either side is low; unknown with one side;
* **fit**: one wanted statement against one offered statement (``Link.strength``).

The ranking itself (which adds small preferences such as a different department) is an
order, never shown as a number. Renderers format these values; none computes one.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.match import Candidate

TEACHES = "teaches you"
LEARNS = "learns from you"
PAIR = "pair score"
FIT = "fit"
#: the one-line explanation shown in the UI, the CLI and the README
LEGEND = (f"Figures run from 0 to 1: {TEACHES} = how well their offers cover what you want "
          f"to learn; {LEARNS} = how well what you offer covers what they want; {PAIR} = "
          f"the two combined (harmonic mean: low if either side is low); {FIT} = one "
          "statement against another. The order favours whoever's own words come "
          "closest to what you asked, then weighs what they want back, so a closer "
          f"teacher can come before a higher {PAIR}.")
#: the same for a pair in a cohort table, where "you" is one of the two
PAIR_LEGEND = (f"Figures run from 0 to 1: B teaches A, A teaches B = how well one's offers "
               f"cover what the other wants to learn; {PAIR} = the two combined (harmonic "
               f"mean: low if either side is low); {FIT} = one statement against another.")
UNKNOWN = "–"


@dataclass(frozen=True)
class Figures:
    """The figures of one candidate (or one pair): None where a direction is unknown."""

    teaches_you: float
    learns_from_you: float | None
    pair_score: float | None

    def items(self) -> list[tuple[str, float | None]]:
        """(words, value) in the order every renderer shows them."""
        return [(PAIR, self.pair_score), (TEACHES, self.teaches_you),
                (LEARNS, self.learns_from_you)]

    def headline(self) -> tuple[str, float]:
        """The one figure a card leads with: the pair score, or what is known."""
        if self.pair_score is not None:
            return PAIR, self.pair_score
        return TEACHES, self.teaches_you


def figures(c: Candidate, two_way: bool) -> Figures:
    """The figures of ``c``; ``two_way`` False when the asker named nothing to offer."""
    if not two_way:
        return Figures(c.teaches, None, None)
    return Figures(c.teaches, c.learns, c.reciprocal)


def fmt(value: float | None) -> str:
    """Every figure with two decimals; an unknown one as a dash."""
    return UNKNOWN if value is None else f"{value:.2f}"


def line(f: Figures) -> str:
    """``pair score 0.90 · teaches you 1.00 · learns from you 0.82`` (plain words)."""
    return " · ".join(f"{words} {fmt(value)}" for words, value in f.items())
