"""How the chat looks: a theme on local system fonts and the page's stylesheet (the
classes :mod:`assistant.present.html` writes)."""

from __future__ import annotations

from typing import Any

import gradio as gr

THEME_FONTS = ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto",
               "Helvetica Neue", "Arial", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]

CSS = """
.gradio-container { max-width: 1320px !important; margin: 0 auto; }
#pa-header .pa-header { display: flex; gap: 14px; align-items: center; padding: 6px 2px 2px; }
.pa-logo { width: 44px; height: 44px; border-radius: 12px; display: flex;
  align-items: center; justify-content: center; font-size: 24px; color: white;
  background: linear-gradient(135deg, #0f766e, #2563eb); }
.pa-header h1 { margin: 0; font-size: 1.45rem; }
.pa-header p { margin: 2px 0 0; color: var(--body-text-color-subdued); }
.pa-empty, .pa-profile { border: 1px dashed var(--border-color-primary); border-radius: 10px;
  padding: 12px 14px; color: var(--body-text-color-subdued); font-size: 0.92rem; }
.pa-profile { border-style: solid; color: var(--body-text-color); }
.pa-profile.pa-anon { border-style: dashed; color: var(--body-text-color-subdued); }
.pa-profile .pa-cols { display: grid; grid-template-columns: 1fr 1fr; gap: 12px;
  margin-top: 6px; font-size: 0.88rem; }
.pa-profile ul { margin: 4px 0 0 18px; padding: 0; }
.pa-panel-title { font-weight: 700; font-size: 1.05rem; margin: 2px 0 8px; }
.pa-card { border: 1px solid var(--border-color-primary); border-radius: 12px;
  padding: 12px 14px; margin-bottom: 10px; background: var(--background-fill-primary);
  box-shadow: 0 1px 2px rgba(0,0,0,0.04); }
.pa-card.pa-focus { border-color: #0f766e; box-shadow: 0 0 0 2px rgba(15,118,110,0.15); }
.pa-head { display: flex; align-items: center; gap: 10px; }
.pa-rank { flex: none; width: 28px; height: 28px; border-radius: 50%; background: #0f766e;
  color: white; display: flex; align-items: center; justify-content: center;
  font-weight: 700; font-size: 0.9rem; }
.pa-who { flex: 1; min-width: 0; }
.pa-name { font-weight: 700; font-size: 1.02rem; overflow-wrap: anywhere; }
.pa-meta { color: var(--body-text-color-subdued); font-size: 0.85rem; overflow-wrap: anywhere; }
.pa-score { flex: none; text-align: right; min-width: 84px; }
.pa-num { font-weight: 700; font-size: 1.15rem; color: #0f766e; display: block; }
.pa-label { font-size: 0.72rem; color: var(--body-text-color-subdued); text-transform: uppercase;
  letter-spacing: 0.04em; }
.pa-bar { height: 5px; background: var(--border-color-primary); border-radius: 3px;
  margin-top: 3px; overflow: hidden; }
.pa-bar span { display: block; height: 100%; background: linear-gradient(90deg,#0f766e,#2563eb); }
.pa-legend { font-size: 0.78rem; color: var(--body-text-color-subdued); margin: 2px 2px 8px; }
.pa-mark { display: inline-block; margin-top: 3px; font-size: 0.74rem; font-weight: 600;
  color: #92400e; background: #fef3c7; border-radius: 6px; padding: 1px 6px; }
.pa-card.pa-oneway { border-style: dashed; }
.pa-sub { font-size: 0.8rem; color: var(--body-text-color-subdued); margin: 4px 0 6px 38px; }
.pa-dir { margin: 6px 0; font-size: 0.92rem; line-height: 1.4; overflow-wrap: anywhere; }
.pa-arrow { display: inline-block; font-size: 0.72rem; font-weight: 700; padding: 1px 6px;
  border-radius: 6px; margin-right: 6px; background: #ccfbf1; color: #115e59; }
.pa-out .pa-arrow { background: #dbeafe; color: #1e40af; }
.pa-sim { font-size: 0.78rem; color: var(--body-text-color-subdued); white-space: nowrap; }
.pa-extra { margin: 6px 0 0 18px; padding: 0; font-size: 0.85rem; }
.pa-flag { color: #b45309; }
.pa-card details { margin-top: 6px; font-size: 0.85rem; }
.pa-card summary { cursor: pointer; color: var(--body-text-color-subdued); }
.pa-links-title { font-weight: 600; margin-top: 6px; }
.pa-links ul { margin: 2px 0 0 18px; padding: 0; }
#agenda-panel { margin-top: 8px; }
#pairs :is(td, th, span), #unmatched :is(td, th, span) { font-family: var(--font) !important; }
#send, #new-chat { white-space: nowrap; }
#agenda h1 { font-size: 1.2rem; margin-top: 0; }
#agenda h2 { font-size: 1rem; margin-top: 1em; }
"""


def theme() -> Any:
    """A calm theme using local system fonts only (no web-font downloads)."""
    return gr.themes.Soft(primary_hue="teal", secondary_hue="blue", neutral_hue="slate",
                          font=THEME_FONTS, font_mono=MONO_FONTS)
