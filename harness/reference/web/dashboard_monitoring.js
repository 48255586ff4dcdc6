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
];

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

function liveRow(entry, out) {
  const menuId = "actions-" + entry.call_id;
  const toggle = el("button", {type: "button", "aria-haspopup": "menu", "aria-expanded": "false",
    "aria-controls": menuId, "aria-label": "Actions for " + entry.call_id, text: "Actions"});
  const end = el("button", {type: "button", role: "menuitem", text: "End call"});
  const menu = el("div", {id: menuId, role: "menu", "aria-label": "Actions for " + entry.call_id, hidden: ""}, end);
  toggle.addEventListener("click", () => {
    const open = menu.hidden;
    menu.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
  });
  end.addEventListener("click", () => {
    menu.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    out.append(confirmEnd(entry));
  });
  return el("tr", {},
    el("td", {text: entry.call_id}), el("td", {text: entry.from}), el("td", {text: entry.to}),
    el("td", {text: entry.answered_by_name || ""}),
    el("td", {}, el("time", {datetime: since(entry), text: since(entry)})),
    el("td", {}, toggle, menu));
}

// Ending a call cannot be undone: the page asks first, and only Confirm ends it.
function confirmEnd(entry) {
  const titleId = "confirm-end-" + entry.call_id;
  const confirm = el("button", {type: "button", text: "Confirm"});
  const cancel = el("button", {type: "button", text: "Cancel"});
  const dialog = el("div", {role: "dialog", "aria-modal": "true", "aria-labelledby": titleId},
    el("h2", {id: titleId, text: "End call " + entry.call_id + "?"}),
    el("p", {text: "The customer (" + entry.from + ") and the agent are disconnected."}),
    confirm, " ", cancel);
  cancel.addEventListener("click", () => dialog.remove());
  confirm.addEventListener("click", () => {
    dialog.remove();
    edit("Ending call " + entry.call_id, async () => {
      await call("POST", "/calls/" + encodeURIComponent(entry.call_id) + "/end");
      return "Ended call " + entry.call_id;
    });
  });
  return dialog;
}
