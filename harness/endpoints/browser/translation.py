"""Automatic page translation as Chrome does it to a page's DOM (SG-ERR-6, 14).

Headless Chromium has no translation service, so the harness plays one: it does to the page
what Chrome's translation does. Chrome marks ``<html>`` with the class ``translated-ltr``, sets
its ``lang`` to the target language and replaces each text node by two nested
``<font style="vertical-align: inherit;">`` elements holding the translated text; the text of an
``<option>`` (which can hold no element) is rewritten in place. "Show original" puts every node
back. The translation itself is a glossary the scenario gives: each phrase is replaced where it
appears, and text without any of them is wrapped but kept, as the translator keeps names and
numbers. Text the page writes while the translation is on is translated as it appears, as
Chrome does.
"""

from __future__ import annotations

from collections.abc import Mapping

from playwright.async_api import Page

_TRANSLATE = """
([glossary, language]) => {
  if (window.__callproofTranslation) return false;
  const root = document.documentElement;
  const ours = new WeakSet();  // the <font> elements the translation wrote
  const undo = {lang: root.getAttribute("lang"), nodes: [], observer: null};
  const translate = (text) =>
    glossary.reduce((done, [phrase, translation]) => done.split(phrase).join(translation), text);
  const rewrite = (node) => {
    const parent = node.parentElement;
    if (!parent || !node.data.trim() || ours.has(parent)) return;
    if (["SCRIPT", "STYLE", "TEXTAREA"].includes(parent.tagName)) return;
    if (parent.tagName === "OPTION") {
      undo.nodes.push({node, data: node.data});
      node.data = translate(node.data);
      return;
    }
    const outer = document.createElement("font");
    const inner = document.createElement("font");
    outer.style.verticalAlign = "inherit";
    inner.style.verticalAlign = "inherit";
    ours.add(outer);
    ours.add(inner);
    inner.textContent = translate(node.data);
    outer.append(inner);
    node.replaceWith(outer);
    undo.nodes.push({node, outer});
  };
  const within = (top) => {
    if (top.nodeType === Node.TEXT_NODE) return [top];
    const walker = document.createTreeWalker(top, NodeFilter.SHOW_TEXT);
    const found = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) found.push(node);
    return found;
  };
  within(document.body).forEach(rewrite);
  // Chrome goes on translating what the page writes while the translation is on.
  undo.observer = new MutationObserver((records) => {
    for (const record of records) {
      for (const added of record.addedNodes) {
        if (!ours.has(added)) within(added).forEach(rewrite);
      }
    }
  });
  undo.observer.observe(document.body, {childList: true, subtree: true});
  root.classList.add("translated-ltr");
  root.setAttribute("lang", language);
  window.__callproofTranslation = undo;
  return true;
}
"""

_SHOW_ORIGINAL = """
() => {
  const undo = window.__callproofTranslation;
  if (!undo) return false;
  undo.observer.disconnect();
  for (const entry of undo.nodes.reverse()) {
    if (entry.outer) {
      if (entry.outer.isConnected) entry.outer.replaceWith(entry.node);
    } else {
      entry.node.data = entry.data;
    }
  }
  const root = document.documentElement;
  root.classList.remove("translated-ltr");
  if (undo.lang === null) root.removeAttribute("lang");
  else root.setAttribute("lang", undo.lang);
  delete window.__callproofTranslation;
  return true;
}
"""


async def translate_page(page: Page, glossary: Mapping[str, str], language: str = "vi") -> None:
    """Translate ``page`` into ``language`` as Chrome's automatic translation would, with
    ``glossary`` (phrase -> translation) as the translation."""
    for phrase in glossary:
        if not phrase.strip():
            raise ValueError("a phrase to translate must not be empty")
    done = await page.evaluate(_TRANSLATE, [list(glossary.items()), language])
    if not done:
        raise RuntimeError("the page is translated already")


async def show_original(page: Page) -> None:
    """Turn the translation of ``page`` off: every node back as the page wrote it."""
    if not await page.evaluate(_SHOW_ORIGINAL):
        raise RuntimeError("the page is not translated")


async def is_translated(page: Page) -> bool:
    """Whether ``page`` carries Chrome's mark of a translated page."""
    return bool(
        await page.evaluate("document.documentElement.classList.contains('translated-ltr')")
    )
