// The agent app's outbound calls (ZT-TKT-2, 7): the "New call" dialer (the console) and the
// Call button of an opened ticket. The agent's audio goes over WebRTC, as for inbound calls.
// Loaded after the page's own script: it uses that script's `call`, `send`, `say`, `$`,
// `offers`, `prepared`, `activeCall`, `microphone`, `iceGathered`, `attachAudio`, `release`,
// `closeCall`, `showView`, `lineText`, and takes the messages `handle` does not know.
"use strict";

(() => {
  let dialCount = 0;
  const dialling = new Map();  // dial key -> {entry, to, line} until the call is placed
  let lines = [];  // the account's numbers, to call from

  // -- the page: the dialer and the ticket panel ----------------------------------------------
  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }

  const dialer = element("section", {id: "dialer", "aria-labelledby": "dialer-title"},
    element("h2", {id: "dialer-title"}, "New call"),
    element("form", {id: "dialer-form"},
      element("label", {for: "dial-number"}, "Number to call"),
      element("input", {id: "dial-number", type: "tel", autocomplete: "off"}),
      element("label", {for: "dial-line"}, "Line"),
      element("select", {id: "dial-line"}),
      element("label", {for: "dial-ring-time"}, "Ring for (seconds)"),
      element("input", {id: "dial-ring-time", type: "number", min: "1", value: "30"}),
      element("button", {type: "submit"}, "Call")));

  const ticketPanel = element("section", {id: "ticket-panel", "aria-labelledby": "ticket-title"},
    element("h2", {id: "ticket-title"}, "Tickets"),
    element("form", {id: "ticket-form"},
      element("label", {for: "ticket-id"}, "Ticket number"),
      element("input", {id: "ticket-id", autocomplete: "off"}),
      element("button", {type: "submit"}, "Open ticket")),
    element("p", {id: "ticket-error", role: "alert", "aria-label": "Ticket message"}),
    element("section", {id: "ticket-view", "aria-label": "Opened ticket", hidden: ""},
      element("h3", {id: "ticket-heading"}),
      element("dl", {},
        element("dt", {}, "Requester's number"), element("dd", {id: "ticket-number"})),
      element("label", {for: "ticket-line"}, "Call from line"),
      element("select", {id: "ticket-line"}),
      element("label", {for: "ticket-ring-time"}, "Ring for (seconds)"),
      element("input", {id: "ticket-ring-time", type: "number", min: "1", value: "30"}),
      element("button", {id: "ticket-call", type: "button"}, "Call")));

  $("agent").insertBefore(dialer, $("in-call"));
  $("agent").insertBefore(ticketPanel, $("in-call"));

  function fillLines() {
    for (const select of [$("dial-line"), $("ticket-line")]) {
      select.replaceChildren(...lines.map((line) =>
        element("option", {value: line.id}, lineText(line))));
    }
  }

  async function loadLines() {
    try {
      lines = (await call("GET", "/numbers")).numbers;
    } catch (refusal) {
      say("The lines to call from could not be loaded: " + refusal.message);
      return;
    }
    fillLines();
    $("dialer").dataset.ready = "true";
  }

  // The lines are asked for once the agent is signed in (the page's token is set then).
  new MutationObserver(() => {
    if (!$("agent").hidden && !$("dialer").dataset.ready) loadLines();
  }).observe($("agent"), {attributes: true, attributeFilter: ["hidden"]});

  // -- placing a call --------------------------------------------------------------------------
  async function dial(to, lineId, ticketId, ringTime) {
    say("");
    if (activeCall) {
      say("Not possible: you are already on a call");
      return;
    }
    const line = lines.find((candidate) => candidate.id === lineId);
    const translated = translationRefusal(ticketId ? $("ticket-line") : $("dial-line"), line);
    if (translated) {
      say(translated);
      return;
    }
    let shared;
    try {
      shared = await microphone();
    } catch (failure) {
      // SG-ERR-1: no permission for the microphone, or no device the browser can open.
      say("GET_USER_MEDIA_ERROR: the browser gives the app no microphone (" + failure.name +
          "). Follow the permission guide: allow this site to use the microphone, then call " +
          "again. If it still fails, check the computer and its microphone and speakers.");
      return;
    }
    const entry = {offer: null, pc: null, stream: null, muted: false, held: false,
                   outbound: true, connected: false};
    try {
      entry.stream = new MediaStream(shared.getAudioTracks().map((track) => track.clone()));
      entry.pc = new RTCPeerConnection({iceServers: []});
      entry.stream.getTracks().forEach((track) => entry.pc.addTrack(track, entry.stream));
      // G.711 first, as for inbound calls: the customer's leg is G.711.
      const codecs = RTCRtpReceiver.getCapabilities("audio").codecs;
      const g711 = codecs.filter((c) => c.mimeType === "audio/PCMU" || c.mimeType === "audio/PCMA");
      for (const transceiver of entry.pc.getTransceivers()) {
        if (transceiver.setCodecPreferences) {
          transceiver.setCodecPreferences([...g711, ...codecs.filter((c) => !g711.includes(c))]);
        }
      }
      entry.pc.addEventListener("track", (event) => {
        entry.remote = event;
        if (activeCall === entry) attachAudio(event);
      });
      await entry.pc.setLocalDescription(await entry.pc.createOffer());
      await iceGathered(entry.pc);
    } catch (failure) {
      drop(entry);
      say("Could not place the call: " + failure.message);
      return;
    }
    dialCount += 1;
    const key = "dial-" + dialCount;
    dialling.set(key, {entry, to, line});
    const message = {type: "dial", dial: key, to, number_id: lineId,
                     sdp: entry.pc.localDescription.sdp};
    if (ticketId) message.ticket_id = ticketId;
    // How long the customer's phone rings before the call gives up (the server checks it).
    if (ringTime !== "") message.ring_time = Number(ringTime);
    send(message);
  }

  // Automatic page translation (SG-ERR-6, 14). A translator rewrites the page's text where it
  // stands (Chrome marks <html> "translated-ltr" and wraps text in <font> elements), so what
  // the page shows is no longer what the app wrote. The app refuses rather than place a call
  // from what it can no longer trust: a line whose name was rewritten is not found
  // (FROM_NUMBER_NOT_FOUND); on a page translated otherwise, the agent it calls for is not
  // (AGENT_FROM_NOT_FOUND). The fix is the same: turn the translation off.
  const TRANSLATION_ADVICE = "automatic translation of this page is on: turn it off in your " +
    "browser and call again";

  function translationRefusal(select, line) {
    const shown = select.selectedOptions[0];
    if (line && shown && shown.text !== lineText(line)) {
      return "FROM_NUMBER_NOT_FOUND: the line to call from is not found; " + TRANSLATION_ADVICE;
    }
    const root = document.documentElement.classList;
    if (root.contains("translated-ltr") || root.contains("translated-rtl") ||
        $("agent").querySelector("font") !== null) {
      return "AGENT_FROM_NOT_FOUND: the agent placing the call is not found; " +
        TRANSLATION_ADVICE;
    }
    return null;
  }

  function drop(entry) {
    if (entry.pc) entry.pc.close();
    if (entry.stream) entry.stream.getTracks().forEach((track) => track.stop());
  }

  function placed(message) {
    const pending = dialling.get(message.dial);
    dialling.delete(message.dial);
    if (!pending) return;
    const {entry, to, line} = pending;
    entry.offer = message.offer;
    prepared.set(message.offer, entry);
    const shownLine = line || {id: "", name: "", e164: ""};
    offers.set(message.offer, {offer: message.offer, call_id: message.call_id, caller: to,
                               caller_name: "", line: shownLine, outbound: true});
    activeCall = entry;
    if (entry.remote) attachAudio(entry.remote);
    $("in-call").dataset.callId = message.call_id;
    $("in-call-caller").textContent = "Calling " + to + " from " + lineText(shownLine);
    showView("calls");
  }

  function refusedDial(message) {
    const pending = dialling.get(message.dial);
    dialling.delete(message.dial);
    if (pending) drop(pending.entry);
    say("Not possible: " + message.message);
  }

  function connected(message) {
    if (activeCall && activeCall.offer === message.offer) {
      activeCall.connected = true;
      render();
    }
  }

  // The page's own script handles the other messages; an outbound call's are taken here.
  const pageHandle = handle;
  handle = function (message) {
    if (message.type === "dial.placed") placed(message);
    else if (message.type === "dial.refused") refusedDial(message);
    else if (message.type === "call.connected") connected(message);
    else pageHandle(message);
  };

  // An outbound call is "Calling" until the customer answers; then as any call.
  const pageRender = render;
  render = function () {
    pageRender();
    if (activeCall && activeCall.outbound && !activeCall.connected && !$("in-call").hidden) {
      $("in-call-state").textContent = "Calling";
    }
    if (!activeCall) delete $("in-call").dataset.callId;
  };

  $("dialer-form").addEventListener("submit", (event) => {
    event.preventDefault();
    dial($("dial-number").value.trim(), $("dial-line").value, null, $("dial-ring-time").value);
  });

  // -- a ticket: opened by its number, called back from its Call button -------------------------
  let openedTicket = null;

  $("ticket-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = $("ticket-id").value.trim();
    $("ticket-error").textContent = "";
    $("ticket-view").hidden = true;
    openedTicket = null;
    if (!id) {
      $("ticket-error").textContent = "Enter the number of the ticket to open";
      return;
    }
    let ticket;
    try {
      ticket = await call("GET", "/tickets/" + encodeURIComponent(id));
    } catch (refusal) {
      $("ticket-error").textContent = "Ticket " + id + " could not be opened: " + refusal.message;
      return;
    }
    openedTicket = ticket;
    $("ticket-heading").textContent = "Ticket " + ticket.id + ": " + ticket.subject;
    $("ticket-number").textContent = ticket.shown_number || "";
    $("ticket-view").dataset.ticket = ticket.id;
    $("ticket-view").hidden = false;
  });

  $("ticket-call").addEventListener("click", () => {
    if (!openedTicket) return;
    if (!openedTicket.shown_number) {
      $("ticket-error").textContent = "This ticket has no number to call";
      return;
    }
    dial(openedTicket.shown_number, $("ticket-line").value, openedTicket.id,
         $("ticket-ring-time").value);
  });
})();
