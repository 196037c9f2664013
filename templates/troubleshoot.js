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

  window.TriageTroubleshoot = { diagnose: diagnose, nextQuestion: nextQuestion, run: run };

  var panel = document.getElementById("troubleshoot");
  var source = document.getElementById("troubleshoot-data");
  if (!panel || !source) return;
  var data;
  try { data = JSON.parse(source.textContent); } catch (e) { return; }

  var answers = fromFragment(data, window.location.hash);
  var history = [];

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
    panel.hidden = false;
    if (moveFocus) focus.focus();
  }

  render(false);
})();
