// sitegen serve: live reload over Server-Sent Events. The server injects this script into
// HTML responses at serve time only; it is never written to the output folder.
(() => {
  "use strict";
  const script = document.currentScript;
  if (!script || window.__sitegenLiveReload) return;
  window.__sitegenLiveReload = true;

  let build = script.dataset.build || "";
  const base = script.dataset.base || "/";
  const served = script.dataset.path || ""; // the file this response came from (404.html for a 404)
  const OVERLAY = "sitegen-build-error";

  // The output path of this URL: "x/" → "x/index.html", the base path itself → "index.html".
  function outputPath() {
    let path = location.pathname;
    try {
      path = decodeURIComponent(path);
    } catch (error) {
      // keep it encoded: it cannot match an output path then
    }
    if (!path.startsWith(base)) return null;
    path = path.slice(base.length);
    return path === "" || path.endsWith("/") ? path + "index.html" : path;
  }

  function affected(changed) {
    const here = outputPath();
    // Stylesheets and scripts are shared by every page.
    return changed.some((path) => path === here || path === served || /\.(css|js)$/.test(path));
  }

  function showOverlay(text) {
    let box = document.getElementById(OVERLAY);
    if (!box) {
      box = document.createElement("div");
      box.id = OVERLAY;
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-label", "Build error");
      // all:initial on each part: the site's own stylesheet must not restyle the overlay.
      box.style.cssText =
        "all:initial;display:block;position:fixed;top:1rem;left:1rem;right:1rem;z-index:2147483647;" +
        "max-height:calc(100vh - 2rem);overflow:auto;box-sizing:border-box;padding:1rem 1.25rem;" +
        "background:#1b1b1b;color:#f4f4f4;border:3px solid #e5484d;border-radius:6px;" +
        "font:14px/1.45 system-ui,sans-serif;box-shadow:0 0 0 100vmax rgba(0,0,0,.35)";
      const title = document.createElement("p");
      title.style.cssText = "all:initial;display:block;margin:0 0 .75rem;font:bold 15px/1.4 system-ui,sans-serif;color:#ff9592";
      title.textContent = "sitegen: the last build has errors. Fix them and save: this page updates itself.";
      const pre = document.createElement("pre");
      pre.style.cssText =
        "all:initial;display:block;margin:0 0 1rem;white-space:pre-wrap;overflow-wrap:anywhere;" +
        "color:#f4f4f4;font:13px/1.5 ui-monospace,monospace";
      const close = document.createElement("button");
      close.type = "button";
      close.textContent = "Dismiss";
      close.addEventListener("click", () => box.remove());
      box.append(title, pre, close);
      document.body.append(box);
    }
    box.querySelector("pre").textContent = text; // textContent: the messages are never parsed as HTML
  }

  function hideOverlay() {
    const box = document.getElementById(OVERLAY);
    if (box) box.remove();
  }

  function showState(data) {
    if (data.errors) showOverlay(data.errors);
    else hideOverlay();
  }

  function onBuild(event) {
    const data = JSON.parse(event.data);
    build = data.build;
    if (affected(data.changed)) location.reload();
    else showState(data);
  }

  function connect() {
    const source = new EventSource("/__sitegen__/events");
    // Sent on every (re)connection: a build this page missed means a reload.
    source.addEventListener("hello", (event) => {
      const data = JSON.parse(event.data);
      if (data.build !== build) location.reload();
      else showState(data);
    });
    source.addEventListener("ok", onBuild);
    source.addEventListener("error", (event) => {
      if (typeof event.data === "string") {
        onBuild(event); // the server's "error" event: a build with errors
      } else if (source.readyState === EventSource.CLOSED) {
        source.close(); // EventSource gave up (it retries by itself otherwise): start afresh
        setTimeout(connect, 1000);
      }
    });
  }

  connect();
})();
