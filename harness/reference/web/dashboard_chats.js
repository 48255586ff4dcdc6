"use strict";
// The dashboard's Chats > Connected page: the connected chats, each with its Actions menu:
// View live chat (CC-MON-9, 10: the agent, the end user, the issue, the CRM record, the
// messages; the X closes it), Chat details (CC-MON-6: the session's data) and End chat, then
// Confirm (CC-END-1). Watching sends nothing to the agent or the customer. Loaded after
// monitoring.js and before the dashboard's own script, whose helpers (page, el, call, edit)
// it uses only once a page is shown.

MONITORING_ROUTES.push([/^#\/chats\/connected$/, () => connectedChatsPage()]);
document.getElementById("menu").append(
  Object.assign(document.createElement("a"), {href: "#/chats/connected", textContent: "Connected chats"}));

async function connectedChatsPage() {
  const {chats} = await call("GET", "/chats/connected");
  const out = page("Connected chats", [["Chats", null], ["Connected", null]]);
  if (!chats.length) {
    out.append(el("p", {text: "No chat is connected."}));
    return out;
  }
  const table = el("table", {"aria-label": "Connected chats"},
    el("thead", {}, el("tr", {}, ...["Chat ID", "Agent", "End user", "Issue", "Since", "Actions"]
      .map((text) => el("th", {scope: "col", text})))));
  const rows = el("tbody");
  for (const chat of chats) {
    rows.append(el("tr", {},
      el("td", {text: chat.chat_id}), el("td", {text: chat.agent_name || ""}),
      el("td", {text: chat.end_user}), el("td", {text: chat.issue}),
      el("td", {}, el("time", {datetime: chat.connected_at, text: chat.connected_at})),
      el("td", {}, ...chatActions(chat, out))));
  }
  table.append(rows);
  out.append(table);
  return out;
}

function chatActions(chat, out) {
  return menuButton(chat.chat_id, [
    ["View live chat", () => showLiveChat(chat.chat_id, out)],
    ["Chat details", () => showChatDetails(chat.chat_id, out)],
    ["End chat", () => out.append(confirmEndChat(chat))],
  ]);
}

function chatDialog(title, ...children) {
  const titleId = "dialog-" + title.replace(/\W+/g, "-");
  const close = el("button", {type: "button", "aria-label": "Close", text: "X"});
  const dialog = el("div", {role: "dialog", "aria-labelledby": titleId},
    el("h2", {id: titleId, text: title}), close, ...children);
  close.addEventListener("click", () => dialog.remove());
  return dialog;
}

async function showLiveChat(chatId, out) {
  const chat = await call("GET", "/chats/" + encodeURIComponent(chatId));
  const facts = el("dl", {"aria-label": "Live chat"});
  for (const [term, value] of [["Agent", chat.agent_name || ""], ["End user", chat.end_user],
    ["Issue", chat.issue]]) {
    facts.append(el("dt", {text: term}), el("dd", {text: value}));
  }
  facts.append(el("dt", {text: "CRM record"}), el("dd", {},
    chat.crm_record_url ? el("a", {href: chat.crm_record_url, target: "_blank", text: "Open the CRM record"})
                        : el("span", {text: "No CRM integrated"})));
  const log = el("ol", {role: "log", "aria-label": "Messages"});
  for (const said of chat.messages) log.append(el("li", {text: said.name + ": " + said.text}));
  out.append(chatDialog("Live chat " + chat.chat_id, facts, log));
}

async function showChatDetails(chatId, out) {
  const chat = await call("GET", "/chats/" + encodeURIComponent(chatId));
  const facts = el("dl", {"aria-label": "Chat session"});
  for (const [term, value] of [["Session", chat.session_id], ["Channel", chat.channel],
    ["Queue", chat.issue], ["Agent", chat.agent_name || ""], ["End user", chat.end_user],
    ["Started", chat.started_at], ["Connected", chat.connected_at || ""],
    ["Messages", String(chat.messages.length)]]) {
    facts.append(el("dt", {text: term}), el("dd", {text: value}));
  }
  out.append(chatDialog("Chat details " + chat.chat_id, facts));
}

// Ending a chat cannot be undone: confirmEnding (dashboard_monitoring.js) asks first.
function confirmEndChat(chat) {
  return confirmEnding("chat", chat.chat_id,
    "The customer (" + chat.end_user + ") and the agent are told the chat ended.",
    "/chats/" + encodeURIComponent(chat.chat_id) + "/end");
}
