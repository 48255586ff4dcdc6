// The caller's user profile flags (CC-RSV-3, 5) in the ringing pop-up and the in-call view:
// verified or unverified customer, bad actor, repeat customer, each with what it means.
// Loaded after the page's own script: it reads that script's `offers`, `activeCall` and `$`,
// and follows the pop-up and the in-call view as they change, without touching their code.
"use strict";

(() => {
  function panel(name) {
    const section = document.createElement("section");
    section.setAttribute("aria-label", name);
    const title = document.createElement("h3");
    title.textContent = "User profile flags";
    const list = document.createElement("dl");
    const none = document.createElement("p");
    none.textContent = "No user profile flags";
    section.append(title, list, none);
    return section;
  }

  function render(section, offerId) {
    const offer = offerId ? offers.get(offerId) : undefined;
    const flags = (offer && offer.profile_flags) || [];
    const items = [];
    for (const flag of flags) {
      const dt = document.createElement("dt");
      dt.textContent = flag.label;
      const dd = document.createElement("dd");
      dd.textContent = flag.meaning;
      items.push(dt, dd);
    }
    section.querySelector("dl").replaceChildren(...items);
    section.querySelector("p").hidden = flags.length > 0;
  }

  const ringing = $("ringing");
  const inCall = $("in-call");
  const ringingFlags = panel("User profile flags");
  const callFlags = panel("User profile flags of the call");
  ringing.insertBefore(ringingFlags, $("open-conversation"));
  inCall.insertBefore(callFlags, $("in-call-state").nextSibling);

  const showRinging = () => render(ringingFlags, ringing.dataset.offer);
  const showCall = () => render(callFlags, activeCall ? activeCall.offer : null);
  new MutationObserver(showRinging).observe(ringing, {attributes: true});
  new MutationObserver(showCall).observe(inCall, {attributes: true});
  new MutationObserver(showCall).observe($("in-call-caller"), {childList: true});
  showRinging();
  showCall();

  // Flags sent during the call (the Apps API): the page's own handler knows no "call.flags",
  // so it is wrapped; the pop-up and the call's view show the new ones at once.
  const pageHandle = handle;
  handle = (message) => {
    if (message.type !== "call.flags") return pageHandle(message);
    const offer = offers.get(message.offer);
    if (offer) offer.profile_flags = message.profile_flags;
    showRinging();
    showCall();
  };
})();
