"use strict";
// The dashboard's monitoring pages: Calls > Queued and Calls > Connected, each live call with
// its Actions menu (End call, then Confirm: CC-END-1). Loaded before the dashboard's own script;
// the functions below use its helpers (page, el, call, edit) only once a page is shown.

const MONITORING_PAGES = {
  queued: {title: "Queued calls", states: ["ringing", "transferring"], empty: "No call is waiting."},
  connected: {title: "Connected calls", states: ["answered", "held"], empty: "No call is connected."},
};

const MONITORING_ROUTES = [
  [/^#\/monitoring\/(queued|connected)$/, (which) => monitoringPage(which)],
  [/^#\/monitoring\/agents$/, () => agentsPage()],
];

// The agent on the call now: whoever answered last (after a transfer, its target), not the
// first answer the call log credits.
function agentIdOnCall(entry) {
  const answers = entry.timeline.filter((item) => item.kind === "answered");
  return answers.length ? answers[answers.length - 1].user_id : null;
}

function agentOnCall(entry) {
  const last = agentIdOnCall(entry);
  const offered = entry.routed_to.find((offer) => offer.user_id === last);
  return offered ? offered.user_name : (entry.answered_by_name || "");
}

function since(entry) {
  return entry.answered_at || entry.started_at;
}

async function monitoringPage(which) {
  const shown = MONITORING_PAGES[which];
  const {calls} = await call("GET", "/calls");
  const live = calls.filter((entry) => shown.states.includes(entry.state));
  const out = page(shown.title, [[shown.title, null]]);
  if (!live.length) {
    out.append(el("p", {text: shown.empty}));
    return out;
  }
  const table = el("table", {"aria-label": shown.title},
    el("thead", {}, el("tr", {}, ...["Call ID", "From", "To", "Agent", "Since", "Actions"]
      .map((text) => el("th", {scope: "col", text})))));
  const rows = el("tbody");
  for (const entry of live) rows.append(liveRow(entry, out));
  table.append(rows);
  out.append(table);
  return out;
}

// The calls this tab is listening to: Actions shows Stop monitoring for them, Monitor otherwise.
const LISTENING_KEY = "callproof-dashboard-listening";

function listening() {
  return new Set(JSON.parse(sessionStorage.getItem(LISTENING_KEY) || "[]"));
}

function setListening(callId, on) {
  const calls = listening();
  if (on) calls.add(callId); else calls.delete(callId);
  sessionStorage.setItem(LISTENING_KEY, JSON.stringify([...calls]));
}

function monitorCall(entry) {
  edit("Monitoring call " + entry.call_id, async () => {
    await call("POST", "/calls/" + encodeURIComponent(entry.call_id) + "/monitor");
    setListening(entry.call_id, true);
    return "Monitoring call " + entry.call_id + ": your phone rings to listen";
  });
}

function stopMonitoring(entry) {
  edit("Stopping monitoring of call " + entry.call_id, async () => {
    await call("DELETE", "/calls/" + encodeURIComponent(entry.call_id) + "/monitor");
    setListening(entry.call_id, false);
    return "Stopped monitoring call " + entry.call_id;
  });
}

function liveRow(entry, out) {
  return el("tr", {},
    el("td", {text: entry.call_id}), el("td", {text: entry.from}), el("td", {text: entry.to}),
    el("td", {text: agentOnCall(entry)}),
    el("td", {}, el("time", {datetime: since(entry), text: since(entry)})),
    el("td", {}, ...actionsMenu(entry, entry.call_id, out, true)));
}

// An Actions button and its menu of ``items`` ([text, action] pairs); ``label`` names the row
// (a Call ID, a chat, an agent's name). The chats page uses it too.
function menuButton(label, items) {
  const menuId = "actions-" + label.replace(/\W+/g, "-");
  const toggle = el("button", {type: "button", "aria-haspopup": "menu", "aria-expanded": "false",
    "aria-controls": menuId, "aria-label": "Actions for " + label, text: "Actions"});
  const menu = el("div", {id: menuId, role: "menu", "aria-label": "Actions for " + label, hidden: ""});
  for (const [text, action] of items) {
    const button = el("button", {type: "button", role: "menuitem", text});
    button.addEventListener("click", () => {
      menu.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      action();
    });
    menu.append(button);
  }
  toggle.addEventListener("click", () => {
    const open = menu.hidden;
    menu.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
  });
  return [toggle, menu];
}

// A call's Actions: monitoring and details while connected, ending where ``ending``.
function actionsMenu(entry, label, out, ending) {
  const items = [];
  if (MONITORING_PAGES.connected.states.includes(entry.state)) {
    if (listening().has(entry.call_id)) items.push(["Stop monitoring", () => stopMonitoring(entry)]);
    else items.push(["Monitor", () => monitorCall(entry)]);
    items.push(["Call details", () => showDetails(entry.call_id, out)]);
  }
  if (ending) items.push(["End call", () => out.append(confirmEnd(entry))]);
  return menuButton(label, items);
}

// Agents (CC-MON-8): every user, the connected call she is on, and its Actions.
async function agentsPage() {
  const [{users}, {calls}] = await Promise.all([call("GET", "/users"), call("GET", "/calls")]);
  const onCall = new Map();
  for (const entry of calls) {
    if (MONITORING_PAGES.connected.states.includes(entry.state)) {
      const agent = agentIdOnCall(entry);
      if (agent && !onCall.has(agent)) onCall.set(agent, entry);
    }
  }
  const out = page("Agents", [["Agents", null]]);
  const table = el("table", {"aria-label": "Agents"},
    el("thead", {}, el("tr", {}, ...["Agent", "Role", "Call", "Actions"]
      .map((text) => el("th", {scope: "col", text})))));
  const rows = el("tbody");
  for (const user of users) {
    const entry = onCall.get(user.id);
    rows.append(el("tr", {}, el("td", {text: user.name}), el("td", {text: user.custom_role || user.role}),
      el("td", {text: entry ? entry.call_id : "Not on a call"}),
      el("td", {}, ...(entry ? actionsMenu(entry, user.name, out, false) : []))));
  }
  table.append(rows);
  out.append(table);
  return out;
}

// Ending a session cannot be undone: the page asks first, and only Confirm ends it. ``kind``
// is "call" or "chat"; ``path`` is the route that ends it. The chats page uses it too.
function confirmEnding(kind, id, consequence, path) {
  const titleId = "confirm-end-" + id;
  const confirm = el("button", {type: "button", text: "Confirm"});
  const cancel = el("button", {type: "button", text: "Cancel"});
  const dialog = el("div", {role: "dialog", "aria-modal": "true", "aria-labelledby": titleId},
    el("h2", {id: titleId, text: "End " + kind + " " + id + "?"}),
    el("p", {text: consequence}),
    confirm, " ", cancel);
  cancel.addEventListener("click", () => dialog.remove());
  confirm.addEventListener("click", () => {
    dialog.remove();
    edit("Ending " + kind + " " + id, async () => {
      await call("POST", path);
      return "Ended " + kind + " " + id;
    });
  });
  return dialog;
}

function confirmEnd(entry) {
  return confirmEnding("call", entry.call_id,
    "The customer (" + entry.from + ") and the agent are disconnected.",
    "/calls/" + encodeURIComponent(entry.call_id) + "/end");
}

// The call details pop-up (CC-MON-5): metrics, transfer information, participants, and Listen
// when the signed-in user's role may monitor calls.
function seconds(value) {
  return value === null || value === undefined ? "" : Number(value).toFixed(0) + " s";
}

async function showDetails(callId, out) {
  const [entry, me] = await Promise.all([
    call("GET", "/calls/" + encodeURIComponent(callId)), call("GET", "/me"),
  ]);
  const titleId = "details-" + entry.call_id;
  const close = el("button", {type: "button", "aria-label": "Close", text: "X"});
  const talking = entry.answered_at ? (Date.now() - Date.parse(entry.answered_at)) / 1000 : null;
  const metrics = el("dl", {"aria-label": "Call metrics"});
  for (const [term, value] of [["Status", entry.state], ["Started", entry.started_at],
    ["Answered", entry.answered_at || ""], ["Talking for", seconds(talking)],
    ["On hold", seconds(entry.hold_s)], ["In transfer", seconds(entry.transfer_s)]]) {
    metrics.append(el("dt", {text: term}), el("dd", {text: value}));
  }
  const transfers = entry.timeline.filter((item) => item.kind === "transferred");
  const transferList = el("ul", {"aria-label": "Transfer information"});
  for (const item of transfers) transferList.append(el("li", {text: item.text}));
  if (!transfers.length) transferList.append(el("li", {text: "Not transferred"}));
  const participants = el("ul", {"aria-label": "Participants"},
    el("li", {text: "Customer: " + entry.from}));
  if (agentOnCall(entry)) participants.append(el("li", {text: "Agent: " + agentOnCall(entry)}));
  const actions = el("div", {role: "group", "aria-label": "Call actions"});
  if ("monitor.calls" in (me.permissions || {})) {
    const listen = el("button", {type: "button", text: "Listen"});
    listen.addEventListener("click", () => { dialog.remove(); monitorCall(entry); });
    actions.append(listen);
  }
  const dialog = el("div", {role: "dialog", "aria-labelledby": titleId},
    el("h2", {id: titleId, text: "Call details " + entry.call_id}), close,
    el("h3", {text: "Metrics"}), metrics, el("h3", {text: "Transfer information"}), transferList,
    el("h3", {text: "Participants"}), participants, actions);
  close.addEventListener("click", () => dialog.remove());
  out.append(dialog);
}
