"""User interfaces over :class:`assistant.service.PairingService`.

:mod:`assistant.ui.gradio_app` is the Gradio chat UI (loaded on demand by ``pairing
chat``; with :mod:`assistant.ui.programme_tabs`, the only modules importing Gradio); its
panels are rendered by :mod:`assistant.present`, the programme tabs' views by
:mod:`assistant.ui.programme_view`.
"""
