// Three small helpers of an article page; without JavaScript the page loses neither reading
// (the corrected text shows, each footnote gives the source reading), and the notes and
// entity descriptions it fetches are each one link away (the ledger, the entity's page).
(function () {
  "use strict";
  var article = document.getElementById("article");
  if (!article) return;

  // The "show the text as received" switch: flips which of the two readings (both already
  // in the page: <del>received</del><ins>corrected</ins>) is displayed.
  var KEY = "sitegen-reading";
  var button = document.querySelector("[data-reading-switch]");
  var status = document.querySelector("[data-reading-status]");

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

  // A corrected place is <del>received</del>corrected<a href=#n6>6</a> (<ins> is written only
  // where a mention makes the extent ambiguous): wrap each corrected reading in <ins>, so one
  // rule hides it in the received reading.
  article.querySelectorAll("[data-article-text] del").forEach(function (del) {
    var text = del.nextSibling;
    var marker = text && text.nextSibling;
    if (text && text.nodeType === 3 && marker && marker.nodeType === 1 &&
        /^#n\d+$/.test(marker.getAttribute("href") || "")) {
      var ins = document.createElement("ins");
      del.parentNode.insertBefore(ins, text);
      ins.appendChild(text);
    }
  });

  if (button) {
    // The switch replaces the line that points a reader without JavaScript to the source view.
    var fallback = document.querySelector("[data-reading-fallback]");
    if (fallback) fallback.remove();
    button.hidden = false;
    show(stored() === "received", false);
    button.addEventListener("click", function () {
      var received = button.getAttribute("aria-pressed") !== "true";
      store(received ? "received" : "corrected");
      show(received, true);
    });
  }

  // Footnote back-links: a note's "↩" links to the paragraph of its first place; after a
  // reader followed one of its markers, it returns to that marker instead.
  var followed = null;
  article.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a") : null;
    if (!link) return;
    if (link.closest("[data-article-text]") && /^#n\d+$/.test(link.getAttribute("href"))) {
      followed = link;
      return;
    }
    var note = link.closest("#footnotes li");
    if (note && followed && followed.getAttribute("href") === "#" + note.id) {
      event.preventDefault();
      followed.scrollIntoView({ block: "center" });
      followed.focus({ preventScroll: true });
    }
  });

  // Notes of site-wide rules are written once, in the ledger and in notes.jsonld (cached by
  // the browser across pages; each note a body with the id "#<anchor of its ledger entry>"):
  // a footnote links its rule's ledger entry ("why", followed without JavaScript); here the
  // link gives way to the note, so the footnote reads in full.
  var footnotes = document.getElementById("footnotes");
  var why = footnotes ? Array.prototype.filter.call(footnotes.querySelectorAll("li a"), function (link) {
    return /^#r\d+$/.test(link.hash) && link.pathname !== window.location.pathname;
  }) : [];
  if (why.length && window.fetch) {
    fetch(footnotes.getAttribute("data-notes")).then(function (response) {
      return response.ok ? response.json() : {};
    }).then(function (data) {
      var notes = {};
      (data["@graph"] || []).forEach(function (body) { notes[body.id] = body.value; });
      why.forEach(function (link) {
        var note = notes[link.hash];
        if (note) link.replaceWith(document.createTextNode(note));
      });
    }).catch(function () { /* offline: the links stay */ });
  }

  // Entity cards: a mention link shows its entity's name and description on hover or
  // focus. Each description is written once for the site, in entities/cards.json (cached by
  // the browser across pages, by entity id); the sidebar names each entity with its count,
  // <li><a>name</a> (count), and here gains its description: <br>description.
  var sidebar = document.querySelector(".entity-sidebar");
  var items = sidebar ? sidebar.querySelectorAll("li") : [];
  var cards = {};
  items.forEach(function (item) {
    var link = item.querySelector("a");
    if (link) cards[link.href] = link.textContent;
  });
  if (sidebar && sidebar.hasAttribute("data-cards") && window.fetch) {
    fetch(new URL(sidebar.getAttribute("data-cards"), window.location.href)).then(function (response) {
      return response.ok ? response.json() : {};
    }).then(function (descriptions) {
      items.forEach(function (item) {
        var link = item.querySelector("a");
        // the link is to the entity's page, entities/<id>/
        var id = link ? decodeURIComponent(new URL(link.href).pathname.split("/").slice(-2)[0]) : "";
        var description = descriptions[id];
        if (!description) return;
        item.appendChild(document.createElement("br"));
        item.appendChild(document.createTextNode(description));
        cards[link.href] += " — " + description;
      });
    }).catch(function () { /* offline: names and counts only */ });
  }
  var card = document.createElement("div");
  card.className = "entity-card";
  card.id = "entity-card";
  card.setAttribute("role", "tooltip");
  card.hidden = true;
  document.body.appendChild(card);

  function mention(event) {
    var target = event.target;
    return target && target.closest ? target.closest("[data-article-text] a:not([href^='#'])") : null;
  }
  function open(event) {
    var link = mention(event);
    if (!link || !cards[link.href]) return;
    card.textContent = cards[link.href];
    card.hidden = false;
    var box = link.getBoundingClientRect();
    card.style.left = window.scrollX + box.left + "px";
    card.style.top = window.scrollY + box.bottom + 6 + "px";
    link.setAttribute("aria-describedby", card.id);
  }
  function close(event) {
    var link = mention(event);
    if (!link) return;
    card.hidden = true;
    link.removeAttribute("aria-describedby");
  }
  article.addEventListener("mouseover", open);
  article.addEventListener("focusin", open);
  article.addEventListener("mouseout", close);
  article.addEventListener("focusout", close);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") card.hidden = true;
  });
})();
