// The desktop app's detached call toolbar (AC-IN-13), the main window's side.
// Loaded after the page's own script: it uses that script's `$`, `activeCall`, `offers`,
// `cards`, `view`, `desktopShell`, `lineText`, `showView`, `hangUp`, `toggleMute`, `toggleHold`
// and is called from its `render()` through `renderHooks`.
//
// In the desktop app (?shell=desktop) the in-page toolbar gives way to a small window of its
// own, which stays on screen beside whatever the agent does. The call's audio stays here: the
// window only shows the call and asks this window to act on it (postMessage, same origin).
"use strict";

(() => {
  const PREFIX = "callproof.toolbar.";
  const FEATURES = "popup,width=420,height=240,left=0,top=10000";
  let detached = null;  // the toolbar's window while it is open

  function callState() {
    if (!activeCall) return null;
    const offer = offers.get(activeCall.offer);
    const card = cards.get(activeCall.offer);
    const terms = [["Name", "name"], ["Company", "company"], ["Tier", "tier"], ["Notes", "notes"]];
    return {
      offer: activeCall.offer,
      caller: offer ? (offer.caller_name ? offer.caller_name + " (" + offer.caller + ")"
                                         : offer.caller) : "",
      line: offer ? lineText(offer.line) : "",
      answered_at: activeCall.answeredAt || Date.now(),
      muted: Boolean(activeCall.muted),
      held: Boolean(activeCall.held),
      card: card ? terms.filter(([, key]) => card[key]).map(([term, key]) => [term, card[key]])
                 : null,
    };
  }

  function post(message) {
    if (detached && !detached.closed) detached.postMessage(message, location.origin);
  }

  function close() {
    if (detached && !detached.closed) detached.close();
    detached = null;
  }

  function renderDetached() {
    if (!desktopShell) return;
    $("toolbar").hidden = true;  // the detached window replaces the in-page toolbar
    $("toolbar-insight-panel").hidden = true;
    if (!activeCall || view === "calls") {
      close();
      return;
    }
    if (!detached || detached.closed) {
      // Opened from the agent's click that left the call's view (a user gesture).
      detached = window.open("/app/toolbar", "call-toolbar", FEATURES);
      if (!detached) {
        say("The call toolbar window was blocked; the call stays under Calls");
        return;
      }
    }
    post({type: PREFIX + "state", call: callState()});
  }

  function perform(source, action, offer) {
    const refuse = (text) => source.postMessage({type: PREFIX + "refused", message: text},
                                                location.origin);
    if (!activeCall || activeCall.offer !== offer) {
      // A window left over from a call that is over (or from none): nothing changes.
      refuse("Not possible: the call has ended");
      return;
    }
    switch (action) {
      case "back":
        showView("calls");  // render() closes the window
        window.focus();
        break;
      case "mute": toggleMute(); break;
      case "hold": toggleHold(); break;
      case "hangup": hangUp(); break;
      default: refuse("Not possible: unknown action " + action);
    }
  }

  function ours(source) {
    // The toolbar window this window opened; a window of another page is ignored.
    try {
      return Boolean(source) && (source === detached || source.opener === window);
    } catch (crossOrigin) {
      return false;
    }
  }

  window.addEventListener("message", (event) => {
    if (event.origin !== location.origin || !ours(event.source)) return;
    const message = event.data || {};
    if (message.type === PREFIX + "ready") {
      event.source.postMessage({type: PREFIX + "state", call: callState()}, location.origin);
    } else if (message.type === PREFIX + "action") {
      perform(event.source, message.action, message.offer);
    }
  });

  window.addEventListener("pagehide", close);
  renderHooks.push(renderDetached);
})();
