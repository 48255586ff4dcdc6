// Listens to every audio track a page receives over WebRTC and reports the signature tones it
// hears to the harness (binding window.__callproofAudio). Installed by the harness in each
// browser context before any page script runs, so it works for any agent app, not only ours.
//
// The analysis mirrors harness/media/tones.py: 20 ms frames; every signature sits on a
// multiple of 50 Hz, exactly one DFT bin of a 20 ms frame; a signature is present when the
// frame is louder than a floor and its bin holds a real share of the frame's energy. Heard
// after 2 frames in a row, lost after 5 frames without it (harness/media/hearing.py).
(() => {
  "use strict";
  const FREQUENCIES = __FREQUENCIES__;
  const MIN_RMS = 50 / 32768;
  const MIN_SHARE = 0.2;
  const HEARD_AFTER = 2;
  const LOST_AFTER = 5;
  // When a person (not a script) last clicked on the page: the moment an agent answers.
  window.addEventListener("click", (event) => {
    if (event.isTrusted) window.__callproofLastClick = event.timeStamp;
  }, true);
  const Native = window.RTCPeerConnection;
  if (!Native || Native.__callproofTapped) return;
  let context = null;
  // Chromium collects an unreferenced ScriptProcessorNode and stops calling it: keep them.
  const alive = [];

  // Each report carries the last click, so that audio heard before the harness has learnt
  // when Accept was clicked still counts its latency from that click.
  function report(event, hz, at) {
    if (typeof window.__callproofAudio === "function") {
      const click = window.__callproofLastClick ?? null;
      window.__callproofAudio({event, hz, at, click}).catch(() => {});
    }
  }

  function analyse(track) {
    if (context === null) context = new AudioContext();
    const rate = context.sampleRate;
    const size = Math.round(rate / 50);
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const processor = context.createScriptProcessor(1024, 1, 1);
    const sink = context.createGain();
    alive.push(source, processor, sink);
    sink.gain.value = 0;
    source.connect(processor);
    processor.connect(sink);
    sink.connect(context.destination);
    const cosines = FREQUENCIES.map((f) => Float64Array.from({length: size},
      (_, n) => Math.cos(2 * Math.PI * f * n / rate)));
    const sines = FREQUENCIES.map((f) => Float64Array.from({length: size},
      (_, n) => Math.sin(2 * Math.PI * f * n / rate)));
    const tracks = FREQUENCIES.map(() => ({heard: false, run: 0, onset: 0, misses: 0}));
    const frame = new Float64Array(size);
    let filled = 0;
    processor.onaudioprocess = (event) => {
      const input = event.inputBuffer.getChannelData(0);
      for (let i = 0; i < input.length; i++) {
        frame[filled++] = input[i];
        if (filled === size) {
          filled = 0;
          decide(frame, performance.now());
        }
      }
    };
    function decide(x, at) {
      let energy = 0;
      for (let n = 0; n < size; n++) energy += x[n] * x[n];
      const loud = energy >= size * MIN_RMS * MIN_RMS;
      FREQUENCIES.forEach((hz, i) => {
        let found = false;
        if (loud) {
          let re = 0, im = 0;
          const c = cosines[i], s = sines[i];
          for (let n = 0; n < size; n++) { re += x[n] * c[n]; im += x[n] * s[n]; }
          found = 2 * (re * re + im * im) / (size * energy) >= MIN_SHARE;
        }
        const t = tracks[i];
        if (found) {
          t.misses = 0;
          if (t.heard) return;
          if (++t.run === 1) t.onset = at;
          if (t.run >= HEARD_AFTER) { t.heard = true; t.run = 0; report("heard", hz, t.onset); }
        } else {
          t.run = 0;
          if (t.heard && ++t.misses >= LOST_AFTER) {
            t.heard = false; t.misses = 0; report("lost", hz, at);
          }
        }
      });
    }
    track.addEventListener("ended", () => {
      processor.disconnect();
      tracks.forEach((t, i) => { if (t.heard) { t.heard = false; report("lost", FREQUENCIES[i], performance.now()); } });
    });
  }

  class Tapped extends Native {
    constructor(...args) {
      super(...args);
      // Started with the connection rather than with its first track: an audio context takes
      // a moment to start, which would otherwise count against the answer.
      if (context === null) context = new AudioContext();
      this.addEventListener("track", (event) => {
        if (event.track.kind === "audio") analyse(event.track);
      });
      this.addEventListener("connectionstatechange", () => {
        if (this.connectionState === "closed" || this.connectionState === "failed") {
          report("closed", 0, performance.now());
        }
      });
    }
  }
  Tapped.__callproofTapped = true;
  window.RTCPeerConnection = Tapped;
})();
