// The "Troubleshoot this error" panel of the HTML preview's articles.
//
// The page carries its code's troubleshooter data (src/engine/export.rs) in a
// <script type="application/json" id="troubleshoot-data"> element; this script
// fills the hidden #troubleshoot section with one question at a time. Without
// JavaScript the section stays hidden and the article reads as it always did.
//
// The diagnosis is a port of the Rust engine and must agree with it on every
// case (tests/browser.rs drives both over every shipped code):
// - verdicts, evaluate, combine: src/engine.rs (Kleene logic, `unless` wins);
// - the plan, the open questions, escalate: `diagnose` in src/engine.rs;
// - the next question: src/engine/choose.rs (expected information gain, the
//   same constants, sums in the same order, ties to the signal named first).
// Values are "yes", "no" and "unknown"; a signal not in `obs` is unknown.
(function () {
  "use strict";

  var MAX_ENUMERATED = 12;
  var NONE_WEIGHT = 1;
  var EPSILON = 1e-9;

  function get(obs, signal) {
    var v = Object.prototype.hasOwnProperty.call(obs, signal) ? obs[signal] : "unknown";
    return v === "yes" || v === "no" ? v : "unknown";
  }

  function copy(obs) {
    var o = Object.create(null);
    for (var k in obs) o[k] = obs[k];
    return o;
  }

  function negate(v) {
    return v === "yes" ? "no" : v === "no" ? "yes" : "unknown";
  }

  // [value, reasons]; a reason is [signal, value].
  function evaluate(node, obs) {
    if (typeof node === "string") {
      var v = get(obs, node);
      return [v, [[node, v]]];
    }
    if (node[0] === "not") {
      var inner = evaluate(node[1], obs);
      return [negate(inner[0]), inner[1]];
    }
    var results = [];
    for (var i = 1; i < node.length; i++) results.push(evaluate(node[i], obs));
    var order = node[0] === "and" ? ["no", "unknown", "yes"] : ["yes", "unknown", "no"];
    for (var k = 0; k < order.length; k++) {
      var value = order[k];
      var hit = false;
      var out = [];
      for (var j = 0; j < results.length; j++) {
        if (results[j][0] !== value) continue;
        hit = true;
        var reasons = results[j][1];
        for (var r = 0; r < reasons.length; r++) {
          if (!hasReason(out, reasons[r])) out.push(reasons[r]);
        }
      }
      if (hit) return [value, out];
    }
    return [order[2], []];
  }

  function hasReason(list, reason) {
    for (var i = 0; i < list.length; i++) {
      if (list[i][0] === reason[0] && list[i][1] === reason[1]) return true;
    }
    return false;
  }

  function collect(node, out) {
    if (typeof node === "string") {
      if (out.indexOf(node) < 0) out.push(node);
      return;
    }
    for (var i = 1; i < node.length; i++) collect(node[i], out);
  }

  // The signals a cause reads in `when` and `unless`, each once, in reading order.
  function readSignals(cause) {
    if (!cause.reads) {
      var out = [];
      collect(cause.when, out);
      if (cause.unless !== undefined) collect(cause.unless, out);
      cause.reads = out;
    }
    return cause.reads;
  }

  function isPerson(data, signal) {
    return Object.prototype.hasOwnProperty.call(data.questions, signal);
  }

  function verdicts(data, obs) {
    return data.causes.map(function (cause) {
      var when = evaluate(cause.when, obs);
      var unless = cause.unless !== undefined ? evaluate(cause.unless, obs) : null;
      var status, because;
      if (unless && unless[0] === "yes") {
        status = "ruled_out";
        because = unless[1];
      } else {
        status = when[0] === "yes" ? "confirmed" : when[0] === "no" ? "ruled_out" : "possible";
        because = when[1];
      }
      return { id: cause.id, text: cause.text, status: status, because: because };
    });
  }

  function anyConfirmed(vs) {
    return vs.some(function (v) { return v.status === "confirmed"; });
  }

  // Unknown person signals read by a possible cause, in rule order (`open_questions`).
  function openQuestions(data, vs, obs) {
    var out = [];
    data.causes.forEach(function (cause, i) {
      if (vs[i].status !== "possible") return;
      readSignals(cause).forEach(function (name) {
        if (get(obs, name) === "unknown" && out.indexOf(name) < 0 && isPerson(data, name)) {
          out.push(name);
        }
      });
    });
    return out;
  }

  function diagnose(data, obs) {
    var causes = verdicts(data, obs);
    var confirmed = [];
    data.causes.forEach(function (cause, i) {
      if (causes[i].status === "confirmed") confirmed = confirmed.concat(cause.fixes);
    });
    var fixes = data.procedures.filter(function (p) {
      return confirmed.length === 0 || confirmed.indexOf(p.id) >= 0;
    });
    var questions = openQuestions(data, causes, obs);
    var confirmedAny = anyConfirmed(causes);
    var allRuledOut = causes.every(function (v) { return v.status === "ruled_out"; });
    return {
      causes: causes,
      fixes: fixes,
      questions: questions,
      escalate: allRuledOut || (!confirmedAny && questions.length === 0)
    };
  }

  function confirms(cause, obs) {
    var unless = cause.unless !== undefined ? evaluate(cause.unless, obs)[0] : null;
    return evaluate(cause.when, obs)[0] === "yes" && unless !== "yes";
  }

  // A cause as a hypothesis: prior weight and P(yes | it) per unknown signal it reads.
  function hypothesis(cause, obs) {
    var unknown = readSignals(cause).filter(function (s) { return get(obs, s) === "unknown"; });
    var weight = Math.max(cause.priority, 1);
    var odds = Object.create(null);
    if (unknown.length > MAX_ENUMERATED) return { weight: weight, odds: odds };
    var confirming = 0;
    var yes = unknown.map(function () { return 0; });
    for (var bits = 0; bits < (1 << unknown.length); bits++) {
      var o = copy(obs);
      for (var i = 0; i < unknown.length; i++) o[unknown[i]] = bits & (1 << i) ? "yes" : "no";
      if (confirms(cause, o)) {
        confirming += 1;
        for (var j = 0; j < unknown.length; j++) yes[j] += (bits >> j) & 1;
      }
    }
    if (confirming === 0) return null;
    for (var k = 0; k < unknown.length; k++) odds[unknown[k]] = yes[k] / confirming;
    return { weight: weight, odds: odds };
  }

  function p(h, signal, answer) {
    var yes = signal in h.odds ? h.odds[signal] : 0.5;
    return answer === "yes" ? yes : 1 - yes;
  }

  function sum(values) {
    var total = 0;
    for (var i = 0; i < values.length; i++) total += values[i];
    return total;
  }

  function entropy(weights) {
    var total = sum(weights);
    if (total <= 0) return 0;
    var h = 0;
    for (var i = 0; i < weights.length; i++) {
      if (!(weights[i] > 0)) continue;
      var q = weights[i] / total;
      h += -q * Math.log2(q);
    }
    return h;
  }

  function gain(data, obs, hypotheses, signal) {
    var prior = hypotheses.map(function (h) { return h.weight; });
    var total = sum(prior);
    var expected = 0;
    ["yes", "no"].forEach(function (answer) {
      var posterior = hypotheses.map(function (h) { return h.weight * p(h, signal, answer); });
      var pAnswer = sum(posterior) / total;
      if (pAnswer <= 0) return;
      var o = copy(obs);
      o[signal] = answer;
      if (!anyConfirmed(verdicts(data, o))) expected += pAnswer * entropy(posterior);
    });
    return entropy(prior) - expected;
  }

  // `next_question`: the signal id to ask next, or null. `skipped` holds the
  // signals answered "don't know".
  function nextQuestion(data, obs, skipped) {
    var current = verdicts(data, obs);
    if (anyConfirmed(current)) return null;
    var hypotheses = [];
    var candidates = [];
    data.causes.forEach(function (cause, i) {
      if (current[i].status !== "possible") return;
      var h = hypothesis(cause, obs);
      if (h) hypotheses.push(h);
      readSignals(cause).forEach(function (name) {
        if (isPerson(data, name) && get(obs, name) === "unknown" &&
            skipped.indexOf(name) < 0 && candidates.indexOf(name) < 0) {
          candidates.push(name);
        }
      });
    });
    hypotheses.push({ weight: NONE_WEIGHT, odds: Object.create(null) });
    var best = null;
    candidates.forEach(function (signal) {
      var score = gain(data, obs, hypotheses, signal);
      if (score > EPSILON && (best === null || score > best.score + EPSILON)) {
        best = { score: score, signal: signal };
      }
    });
    return best ? best.signal : null;
  }

  // Answers, in the order given, to observations and skipped signals.
  function state(answers) {
    var obs = Object.create(null);
    var skipped = [];
    answers.forEach(function (a) {
      var i = skipped.indexOf(a[0]);
      if (i >= 0) skipped.splice(i, 1);
      delete obs[a[0]];
      if (a[1] === "unknown") skipped.push(a[0]);
      else obs[a[0]] = a[1];
    });
    return { obs: obs, skipped: skipped };
  }

  // Everything the panel shows for some answers.
  function run(data, answers) {
    var s = state(answers);
    var d = diagnose(data, s.obs);
    d.next = nextQuestion(data, s.obs, s.skipped);
    d.obs = s.obs;
    return d;
  }

  // `#yes=a,b&no=c&unknown=d`, signals the code reads only.
  function fromFragment(data, hash) {
    var known = Object.keys(data.questions).concat(data.probe);
    var answers = [];
    hash.replace(/^#/, "").split("&").forEach(function (part) {
      var kv = part.split("=");
      var value = kv[0];
      if (kv.length !== 2 || ["yes", "no", "unknown"].indexOf(value) < 0) return;
      kv[1].split(",").forEach(function (raw) {
        var id;
        try { id = decodeURIComponent(raw).trim(); } catch (e) { return; }
        if (known.indexOf(id) >= 0) answers.push([id, value]);
      });
    });
    return answers;
  }

  // The Concierge ticket draft, worded and ordered as `triage render ticket
  // --format text` words it (templates/ticket.md.j2 through markdown_to_text):
  // plain text, nothing typed by the reader but a validated time and report ID.
  // `input`: { attemptedAt: Date or null, reportId: string or null,
  // tried: procedure ids, now: Date }.
  function utc(date) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return date.getUTCFullYear() + "-" + two(date.getUTCMonth() + 1) + "-" + two(date.getUTCDate()) +
      " " + two(date.getUTCHours()) + ":" + two(date.getUTCMinutes()) + " UTC";
  }

  function capitalize(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function ticket(data, answers, input) {
    var t = data.ticket;
    var d = run(data, answers);
    var lines = [];
    function section(title) { lines.push(title, ""); }
    function bullets(items) {
      items.forEach(function (item) { lines.push("  \u2022 " + item); });
      lines.push("");
    }
    lines.push("Subject: " + data.code + " " + t.kind_title + " Error in " + t.product, "");
    lines.push("Hello Concierge,", "");
    lines.push("We are seeing the " + data.code + " " + t.kind_title + " Error in our " + t.product +
      " integration and need help.", "");
    var facts = [
      "Full error message: " + t.message,
      "Confirmation: we are seeing " + data.code + ".",
      "Approximate time of the " + t.kind + " attempt: " + (input.attemptedAt
        ? utc(input.attemptedAt)
        : utc(input.now) + " (not given; time of this draft)")
    ];
    if (input.reportId) facts.push("Report ID: " + input.reportId);
    else if (t.needs_report_id) {
      facts.push("Report ID: missing. Please add the report ID of the report that failed to export.");
    }
    bullets(facts);
    var checked = t.checks.filter(function (c) {
      return get(d.obs, c[0]) !== "unknown";
    }).map(function (c) {
      return c[1] + " " + (d.obs[c[0]] === "yes" ? "Yes." : "No.");
    });
    if (checked.length) {
      section("What we checked");
      bullets(checked);
    }
    section("Likely causes");
    function texts(status) {
      return d.causes.filter(function (v) { return v.status === status; })
        .map(function (v) { return v.text; });
    }
    var confirmed = texts("confirmed");
    if (confirmed.length) {
      lines.push("Confirmed:", "");
      bullets(confirmed);
    } else {
      lines.push("No cause is confirmed yet.", "");
    }
    var ruledOut = texts("ruled_out");
    if (ruledOut.length) {
      lines.push("Ruled out:", "");
      bullets(ruledOut);
    }
    var possible = texts("possible");
    if (possible.length) {
      lines.push("Not yet checked:", "");
      bullets(possible);
    }
    section("Already tried");
    var tried = (input.tried || []).map(function (id) {
      var found = data.procedures.filter(function (p) { return p.id === id; })[0];
      return found ? found.title : null;
    }).filter(function (title) { return title !== null; });
    bullets(tried.length ? tried : ["Nothing yet."]);
    lines.push("Thank you.");
    return lines.join("\n");
  }

  // The report ID: letters, digits and dashes, at most 40 characters.
  var REPORT_ID = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,39})$/;

  function checkReportId(raw) {
    var v = raw.trim();
    if (v === "") return { value: null };
    if (!REPORT_ID.test(v)) {
      return { error: "A report ID is letters, digits and dashes (at most 40 characters): this one is not added." };
    }
    return { value: v };
  }

  // An <input type="datetime-local"> value, the reader's local time.
  var LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/;

  function checkTime(raw, now) {
    if (raw === "") return { value: null };
    var m = LOCAL_TIME.exec(raw);
    if (!m) return { error: "The time is not a date and time: it is not added." };
    var date = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
    if (isNaN(date.getTime()) || date.getMonth() !== +m[2] - 1 || date.getDate() !== +m[3]) {
      return { error: "The time is not a date and time: it is not added." };
    }
    if (date.getTime() > now.getTime() + 60 * 1000) {
      return { error: "The time is in the future: it is not added." };
    }
    return { value: date };
  }

  window.TriageTroubleshoot = {
    diagnose: diagnose,
    nextQuestion: nextQuestion,
    run: run,
    ticket: ticket,
    checkReportId: checkReportId,
    checkTime: checkTime
  };

  // The script's own URL, while it runs: the drop-in's data files sit beside it.
  var scriptUrl = document.currentScript ? document.currentScript.src : "";

  var preview = document.getElementById("troubleshoot");
  var source = document.getElementById("troubleshoot-data");
  if (preview && source) {
    // The HTML preview: the data is in the page.
    var embedded;
    try { embedded = JSON.parse(source.textContent); } catch (e) { return; }
    start(preview, embedded);
    return;
  }
  // The Markdown help site's drop-in (docs/site.md):
  // <div data-triage-troubleshoot="netsuite/NS0109"></div> and this script.
  var host = document.querySelector("[data-triage-troubleshoot]");
  if (!host || !scriptUrl || !window.fetch) return;
  var key = host.getAttribute("data-triage-troubleshoot");
  if (!/^[a-z0-9_-]+\/[A-Za-z0-9_-]+$/.test(key)) return;
  fetch(new URL(key + ".json", scriptUrl).href, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
    .then(function (fetched) {
      host.classList.add("troubleshoot");
      host.setAttribute("role", "region");
      host.setAttribute("aria-labelledby", "troubleshoot-title");
      start(host, fetched);
    }, function () { /* no data: the article reads as it always did */ });

  // The plan links to each procedure's heading: the preview gives them their
  // ids; on a help site the heading of the same text keeps its own id, or gets one.
  function linkHeadings(data) {
    var headings = document.querySelectorAll("h1, h2, h3, h4, h5, h6");
    data.procedures.forEach(function (p) {
      if (!p.anchor || document.getElementById(p.anchor)) return;
      for (var i = 0; i < headings.length; i++) {
        if (headings[i].textContent.trim() !== p.title) continue;
        if (headings[i].id) p.anchor = headings[i].id;
        else headings[i].id = p.anchor;
        return;
      }
      p.anchor = null;
    });
  }

  function start(panel, data) {
    linkHeadings(data);
    var answers = fromFragment(data, window.location.hash);
    var history = [];
    // The ticket draft's inputs outlive each render of the panel.
    var draft = { shown: false, time: "", reportId: "", tried: [] };

    var LABELS = { confirmed: "Confirmed", possible: "Possible", ruled_out: "Ruled out" };
    var VALUES = { yes: "yes", no: "no", unknown: "don't know" };

    function el(tag, attrs, text) {
      var e = document.createElement(tag);
      for (var k in attrs) e.setAttribute(k, attrs[k]);
      if (text !== undefined) e.textContent = text;
      return e;
    }

    function button(label, onClick, attrs) {
      var b = el("button", attrs || {}, label);
      b.type = "button";
      b.addEventListener("click", onClick);
      return b;
    }

    function answer(signal, value) {
      history.push(answers.slice());
      answers = answers.concat([[signal, value]]);
      render(true);
    }

    // Back undoes the last answer, a deep link's pre-answers too (last first).
    function back() {
      answers = history.length ? history.pop() : answers.slice(0, -1);
      render(true);
    }

    function why(data, verdict, obs) {
      if (verdict.status === "possible") {
        var open = verdict.because.filter(function (r) { return get(obs, r[0]) === "unknown"; });
        var probeOnly = open.length > 0 && open.every(function (r) { return !isPerson(data, r[0]); });
        if (probeOnly) return "needs a check by support";
        return "";
      }
      return "because " + verdict.because.map(function (r) {
        var q = data.questions[r[0]];
        return (q ? "“" + q + "”" : r[0]) + ": " + VALUES[r[1]];
      }).join("; ");
    }

    var uid = 0;

    function field(label, control) {
      var id = "troubleshoot-field-" + (++uid);
      control.id = id;
      var wrap = el("p", { "class": "troubleshoot-field" });
      wrap.appendChild(el("label", { "for": id }, label));
      wrap.appendChild(document.createTextNode(" "));
      wrap.appendChild(control);
      return wrap;
    }

    // "Show the ticket draft", the draft's few inputs, the draft and Copy.
    function ticketSection(d) {
      var section = el("div", { "class": "troubleshoot-ticket" });
      if (d.escalate) {
        section.appendChild(el("p", {}, "Send Concierge the ticket draft below: it says what you answered."));
      }
      var shown = draft.shown || d.escalate;
      var toggle = button(shown ? "Hide the ticket draft" : "Show the ticket draft", function () {
        draft.shown = !shown;
        render(false);
        var again = panel.querySelector("[data-ticket-toggle]");
        if (again) again.focus();
      }, { "data-ticket-toggle": "", "aria-expanded": shown ? "true" : "false", "aria-controls": "troubleshoot-draft" });
      section.appendChild(toggle);
      var box = el("div", { id: "troubleshoot-draft", "class": "troubleshoot-draft" });
      box.hidden = !shown;

      var planIds = d.fixes.map(function (f) { return f.id; });
      if (d.fixes.length) {
        var tried = el("fieldset", { "class": "troubleshoot-tried" });
        tried.appendChild(el("legend", {}, "Fixes already tried"));
        d.fixes.forEach(function (f) {
          var check = el("input", { type: "checkbox", "data-tried": f.id });
          check.checked = draft.tried.indexOf(f.id) >= 0;
          check.addEventListener("change", function () {
            draft.tried = draft.tried.filter(function (id) { return id !== f.id; });
            if (check.checked) draft.tried.push(f.id);
            update();
          });
          var label = el("label", {});
          label.appendChild(check);
          label.appendChild(document.createTextNode(" I already tried this: " + f.title));
          tried.appendChild(el("div", {})).appendChild(label);
        });
        box.appendChild(tried);
      }
      var time = el("input", { type: "datetime-local", "data-ticket-time": "" });
      time.value = draft.time;
      box.appendChild(field("Time of the attempt (your local time; optional)", time));
      var report = el("input", {
        type: "text", "data-ticket-report-id": "", maxlength: "40", autocomplete: "off",
        spellcheck: "false", pattern: "[A-Za-z0-9][A-Za-z0-9-]{0,39}"
      });
      report.value = draft.reportId;
      box.appendChild(field("Report ID (optional)", report));
      var problems = el("p", { "class": "troubleshoot-error", role: "alert", "data-ticket-error": "" });
      box.appendChild(problems);
      var text = el("textarea", {
        readonly: "", rows: "20", cols: "80", "data-ticket": "", "aria-label": "The ticket draft"
      });
      box.appendChild(text);
      var status = el("span", { "class": "troubleshoot-copied", "aria-live": "polite" });
      var copyButton = button("Copy", function () {
        var done = function () { status.textContent = " Copied."; };
        var failed = function () {
          text.focus();
          text.select();
          status.textContent = " Selected: press Ctrl+C (\u2318C) to copy.";
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text.value).then(done, failed);
        } else {
          text.select();
          var ok = false;
          try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
          if (ok) done();
          else failed();
        }
      }, { "data-ticket-copy": "" });
      var actions = el("p", {});
      actions.appendChild(copyButton);
      actions.appendChild(status);
      box.appendChild(actions);
      section.appendChild(box);

      function update() {
        var now = new Date();
        draft.time = time.value;
        draft.reportId = report.value;
        var t = checkTime(time.value, now);
        var r = checkReportId(report.value);
        var errors = [t.error, r.error].filter(function (e) { return e; });
        problems.textContent = errors.join(" ");
        time.setAttribute("aria-invalid", t.error ? "true" : "false");
        report.setAttribute("aria-invalid", r.error ? "true" : "false");
        text.value = ticket(data, answers, {
          attemptedAt: t.value || null,
          reportId: r.value || null,
          // In plan order, as far as the plan still shows them.
          tried: planIds.filter(function (id) { return draft.tried.indexOf(id) >= 0; }),
          now: now
        });
        text.textContent = text.value;
        status.textContent = "";
      }
      time.addEventListener("input", update);
      time.addEventListener("change", update);
      report.addEventListener("input", update);
      update();
      return section;
    }

    function render(moveFocus) {
      var d = run(data, answers);
      while (panel.firstChild) panel.removeChild(panel.firstChild);
      panel.setAttribute("data-escalate", d.escalate ? "true" : "false");
      panel.appendChild(el("h2", { id: "troubleshoot-title" }, "Troubleshoot this error"));

      var ask = el("div", { "class": "troubleshoot-question" });
      var focus;
      if (d.next) {
        ask.setAttribute("data-question", d.next);
        focus = el("p", { tabindex: "-1", "class": "troubleshoot-ask" }, data.questions[d.next]);
        ask.appendChild(focus);
        ask.appendChild(button("Yes", function () { answer(d.next, "yes"); }, { "data-answer": "yes" }));
        ask.appendChild(button("No", function () { answer(d.next, "no"); }, { "data-answer": "no" }));
        ask.appendChild(button("Don't know", function () { answer(d.next, "unknown"); }, { "data-answer": "unknown" }));
      } else {
        var done = anyConfirmed(d.causes)
          ? "The cause is found: follow the plan below."
          : d.escalate
            ? "None of the causes explains the error: contact Concierge (see “Contact Concierge” below)."
            : "No more questions can decide it: contact Concierge with what you answered.";
        focus = el("p", { tabindex: "-1", "class": "troubleshoot-ask" }, done);
        ask.appendChild(focus);
      }
      var backButton = button("Back", back, { "data-answer": "back" });
      backButton.disabled = answers.length === 0;
      ask.appendChild(backButton);
      panel.appendChild(ask);

      var verdict = el("div", { "class": "troubleshoot-verdict", "aria-live": "polite" });
      var list = el("ul", { "class": "troubleshoot-causes" });
      d.causes.forEach(function (v) {
        var li = el("li", { "data-cause": v.id, "data-status": v.status });
        li.appendChild(el("strong", {}, LABELS[v.status] + ": "));
        li.appendChild(document.createTextNode(v.text));
        var reason = why(data, v, d.obs);
        if (reason) li.appendChild(el("span", { "class": "troubleshoot-why" }, " (" + reason + ")"));
        list.appendChild(li);
      });
      verdict.appendChild(list);
      verdict.appendChild(el("p", {}, anyConfirmed(d.causes) ? "The fix:" : "The fixes to try:"));
      var plan = el("ol", { "class": "troubleshoot-plan" });
      d.fixes.forEach(function (f) {
        var li = el("li", { "data-fix": f.id });
        if (f.anchor) li.appendChild(el("a", { href: "#" + f.anchor }, f.title));
        else li.textContent = f.title;
        plan.appendChild(li);
      });
      verdict.appendChild(plan);
      panel.appendChild(verdict);
      panel.appendChild(ticketSection(d));
      panel.hidden = false;
      if (moveFocus) focus.focus();
    }

    render(false);
  }
})();
