"""Reciprocal mentoring pairing assistant.

Data flows one way through small stages, each a subpackage with a narrow public API::

    corpus files -> ingest -> embed -> store -> match -> converse -> ui / cli

:class:`assistant.service.PairingService` ties the stages together; the CLI, the
Gradio UI and the evaluation runner all use it.
"""

__version__ = "0.1.0"
