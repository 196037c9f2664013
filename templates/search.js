// Search of the preview's home page. The index is a script setting a global,
// not JSON to fetch, so it works from file:// with no server and no network.
(function () {
  "use strict";
  const input = document.getElementById("q");
  const list = document.getElementById("results");
  const status = document.getElementById("search-status");
  const entries = window.TRIAGE_SEARCH || [];

  function matches(entry, words) {
    const text = [entry.code, entry.title, entry.message, entry.summary, entry.product]
      .join(" ")
      .toLowerCase();
    return words.every((w) => text.includes(w));
  }

  function show(query) {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    list.replaceChildren();
    list.hidden = status.hidden = words.length === 0;
    if (words.length === 0) return;
    const hits = entries.filter((e) => matches(e, words));
    status.textContent = hits.length === 1 ? "1 code matches." : hits.length + " codes match.";
    for (const hit of hits) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = hit.url;
      link.textContent = hit.title;
      item.append(link, " — " + hit.message);
      list.append(item);
    }
  }

  const query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  show(query);
  input.addEventListener("input", () => show(input.value));
})();
