"""User interfaces over :class:`assistant.service.PairingService`.

:mod:`assistant.ui.gradio_app` is the Gradio chat UI (the only module importing Gradio,
loaded on demand by ``pairing chat``); its panels are rendered by :mod:`assistant.present`.
"""
