// The agent app's Transfer and Keypad panels (AC-IN-7), beside the in-call view.
// Loaded after the page's own script: it uses that script's `call`, `send`, `say`, `$`,
// `offers` and `activeCall`.
"use strict";

(() => {
  const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];

  function currentCallId() {
    const offer = activeCall && offers.get(activeCall.offer);
    return offer ? offer.call_id : null;
  }

  function toggle(button, panel, open) {
    const opening = open !== undefined ? open : panel.hidden;
    panel.hidden = !opening;
    button.setAttribute("aria-expanded", String(opening));
    return opening;
  }

  // -- Transfer: the agents, and the queues the account offers now (CC-AH-3, 12) -------------
  async function showTargets() {
    const panel = $("transfer-panel");
    panel.replaceChildren();
    const list = document.createElement("ul");
    list.setAttribute("aria-label", "Transfer targets");
    list.setAttribute("aria-busy", "true");  // until both lists are in
    panel.append(list);
    let agents, queues;
    try {
      [agents, queues] = await Promise.all([
        call("GET", "/transfers/agents"),
        call("GET", "/routing/transfer-targets?family=calls"),
      ]);
    } catch (refusal) {
      say("Transfer targets not available: " + refusal.message);
      return;
    }
    for (const agent of agents.agents) {
      list.append(target(agent.name, {to_user_id: agent.id}));
    }
    for (const queue of queues.queues) {
      list.append(target("Queue " + queue.name, {to_queue_id: queue.id}));
    }
    list.removeAttribute("aria-busy");
    if (!list.children.length) say("Nobody to transfer this call to");
  }

  function target(label, payload) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.setAttribute("aria-label", "Transfer to " + label);
    button.addEventListener("click", () => transferTo(label, payload));
    item.append(button);
    return item;
  }

  async function transferTo(label, payload) {
    const callId = currentCallId();
    if (!callId) {
      say("Not possible: there is no call to transfer");
      return;
    }
    try {
      await call("POST", "/calls/" + encodeURIComponent(callId) + "/transfer", payload);
    } catch (refusal) {
      say("Transfer refused: " + refusal.message);
      return;
    }
    toggle($("transfer"), $("transfer-panel"), false);
    say("Call transferred to " + label);
  }

  $("transfer").addEventListener("click", () => {
    if (toggle($("transfer"), $("transfer-panel"))) showTargets();
  });

  // -- Keypad: each key goes into the call, the customer hears its tones ---------------------
  const pad = $("keypad-panel");
  const sent = document.createElement("output");
  sent.setAttribute("aria-label", "Keys sent");
  for (const key of KEYS) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = key;
    button.setAttribute("aria-label", "Key " + key);
    button.addEventListener("click", () => {
      if (!activeCall) return;
      send({type: "keypad", offer: activeCall.offer, digits: key});
      sent.textContent += key;
    });
    pad.append(button);
  }
  pad.append(sent);

  $("keypad").addEventListener("click", () => toggle($("keypad"), pad));

  // A call that ends closes both panels; the next call starts with an empty keypad display.
  new MutationObserver(() => {
    if ($("in-call").hidden) {
      toggle($("transfer"), $("transfer-panel"), false);
      toggle($("keypad"), pad, false);
      sent.textContent = "";
    }
  }).observe($("in-call"), {attributes: true, attributeFilter: ["hidden"]});
})();
