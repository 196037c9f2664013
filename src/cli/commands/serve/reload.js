// triage serve: reload the page when the preview is rebuilt, and say what is watched.
// Added by the server to the pages it answers; the built files never carry it.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.fetch) return;
  var seen = me.getAttribute("data-build");
  var note = document.createElement("p");
  note.className = "triage-live";
  note.setAttribute("role", "status");
  note.textContent =
    "Live preview of " + me.getAttribute("data-watching") + ": this page reloads after each edit.";
  note.style.cssText =
    "position:fixed;bottom:0;right:0;margin:0;padding:.25em .6em;font:12px sans-serif;" +
    "background:#f4f4f4;border:1px solid #ccc;color:#333";
  document.body.appendChild(note);
  function poll() {
    fetch("/_triage/build", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (id) {
        if (id !== null && id.trim() !== seen) {
          location.reload();
          return;
        }
        setTimeout(poll, 250);
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 250);
})();
