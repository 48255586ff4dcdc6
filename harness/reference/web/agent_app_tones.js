// The incoming-call tone (CC-NTF-4, 5): while the ringing pop-up shows, the app plays the
// tone the account chose, once or again every `repeat_s` seconds, until the agent takes the
// call or no call is waiting (the pop-up hides). Each start is listed in the "Incoming-call
// tones" log, with the tone's name and the time it started (`data-at`, ms since the page
// loaded), so that a person, or a test, can see every time it played.
// Loaded after the page's own script: it reads that script's `call`, `token` and `$`.
"use strict";

(() => {
  const log = document.createElement("ol");
  log.setAttribute("role", "log");
  log.setAttribute("aria-label", "Incoming-call tones");
  const player = document.createElement("audio");
  player.setAttribute("aria-label", "Incoming-call tone");
  document.body.append(player, log);

  let timer = null;
  let ringing = false;
  let current = null;  // {name, url} of the tone being played

  async function fetchTone() {
    const data = await call("GET", "/notifications/tones");
    const chosen = data.ring_tone;
    const tone = data.tones.find((t) => t.id === chosen.tone) || {id: chosen.tone, name: chosen.tone};
    const response = await fetch("/notifications/tones/" + encodeURIComponent(tone.id) + "/audio",
                                 {headers: {"Authorization": "Bearer " + token}});
    if (!response.ok) throw new Error("the tone " + tone.name + " cannot be loaded");
    const url = URL.createObjectURL(await response.blob());
    return {name: tone.name, url, repeat: chosen.repeat_s};
  }

  function playOnce() {
    if (!ringing || !current) return;
    player.currentTime = 0;
    player.play().catch(() => {});
  }

  player.addEventListener("playing", () => {
    if (!ringing || !current) return;
    const entry = document.createElement("li");
    entry.dataset.at = String(Math.round(performance.now()));
    entry.textContent = current.name;
    log.append(entry);
  });

  async function start() {
    ringing = true;
    try {
      const tone = await fetchTone();
      if (!ringing) { URL.revokeObjectURL(tone.url); return; }
      current = tone;
      player.src = tone.url;
      playOnce();
      if (tone.repeat) timer = setInterval(playOnce, tone.repeat * 1000);
    } catch (error) {
      const entry = document.createElement("li");
      entry.textContent = "No tone: " + error.message;
      log.append(entry);
    }
  }

  function stop() {
    ringing = false;
    if (timer !== null) { clearInterval(timer); timer = null; }
    player.pause();
    if (current) { URL.revokeObjectURL(current.url); current = null; }
  }

  const popup = $("ringing");
  new MutationObserver(() => {
    if (!popup.hidden && !ringing) start();
    else if (popup.hidden && ringing) stop();
  }).observe(popup, {attributes: true, attributeFilter: ["hidden"]});
})();
