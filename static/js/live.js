/* Live spaces: the participant's page, the wall and the moderator's screen (data-role on #live).
   State comes from the socket (/ws/live/{code}: "welcome", then broadcasts); actions go through the HTTP API.
   The protocol is in README.md ("Live protocol"). Announcements are polite and throttled. */
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) return;
  var role = root.dataset.role, code = root.dataset.code, spaceId = root.dataset.spaceId;
  var L = function (name) { return root.dataset["label" + name.replace(/(^|-)(\w)/g, function (_, __, c) { return c.toUpperCase(); })] || name; };
  var storeKey = "live-token-" + code;
  var token = role === "participant" ? localStorage.getItem(storeKey) : null;
  var state = { questions: [], votes: [], responded: [], poll: null, results: null, order: "votes" };
  var $ = function (id) { return document.getElementById(id); };

  // --- polite, throttled announcements: at most one every 4 s, the latest wins ---------------------------------
  var pending = null, lastSaid = 0, timer = null;
  function announce(text) {
    pending = text;
    if (timer) return;
    var wait = Math.max(0, 4000 - (Date.now() - lastSaid));
    timer = setTimeout(function () { $("live-status").textContent = pending; lastSaid = Date.now(); timer = null; }, wait);
  }

  function csrf() { var m = document.cookie.match(/(?:^|; )(?:__Host-)?events_csrf=([^;]*)/); return m ? decodeURIComponent(m[1]) : ""; }
  function call(method, path, body) {
    var headers = { "content-type": "application/json" };
    if (role === "moderator") headers["x-csrftoken"] = csrf(); else if (token) headers["X-Live-Token"] = token;
    return fetch(path, { method: method, headers: headers, credentials: role === "moderator" ? "same-origin" : "omit",
                         body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (data) { return { ok: r.ok, status: r.status, data: data }; }); });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // --- questions -------------------------------------------------------------------------------------------------
  function sorted() {
    var list = state.questions.slice();
    if (role === "wall") list = list.filter(function (q) { return q.state !== "hidden"; });
    if (state.order === "newest" && role === "participant") list.sort(function (a, b) { return a.asked_at < b.asked_at ? 1 : -1; });
    else list.sort(function (a, b) { return (b.pinned - a.pinned) || ((a.state === "hidden") - (b.state === "hidden")) || (b.votes - a.votes); });
    if (role === "moderator") list.sort(function (a, b) { return (b.state === "pending") - (a.state === "pending"); });
    return role === "wall" ? list.slice(0, 6) : list;
  }
  function stateLabel(q) {
    return [q.pinned ? L("pinned") : "", q.state === "answered" ? L("answered") : "", q.state === "hidden" ? L("hidden") : "",
            q.state === "pending" ? L("pending") : ""].filter(Boolean).join(" · ");
  }
  function questionItem(q) {
    var li = el("li", { "class": "live-question state-" + q.state + (q.pinned ? " pinned" : ""), "data-question-id": q.id });
    var p = el("p", { "class": "live-question-text" }, q.text);
    li.appendChild(p);
    var meta = el("p", { "class": "live-question-meta" }, (q.name || L("anonymous")) + " · " + q.votes + " " + L("votes"));
    var label = stateLabel(q);
    if (label) meta.appendChild(el("strong", { "class": "live-state" }, " · " + label));
    li.appendChild(meta);
    if (role === "participant" && q.state !== "hidden") {
      var mine = state.votes.indexOf(q.id) >= 0;
      var button = el("button", { type: "button", "class": "button small live-vote", "aria-pressed": mine ? "true" : "false" },
                      (mine ? L("voted") : L("vote")) + " (" + q.votes + " " + L("votes") + ")");
      button.addEventListener("click", function () { vote(q.id, !mine); });
      li.appendChild(button);
    }
    if (role === "moderator") {
      var actions = q.state === "pending" ? ["approve", "hide"] : ["hide", q.pinned ? "unpin" : "pin", "answered"];
      actions.forEach(function (action) {
        var names = { approve: L("approve"), hide: L("hide"), pin: L("pin"), unpin: L("unpin"), answered: L("mark-answered") };
        var b = el("button", { type: "button", "class": "button small" }, names[action]);
        b.appendChild(el("span", { "class": "visually-hidden" }, ": " + q.text.slice(0, 60)));
        b.addEventListener("click", function () { call("POST", "/api/live/spaces/" + spaceId + "/questions/" + q.id + "/" + action); });
        li.appendChild(b);
      });
    }
    return li;
  }
  function renderQuestions() {
    var list = $("live-questions"), focused = document.activeElement, focusId = focused && focused.closest && focused.closest("[data-question-id]");
    focusId = focusId ? focusId.dataset.questionId : null;
    list.textContent = "";
    var items = sorted();
    if (!items.length) list.appendChild(el("li", { "class": "muted" }, L("no-questions")));
    items.forEach(function (q) { list.appendChild(questionItem(q)); });
    if (focusId) { var again = list.querySelector('[data-question-id="' + focusId + '"] button'); if (again) again.focus(); }
  }
  function upsert(q) {
    var i = state.questions.findIndex(function (x) { return x.id === q.id; });
    if (i >= 0) state.questions[i] = q; else { state.questions.push(q); announce(L("new-question") + ": " + q.text.slice(0, 80)); }
  }
  function vote(id, add) {
    call(add ? "POST" : "DELETE", "/api/live/" + code + "/questions/" + id + "/vote").then(function (r) {
      if (r.ok || r.status === 409 || r.status === 404) {
        state.votes = state.votes.filter(function (x) { return x !== id; });
        if (add && r.status !== 404) state.votes.push(id);
        if (r.ok) setVotes(id, r.data.votes);
        renderQuestions();
      }
    });
  }
  function setVotes(id, n) { state.questions.forEach(function (q) { if (q.id === id) q.votes = n; }); }
  function order() { return sorted().map(function (q) { return q.id; }).join(","); }
  // The server coalesces votes into one frame of counts every 150 ms or so; a screen reader hears (politely, at
  // most once every 4 s, see announce) only that the order changed, never each vote.
  function setCounts(counts) {
    var before = order();
    counts.forEach(function (c) { setVotes(c.id, c.votes); });
    renderQuestions();
    if (order() !== before) announce(L("updates"));
  }

  // --- polls -----------------------------------------------------------------------------------------------------
  function resultsView(results) {
    var box = el("div", { "class": "live-results" });
    if (!results) { box.appendChild(el("p", {}, L("results-hidden"))); return box; }
    var rows = results.words ? results.words.map(function (w) { return [w.word, w.count]; })
      : results.counts.map(function (c) { return [c.text !== undefined ? c.text : String(c.value), c.count]; });
    var top = Math.max.apply(null, [1].concat(rows.map(function (r) { return r[1]; })));
    if (results.words) {
      var cloud = el("p", { "class": "live-cloud", "aria-hidden": "true" });
      rows.forEach(function (r) { var s = el("span", { style: "font-size:" + (1 + 2 * r[1] / top).toFixed(2) + "em" }, r[0]); cloud.appendChild(s); cloud.appendChild(document.createTextNode(" ")); });
      box.appendChild(cloud);
    } else {
      var bars = el("div", { "class": "live-bars", "aria-hidden": "true" });
      rows.forEach(function (r) { var b = el("div", { "class": "live-bar" }); b.appendChild(el("span", { "class": "live-bar-label" }, r[0] + " · " + r[1]));
        var fill = el("span", { "class": "live-bar-fill", style: "width:" + Math.round(100 * r[1] / top) + "%" }); b.appendChild(fill); bars.appendChild(b); });
      box.appendChild(bars);
    }
    var table = el("table", { "class": "table live-table" });
    table.appendChild(el("caption", {}, results.responses + " " + L("responses") + (results.mean != null ? " · " + L("mean") + " " + results.mean : "")));
    var head = el("tr"); head.appendChild(el("th", { scope: "col" }, results.words ? L("word") : L("option"))); head.appendChild(el("th", { scope: "col" }, L("count")));
    table.appendChild(head);
    rows.forEach(function (r) { var tr = el("tr"); tr.appendChild(el("td", {}, r[0])); tr.appendChild(el("td", {}, String(r[1]))); table.appendChild(tr); });
    box.appendChild(table);
    return box;
  }
  function pollForm(poll) {
    var form = el("form", { "class": "form live-poll-form" });
    if (poll.kind === "words") {
      form.appendChild(el("p", { "class": "live-poll-question", id: "poll-q-" + poll.id }, poll.question));
      [1, 2, 3].forEach(function (n) { var id = "poll-word-" + n, f = el("div", { "class": "field" });
        f.appendChild(el("label", { "for": id }, L("word") + " " + n)); f.appendChild(el("input", { id: id, name: "word", maxlength: "40" })); form.appendChild(f); });
    } else {
      var fs = el("fieldset"); fs.appendChild(el("legend", { "class": "live-poll-question" }, poll.question));
      var values = poll.kind === "scale" ? Array.from({ length: poll.options[1] }, function (_, i) { return i + 1; }) : poll.options;
      values.forEach(function (text, i) {
        var label = el("label", { "class": "live-option" });
        var input = el("input", { type: poll.kind === "multiple" ? "checkbox" : "radio", name: "answer", value: poll.kind === "scale" ? text : i });
        label.appendChild(input); label.appendChild(document.createTextNode(" " + text)); fs.appendChild(label);
      });
      form.appendChild(fs);
    }
    var error = el("p", { "class": "error-message", role: "alert" }); form.appendChild(error);
    form.appendChild(el("button", { type: "submit", "class": "button" }, L("send")));
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var answer = poll.kind === "words" ? Array.from(form.querySelectorAll("input")).map(function (i) { return i.value; }).filter(Boolean)
        : Array.from(form.querySelectorAll("input:checked")).map(function (i) { return Number(i.value); });
      if (poll.kind === "scale") answer = answer[0];
      call("POST", "/api/live/" + code + "/polls/" + poll.id + "/responses", { answer: answer }).then(function (r) {
        if (r.ok || r.status === 409) { state.responded.push(poll.id); renderPoll(); $("live-poll-body").querySelector("p").focus(); }
        else error.textContent = (r.data.extra && r.data.extra[0] && r.data.extra[0].message) || r.data.detail || "";
      });
    });
    return form;
  }
  function renderPoll() {
    var body = $("live-poll-body"), poll = state.poll;
    body.textContent = "";
    if (role === "wall") $("live-poll").hidden = !poll;
    if (!poll) { if (role !== "wall") body.appendChild(el("p", {}, L("no-poll"))); return; }
    if (role === "participant" && state.responded.indexOf(poll.id) < 0) { body.appendChild(pollForm(poll)); return; }
    body.appendChild(el("p", { "class": "live-poll-question", tabindex: "-1" }, poll.question + (role === "participant" ? " — " + L("thanks") : "")));
    body.appendChild(resultsView(state.results && state.results.poll_id === poll.id ? state.results : null));
  }

  // --- the socket --------------------------------------------------------------------------------------------------
  var delay = 500;
  function connect() {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + root.dataset.socket);
    ws.onopen = function () { ws.send(JSON.stringify({ type: "hello", token: token })); };
    ws.onmessage = function (event) {
      var m = JSON.parse(event.data);
      if (m.type === "welcome") {
        delay = 500;
        state.questions = m.questions; state.poll = m.poll; state.results = m.results;
        if (m.you) { state.votes = m.you.votes; state.responded = m.you.responded; }
        renderQuestions(); renderPoll();
      } else if (m.type === "question") { upsert(m.question); renderQuestions(); }
      else if (m.type === "question_votes") setCounts(m.counts);
      else if (m.type === "votes") setCounts([{ id: m.question_id, votes: m.votes }]);  // older servers' frame
      else if (m.type === "poll") { var fresh = m.poll && (!state.poll || state.poll.id !== m.poll.id); state.poll = m.poll; state.results = m.results; renderPoll(); if (fresh) announce(L("new-poll")); }
      else if (m.type === "results") { state.results = m.results; if (state.poll) renderPoll(); }
      else if (m.type === "space" && !m.is_open && role === "participant") announce(L("closed"));
      else if (m.type === "refused" && role === "participant") { localStorage.removeItem(storeKey); token = null; showJoin(); }
    };
    ws.onclose = function (event) {
      if (event.code === 4403) return;
      announce(L("lost"));
      setTimeout(connect, delay); delay = Math.min(delay * 2, 10000);
    };
  }

  // --- the participant's join, questions and rating ----------------------------------------------------------------
  function showJoin() { $("live-join").hidden = false; $("live-main").hidden = true; }
  function started() { $("live-join").hidden = true; $("live-main").hidden = false; connect(); }
  if (role === "participant") {
    $("live-join-form").addEventListener("submit", function (e) {
      e.preventDefault();
      call("POST", "/api/live/" + code + "/participants", { name: $("live-name").value || null }).then(function (r) {
        if (!r.ok) { announce(r.data.detail || ""); return; }
        token = r.data.token; localStorage.setItem(storeKey, token); started(); $("live-question").focus();
      });
    });
    $("live-ask-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var error = $("live-ask-error");
      call("POST", "/api/live/" + code + "/questions", { text: $("live-question").value }).then(function (r) {
        error.hidden = r.ok; error.textContent = r.ok ? "" : ((r.data.extra && r.data.extra[0] && r.data.extra[0].message) || r.data.detail || "");
        if (r.ok) { $("live-question").value = ""; upsert(r.data); renderQuestions(); announce(r.data.state === "pending" ? L("pending") : L("thanks")); }
        else $("live-question").focus();
      });
    });
    document.querySelectorAll("input[name=order]").forEach(function (radio) {
      radio.addEventListener("change", function () { state.order = radio.value; renderQuestions(); });
    });
    $("live-rating-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var stars = document.querySelector("input[name=stars]:checked");
      call("POST", "/api/live/" + code + "/ratings", { stars: stars ? Number(stars.value) : 0, comment: $("live-comment").value })
        .then(function (r) { $("live-rating-done").textContent = r.ok ? L("thanks") : (r.data.detail || ""); });
    });
    if (token) started(); else showJoin();
  } else {
    connect();
  }

  // --- the moderator's polls -----------------------------------------------------------------------------------------
  if (role === "moderator") {
    $("mod-poll-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var f = e.target, kind = f.kind.value, options = f.options.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
      var body = { kind: kind === "scale10" ? "scale" : kind, question: f.question.value, revealed: !f.hidden.checked,
                   options: kind === "scale" ? [5] : kind === "scale10" ? [10] : options };
      call("POST", "/api/live/spaces/" + spaceId + "/polls", body).then(function (r) {
        var error = $("mod-poll-error");
        if (r.ok) location.reload(); else { error.hidden = false; error.textContent = (r.data.extra && r.data.extra[0] && r.data.extra[0].message) || r.data.detail; }
      });
    });
    document.querySelectorAll("[data-poll-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        var id = button.closest("[data-poll-id]").dataset.pollId;
        call("POST", "/api/live/spaces/" + spaceId + "/polls/" + id + "/" + button.dataset.pollAction);
      });
    });
  }

  // --- the wall's countdown to the end of the session -----------------------------------------------------------------
  if (role === "wall" && root.dataset.endsAt) {
    var ends = new Date(root.dataset.endsAt).getTime();
    var tick = function () {
      var left = Math.max(0, Math.round((ends - Date.now()) / 1000)), h = Math.floor(left / 3600), m = Math.floor(left / 60) % 60, s = left % 60;
      $("wall-countdown-value").textContent = (h ? h + ":" : "") + String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    };
    tick(); setInterval(tick, 1000);
  }
})();
