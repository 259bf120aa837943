/* The host screen: follows the run over /ws/quiz/host/<id> and sends host actions by HTTP POST (CSRF header). */
(function () {
  "use strict";
  var Q = window.EventsQuiz, root = document.getElementById("quiz-host");
  if (!root || !Q) return;
  var runId = root.getAttribute("data-run-id");
  var L = function (name) { return root.getAttribute("data-label-" + name) || ""; };
  var $ = function (id) { return document.getElementById(id); };
  var beamer = root.dataset.screen === "beamer";  // the beamer screen: the same stages, no controls
  var state = { status: "lobby", players: {}, question: null, answered: 0, stopTimer: null, total: 0, autoRevealed: false };

  function csrf() { var m = document.cookie.match(/(?:^|; )(?:__Host-)?events_csrf=([^;]*)/); return m ? decodeURIComponent(m[1]) : ""; }
  function status(text) { $("host-status").textContent = text; }
  function playerCount() { return Object.keys(state.players).length; }

  function action(name) {
    return fetch("/api/quiz/runs/" + runId + "/" + name, {
      method: "POST", credentials: "same-origin", headers: { "x-csrftoken": csrf(), "content-type": "application/json" }, body: "{}"
    }).then(function (r) {
      if (!r.ok) return r.json().then(function (body) { status(body.detail || L("error")); }, function () { status(L("error")); });
    }, function () { status(L("error")); });
  }

  function removePlayer(id) {
    fetch("/api/quiz/runs/" + runId + "/players/" + id + "/remove", {
      method: "POST", credentials: "same-origin", headers: { "x-csrftoken": csrf(), "content-type": "application/json" }, body: "{}"
    });
  }

  Array.prototype.forEach.call(root.querySelectorAll("[data-action]"), function (button) {
    button.addEventListener("click", function () {
      var confirmText = button.getAttribute("data-confirm-text");
      if (confirmText && !window.confirm(confirmText)) return;
      action(button.getAttribute("data-action"));
    });
  });

  function renderPlayers() {
    var list = $("host-players"); Q.clear(list);
    Object.keys(state.players).forEach(function (id) {
      var li = Q.el("li", {}, state.players[id] + " ");
      if (beamer) { list.appendChild(li); return; }  // the room sees names, never buttons
      var b = Q.el("button", { type: "button", "class": "link-button" }, L("remove"));
      b.appendChild(Q.el("span", { "class": "visually-hidden" }, " " + state.players[id]));
      b.addEventListener("click", function () { removePlayer(id); });
      li.appendChild(b); list.appendChild(li);
    });
    $("host-player-count").textContent = String(playerCount());
    $("host-total").textContent = String(playerCount());
  }

  function buttons() {
    if (beamer) return;
    var s = state.status;
    $("host-next").disabled = !(s === "lobby" || s === "reveal" || s === "leaderboard");
    $("host-reveal").disabled = s !== "question";
    $("host-show-board").disabled = s !== "reveal";
    $("host-end").disabled = s === "finished";
  }

  function show(section) {
    $("host-lobby").hidden = section !== "lobby";
    $("host-question").hidden = section !== "question";
    $("host-board").hidden = section !== "board";
  }

  function renderQuestion(q, answered) {
    if (state.stopTimer) state.stopTimer();
    state.question = q; state.answered = answered || 0; state.autoRevealed = false;
    show("question");
    $("host-question-number").textContent = Q.format(L("question"), { n: q.number, total: q.total });
    $("host-question-text").textContent = q.text;
    $("host-answered").textContent = String(state.answered);
    $("host-total").textContent = String(playerCount());
    var list = $("host-options"); Q.clear(list); list.hidden = false;
    q.options.forEach(function (o, i) {
      var li = Q.el("li", { "class": "quiz-host-option quiz-answer-option-" + (i % 6) });
      li.appendChild(Q.el("span", { "class": "quiz-answer-marker", "aria-hidden": "true" }, String.fromCharCode(65 + i)));
      li.appendChild(document.createTextNode(" " + o.text));
      list.appendChild(li);
    });
    $("host-distribution").hidden = true; $("host-learn-more").hidden = true;
    state.stopTimer = Q.countdown($("host-countdown"), q.remaining_ms || 0, function () {
      status(L("time-up"));
      // The server keeps taking answers for its grace period; reveal just after it.
      setTimeout(function () { if (state.status === "question" && !state.autoRevealed) { state.autoRevealed = true; action("reveal"); } }, 700);
    });
  }

  function renderReveal(msg) {
    if (state.stopTimer) state.stopTimer();
    show("question"); $("host-options").hidden = true;
    var box = $("host-distribution"); Q.clear(box); box.hidden = false;
    var max = 1; msg.distribution.forEach(function (d) { max = Math.max(max, d.count); });
    var list = Q.el("ul", { "class": "quiz-bars" });
    msg.distribution.forEach(function (d, i) {
      var li = Q.el("li", { "class": d.correct ? "quiz-bar-right" : "" });
      var label = Q.el("span", { "class": "quiz-bar-label" }, String.fromCharCode(65 + i) + ". " + d.text);
      if (d.correct) label.appendChild(Q.el("strong", {}, " (" + L("right") + ")"));
      var meter = Q.el("meter", { min: "0", max: String(max), value: String(d.count) }, String(d.count));
      li.appendChild(label); li.appendChild(meter); li.appendChild(Q.el("span", { "class": "quiz-bar-count" }, String(d.count)));
      list.appendChild(li);
    });
    box.appendChild(list);
    $("host-answered").textContent = String(msg.answered);
    var lm = $("host-learn-more"); Q.clear(lm);
    if (msg.learn_more && msg.learn_more.url) {
      lm.appendChild(document.createTextNode(L("learn-more") + ": "));
      lm.appendChild(Q.el("a", { href: msg.learn_more.url, rel: "noopener" }, msg.learn_more.title || msg.learn_more.url));
      lm.hidden = false;
    }
  }

  function renderBoard(top, podium) {
    show("board");
    var list = $("host-leaderboard"), pod = $("host-podium"); Q.clear(list); Q.clear(pod);
    (podium ? [] : top).forEach(function (row) { list.appendChild(Q.el("li", { value: String(row.rank) }, row.nickname + " — " + row.score + " " + L("points"))); });
    (podium || []).forEach(function (row) {
      pod.appendChild(Q.el("li", { "class": "quiz-podium-" + row.rank, value: String(row.rank) }, row.nickname + " — " + row.score + " " + L("points")));
    });
  }

  function onMessage(msg) {
    switch (msg.type) {
      case "host_state":
        state.status = msg.status; state.players = {};
        msg.players.forEach(function (p) { state.players[p.player_id] = p.nickname; });
        renderPlayers();
        if (msg.status === "lobby") show("lobby");
        else if (msg.question && msg.status === "question") renderQuestion(msg.question, msg.answered);
        else if (msg.question && msg.status === "reveal") { renderQuestion(msg.question, msg.answered); if (state.stopTimer) state.stopTimer(); }
        else if (msg.board) renderBoard(msg.board, msg.status === "finished" ? msg.board.slice(0, 3) : null);
        break;
      case "player_joined": state.players[msg.player_id] = msg.nickname; renderPlayers(); break;
      case "player_removed": delete state.players[msg.player_id]; renderPlayers(); break;
      case "question": state.status = "question"; renderQuestion(msg, 0); break;
      case "answer_in":
        if (state.question && msg.question_id === state.question.question_id) {
          state.answered += msg.count || 1; $("host-answered").textContent = String(state.answered);
          if (state.answered >= playerCount() && playerCount() > 0) status(L("all-answered"));
        }
        break;
      case "reveal": state.status = "reveal"; renderReveal(msg); break;
      case "leaderboard": state.status = "leaderboard"; renderBoard(msg.top, null); break;
      case "finished": state.status = "finished"; renderBoard([], msg.podium); break;
    }
    buttons();
  }

  Q.connect("/ws/quiz/host/" + runId, { onMessage: onMessage, onLost: function () { status(L("lost")); } });
  buttons();
})();
