// Plays the operating system's notification centre for the harness: every notification a page
// shows (Notification API) is reported to the harness (binding window.__callproofNotification),
// and the harness can click one, as a person clicks a notification on screen
// (window.__callproofClickNotification(tag)). Installed in each browser context before any page
// script runs; headless Chromium shows notifications nowhere a person or a test could click.
// A click can cross the page's withdrawal of the notification on its way (the person clicked as
// it went): __callproofClickNotification(tag, true) clicks the last one withdrawn with that tag.
(() => {
  "use strict";
  const Native = window.Notification;
  if (!Native || Native.__callproofTapped) return;
  const shown = new Map();  // tag -> notification
  const withdrawn = new Map();  // tag -> the last notification with that tag the page closed
  class Tapped extends Native {
    constructor(title, options = {}) {
      super(title, options);
      const tag = options.tag || String(shown.size + 1);
      shown.set(tag, this);
      if (typeof window.__callproofNotification === "function") {
        window.__callproofNotification({event: "shown", tag, title, body: options.body || "",
                                        hidden: document.visibilityState !== "visible"})
          .catch(() => {});
      }
    }
    close() {
      for (const [tag, item] of shown) {
        if (item !== this) continue;
        shown.delete(tag);
        withdrawn.set(tag, this);
        if (typeof window.__callproofNotification === "function") {
          window.__callproofNotification({event: "closed", tag, title: this.title, body: this.body,
                                          hidden: document.visibilityState !== "visible"})
            .catch(() => {});
        }
      }
      super.close();
    }
  }
  Tapped.__callproofTapped = true;
  window.Notification = Tapped;
  Object.defineProperty(window, "__callproofClickNotification", {
    value: (tag, late = false) => {
      const item = late ? withdrawn.get(tag) : shown.get(tag);
      if (!item) return false;
      item.dispatchEvent(new Event("click"));
      return true;
    },
  });
})();
