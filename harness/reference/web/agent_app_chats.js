// Chats in the agent app: a queued chat of one of the agent's queues is offered here ("Chats
// waiting", Accept chat); the accepted chat shows its messages, a box to write and End chat.
// Chat notifications (CC-NTF-7): the new-chat tone plays when a chat starts waiting, once or
// again every `repeat_s` seconds until the agent takes a chat or no chat is waiting, and the
// new-message tone plays for each message of the customer. The "Chat tones" log lists each
// start (`data-kind`: new-chat or new-message, `data-at`: ms since the page loaded).
// Loaded after the page's own script: it reads that script's `call`, `send`, `token` and
// `handle`, and takes the chat messages of the app's channel before `handle` sees them.
"use strict";

(() => {
  const panel = document.createElement("section");
  panel.setAttribute("aria-label", "Chats");
  panel.innerHTML = `
    <h2>Chats</h2>
    <ul aria-label="Chats waiting"></ul>
    <div aria-label="Current chat" hidden>
      <p data-role="with"></p>
      <ol role="log" aria-label="Chat messages"></ol>
      <input aria-label="Chat message" maxlength="4000">
      <button type="button" data-role="send">Send</button>
      <button type="button" data-role="end">End chat</button>
    </div>
    <p role="status" aria-label="Chat status"></p>
    <ol role="log" aria-label="Chat tones"></ol>`;
  const chatPlayer = document.createElement("audio");
  chatPlayer.setAttribute("aria-label", "New-chat tone");
  const messagePlayer = document.createElement("audio");
  messagePlayer.setAttribute("aria-label", "New-message tone");
  panel.append(chatPlayer, messagePlayer);
  document.body.append(panel);

  const waitingList = panel.querySelector('[aria-label="Chats waiting"]');
  const current = panel.querySelector('[aria-label="Current chat"]');
  const messages = panel.querySelector('[aria-label="Chat messages"]');
  const box = panel.querySelector('[aria-label="Chat message"]');
  const status = panel.querySelector('[aria-label="Chat status"]');
  const toneLog = panel.querySelector('[aria-label="Chat tones"]');

  const waiting = new Map();  // chat id -> the chat.offered message
  let chatId = null;          // the chat the agent took
  let settings = null;        // {new_chat: {name, url}, repeat_s, new_message: {name, url}}
  let timer = null;
  let chiming = false;

  async function loadTone(library, id) {
    const tone = library.find((t) => t.id === id) || {id, name: id};
    const response = await fetch("/notifications/tones/" + encodeURIComponent(id) + "/audio",
                                 {headers: {"Authorization": "Bearer " + token}});
    if (!response.ok) throw new Error("the tone " + tone.name + " cannot be loaded");
    return {name: tone.name, url: URL.createObjectURL(await response.blob())};
  }

  async function loadSettings() {
    if (settings) return settings;
    const [chosen, library] = await Promise.all([
      call("GET", "/notifications/chat-tones"), call("GET", "/notifications/tones")]);
    settings = {
      new_chat: await loadTone(library.tones, chosen.new_chat_tone),
      repeat_s: chosen.repeat_s,
      new_message: await loadTone(library.tones, chosen.message_tone),
    };
    chatPlayer.src = settings.new_chat.url;
    messagePlayer.src = settings.new_message.url;
    return settings;
  }

  function logStart(kind, name) {
    const entry = document.createElement("li");
    entry.dataset.kind = kind;
    entry.dataset.at = String(Math.round(performance.now()));
    entry.textContent = name;
    toneLog.append(entry);
  }
  chatPlayer.addEventListener("playing", () => {
    if (chiming && settings) logStart("new-chat", settings.new_chat.name);
  });
  messagePlayer.addEventListener("playing", () => {
    if (settings) logStart("new-message", settings.new_message.name);
  });

  function chimeOnce() {
    if (!chiming) return;
    chatPlayer.currentTime = 0;
    chatPlayer.play().catch(() => {});
  }

  async function startChime() {
    chiming = true;
    try {
      const tones = await loadSettings();
      if (!chiming) return;
      chimeOnce();
      if (tones.repeat_s) timer = setInterval(chimeOnce, tones.repeat_s * 1000);
    } catch (error) {
      status.textContent = "No chat tone: " + error.message;
    }
  }

  function stopChime() {
    chiming = false;
    if (timer !== null) { clearInterval(timer); timer = null; }
    chatPlayer.pause();
  }

  // The new-chat tone follows the waiting chats: it starts when one waits, and stops once the
  // agent has taken a chat or none waits any more.
  function showWaiting() {
    waitingList.replaceChildren(...[...waiting.values()].map((offer) => {
      const item = document.createElement("li");
      item.dataset.chat = offer.chat;
      item.textContent = offer.end_user + " — " + offer.issue + " ";
      const accept = document.createElement("button");
      accept.type = "button";
      accept.textContent = "Accept chat";
      accept.disabled = chatId !== null;
      accept.addEventListener("click", () => send({type: "chat.accept", chat: offer.chat}));
      item.append(accept);
      return item;
    }));
    if (waiting.size > 0 && chatId === null && !chiming) startChime();
    else if ((waiting.size === 0 || chatId !== null) && chiming) stopChime();
  }

  function addMessage(said) {
    const item = document.createElement("li");
    item.dataset.from = said.from;
    item.textContent = said.name + ": " + said.text;
    messages.append(item);
  }

  async function newMessage() {
    try {
      await loadSettings();
      messagePlayer.currentTime = 0;
      messagePlayer.play().catch(() => {});
    } catch (error) {
      status.textContent = "No message tone: " + error.message;
    }
  }

  function chatMessage(message) {
    switch (message.type) {
      case "chat.offered":
        waiting.set(message.chat, message);
        break;
      case "chat.taken":
        waiting.delete(message.chat);
        break;
      case "chat.connected":
        waiting.delete(message.chat);
        chatId = message.chat;
        current.querySelector('[data-role="with"]').textContent =
          "Chat with " + message.end_user + " — " + message.issue;
        messages.replaceChildren();
        (message.messages || []).forEach(addMessage);
        current.hidden = false;
        status.textContent = "";
        break;
      case "chat.message":
        if (message.chat !== chatId) return;
        addMessage(message);
        if (message.from === "consumer") newMessage();
        break;
      case "chat.ended":
        waiting.delete(message.chat);
        if (message.chat === chatId) {
          chatId = null;
          current.hidden = true;
          status.textContent = "The chat has ended (" + message.by + ").";
        }
        break;
      case "chat.refused":
        status.textContent = "Chat: " + message.message;
        break;
    }
    showWaiting();
  }

  current.querySelector('[data-role="send"]').addEventListener("click", () => {
    if (chatId === null || !box.value.trim()) return;
    send({type: "chat.message", chat: chatId, text: box.value});
    box.value = "";
  });
  current.querySelector('[data-role="end"]').addEventListener("click", () => {
    if (chatId !== null) send({type: "chat.end", chat: chatId});
  });

  const pageHandle = handle;
  window.handle = (message) => {
    if (typeof message.type === "string" && message.type.startsWith("chat.")) {
      chatMessage(message);
    } else {
      pageHandle(message);
    }
  };
})();
