"""Agents in a real browser: Chromium launched per signature, the audio tap, the browser phone."""
