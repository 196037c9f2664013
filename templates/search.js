// Search of the preview's home page. The index is a script setting a global,
// not JSON to fetch, so it works from file:// with no server and no network.
//
// The index (src/site/html.rs, `search_index`) holds per code its stemmed
// terms in four weight classes (title, message, symptoms, body) and its
// sentences for snippets. A query is split and stemmed as the index was; each
// query word must match a term of the code, whole or as its beginning ("perm"
// finds "permission"); codes rank by the classes their words were found in.
// Why not Pagefind: see "Search" in docs/architecture.md.
(function () {
  "use strict";
  const input = document.getElementById("q");
  const list = document.getElementById("results");
  const status = document.getElementById("search-status");
  const index = window.TRIAGE_SEARCH || { stop: [], lines: [], codes: [] };
  const stop = new Set(index.stop);
  // A title or code match outweighs any number of body matches of one word.
  const WEIGHTS = [16, 8, 4, 2];

  // The same light suffix stripper as `stem` in src/site/html.rs: change both together.
  function stem(word) {
    if (word.length <= 3 || !/^[a-z0-9]+$/.test(word)) return word;
    let w = word;
    const ends = (s) => w.endsWith(s);
    if ((ends("ies") || ends("ied")) && w.length > 4) {
      w = w.slice(0, -3) + "y";
    } else if (ends("es") && ["s", "x", "z", "ch", "sh"].some((e) => w.slice(0, -2).endsWith(e))) {
      w = w.slice(0, -2);
    } else if (ends("s") && !["ss", "us", "is"].some(ends)) {
      w = w.slice(0, -1);
    }
    const undouble = () => {
      const n = w.length;
      const last = w[n - 1];
      if (n >= 2 && last === w[n - 2] && !"aeiouylsz".includes(last)) w = w.slice(0, -1);
    };
    if (ends("ing") && w.length >= 6) {
      w = w.slice(0, -3);
      undouble();
    } else if (ends("ed") && w.length >= 5) {
      w = w.slice(0, -2);
      undouble();
    } else if (ends("ly") && w.length >= 6) {
      w = w.slice(0, -2);
    }
    if (ends("e") && w.length >= 4) w = w.slice(0, -1);
    return w;
  }

  // For tests/browser.rs, which checks it stems as html.rs does.
  window.triageStem = stem;

  const WORD = /[\p{L}\p{N}]+/gu;
  function terms(text) {
    return (text.toLowerCase().match(WORD) || []).filter((w) => !stop.has(w)).map(stem);
  }

  // Each code's classes as arrays of terms, split once.
  const codes = index.codes.map((c) => ({
    ...c,
    classes: c.t.map((t) => t.split(" ")),
  }));
  // A line's terms, split and stemmed when first needed.
  const lineTerms = [];
  const termsOfLine = (i) => (lineTerms[i] ??= terms(index.lines[i]));

  // The weight of a query term in a code: its heaviest class, halved for a prefix match.
  function weight(code, q) {
    for (let i = 0; i < code.classes.length; i++) {
      const found = code.classes[i];
      if (found.includes(q)) return WEIGHTS[i];
      if (found.some((t) => t.startsWith(q))) return WEIGHTS[i] / 2;
    }
    return 0;
  }

  const matches = (term, query) => query.some((q) => term.startsWith(q));

  // The line with the most query words in it (null if none), and how many.
  function snippet(code, query) {
    let line = null;
    let most = 0;
    for (const i of code.l) {
      const found = new Set(termsOfLine(i).flatMap((t) => query.filter((q) => t.startsWith(q))));
      if (found.size > most) {
        line = index.lines[i];
        most = found.size;
      }
    }
    return { line, most };
  }

  // The line as text nodes, the words that matched in <mark>.
  function highlighted(line, query) {
    const out = [];
    let last = 0;
    for (const m of line.matchAll(WORD)) {
      const word = m[0].toLowerCase();
      if (stop.has(word) || !matches(stem(word), query)) continue;
      out.push(line.slice(last, m.index));
      const mark = document.createElement("mark");
      mark.textContent = m[0];
      out.push(mark);
      last = m.index + m[0].length;
    }
    out.push(line.slice(last));
    return out;
  }

  function show(text) {
    const query = [...new Set(terms(text))];
    const empty = text.trim() === "";
    list.replaceChildren();
    list.hidden = status.hidden = empty;
    if (empty) return;
    const hits = [];
    codes.forEach((code, order) => {
      let score = 0;
      for (const q of query) {
        const w = weight(code, q);
        if (w === 0) return;
        score += w;
      }
      if (query.length === 0) return;
      const { line, most } = snippet(code, query);
      // Several words in one sentence ("Permissions were changed") beat the
      // same words far apart.
      if (query.length > 1 && most === query.length) score += WEIGHTS[1];
      hits.push({ code, score, order, line });
    });
    hits.sort((a, b) => b.score - a.score || a.order - b.order);
    status.textContent = hits.length === 1 ? "1 code matches." : hits.length + " codes match.";
    for (const { code, line } of hits) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = code.url;
      link.textContent = code.title;
      item.append(link, " — " + code.message);
      if (line !== null) {
        const p = document.createElement("p");
        p.className = "snippet";
        p.append(...highlighted(line, query));
        item.append(p);
      }
      list.append(item);
    }
  }

  const query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  show(query);
  input.addEventListener("input", () => show(input.value));
})();
