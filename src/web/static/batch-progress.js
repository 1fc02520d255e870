// A batch's page, followed live (SPEC C-20). Progressive enhancement: without JavaScript the page reloads
// itself every 5 seconds (a refresh inside <noscript>); with it, this script listens to the server's
// events and updates the counts, the progress bar and the status in place. Every word it shows comes
// from the page (data attributes written by the server in the page's language), so it speaks French and
// English without knowing either. Plain script, no modules: it is served as is, under `script-src 'self'`.
(() => {
  const region = document.querySelector("[data-batch-progress]");
  if (!region || typeof window.EventSource !== "function") return;
  // A finished batch no longer changes: nothing to listen to.
  if (region.getAttribute("data-finished") === "true") return;
  const src = region.getAttribute("data-src");
  if (!src) return;
  const numbers = new Intl.NumberFormat(region.getAttribute("data-locale") || undefined);

  const setText = (selector, text) => {
    const element = region.querySelector(selector);
    if (element && element.textContent !== text) element.textContent = text;
  };

  const show = (progress) => {
    const counts = progress.counts || {};
    for (const outcome of Object.keys(counts)) {
      setText(`[data-count="${outcome}"]`, numbers.format(counts[outcome]));
    }
    // The letters whose outcome is known: neither waiting to be written nor waiting to be accepted.
    const accounted = progress.members - (counts.waiting || 0) - (counts.pending || 0);
    setText("[data-accounted]", numbers.format(accounted));
    const bar = region.querySelector("progress");
    if (bar) {
      bar.max = progress.members;
      bar.value = accounted;
      bar.textContent = `${accounted}/${progress.members}`;
    }
    if (progress.finished) {
      setText("[data-status]", region.getAttribute("data-finished-text") || "");
      region.setAttribute("data-finished", "true");
      // Nothing is left to stop: the stop form goes, as it does from the page once reloaded.
      for (const form of document.querySelectorAll("[data-while-running]")) form.hidden = true;
    }
  };

  const source = new EventSource(src);
  source.addEventListener("progress", (event) => {
    let progress;
    try {
      progress = JSON.parse(event.data);
    } catch {
      return;
    }
    show(progress);
    // The server ends the stream once the batch is finished; closing here stops the browser reconnecting.
    if (progress.finished) source.close();
  });
})();
