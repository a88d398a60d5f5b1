"""Present stage: one :class:`~assistant.converse.reply.Reply`, many formats.

* :mod:`~assistant.present.markdown`: the chat (and ``pairing ask --markdown``);
* :mod:`~assistant.present.html`: the candidate cards of the chat UI;
* :mod:`~assistant.present.text`: the terminal;
* :mod:`~assistant.present.data`: JSON;
* :mod:`~assistant.present.cohort`: a cohort pairing as table rows and CSV;
* :mod:`~assistant.present.agenda`: an agenda as Markdown, plain text and .ics.

Every figure comes from :mod:`~assistant.present.figures` (the words) and the match stage
(the values); renderers only format.
"""

from assistant.present.agenda import agenda_ics, agenda_markdown, agenda_text
from assistant.present.cohort import CohortView, cohort_view, write_pairs_csv
from assistant.present.data import reply_json
from assistant.present.figures import LEGEND, Figures, figures
from assistant.present.html import EMPTY_CARDS, candidate_cards, panel, profile_card
from assistant.present.markdown import markdown, phrased
from assistant.present.text import text

__all__ = [
    "EMPTY_CARDS",
    "LEGEND",
    "CohortView",
    "Figures",
    "agenda_ics",
    "agenda_markdown",
    "agenda_text",
    "candidate_cards",
    "cohort_view",
    "figures",
    "markdown",
    "panel",
    "phrased",
    "profile_card",
    "reply_json",
    "text",
    "write_pairs_csv",
]
