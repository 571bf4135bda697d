// The "show the text as received" switch. Without JavaScript the corrected
// reading shows and the footnotes carry the source reading; this script only
// flips which of the two readings (both already in the page) is displayed.
(function () {
  "use strict";
  var KEY = "sitegen-reading";
  var article = document.getElementById("article");
  var button = document.querySelector("[data-reading-switch]");
  var status = document.querySelector("[data-reading-status]");
  if (!article || !button) return;

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(value) {
    try { window.localStorage.setItem(KEY, value); } catch (e) { /* private mode: not remembered */ }
  }
  function show(received, announce) {
    article.classList.toggle("reading-received", received);
    button.setAttribute("aria-pressed", received ? "true" : "false");
    if (announce && status) {
      status.textContent = received ? "Showing the text as received, without corrections."
                                    : "Showing the corrected text.";
    }
  }

  button.hidden = false;
  show(stored() === "received", false);
  button.addEventListener("click", function () {
    var received = button.getAttribute("aria-pressed") !== "true";
    store(received ? "received" : "corrected");
    show(received, true);
  });
})();
