/* The player's phone: join (the form works without JS), keep the player token in localStorage, follow the run
   live over /ws/quiz/play, answer, and come back with the same nickname and score after a reload. */
(function () {
  "use strict";
  var Q = window.EventsQuiz, root = document.getElementById("quiz-play");
  if (!root || !Q) return;
  var KEY = "events-quiz-player";
  var L = function (name) { return root.getAttribute("data-label-" + name) || ""; };
  var $ = function (id) { return document.getElementById(id); };
  var state = { playerId: null, question: null, answered: false, chosen: [], stopTimer: null, score: 0 };

  function stored() { try { return JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { return null; } }
  function store(value) { try { if (value) localStorage.setItem(KEY, JSON.stringify(value)); else localStorage.removeItem(KEY); } catch (e) { /* private mode */ } }

  var token = root.getAttribute("data-token");
  if (token) store({ token: token, run_id: root.getAttribute("data-run-id") });
  var saved = stored();
  if (!saved || !saved.token) return;  // the join form stays, JS-free

  function status(text) { $("play-status").textContent = text; }
  function setScore(score) { state.score = score; $("play-score").textContent = String(score); }
  function showLive() { $("play-join").hidden = true; $("play-live").hidden = false; }
  function stopTimer() { if (state.stopTimer) { state.stopTimer(); state.stopTimer = null; } }

  function renderQuestion(q, answered, choices) {
    stopTimer();
    state.question = q; state.answered = answered; state.chosen = choices || [];
    $("play-learn-more").hidden = true;
    $("play-question").hidden = false;
    $("play-question-number").textContent = Q.format(L("question"), { n: q.number, total: q.total });
    $("play-question-text").textContent = q.text;
    $("play-question-legend").textContent = q.text;
    var box = $("play-options"); Q.clear(box);
    var many = q.kind === "multiple";
    q.options.forEach(function (o, i) {
      var id = "play-option-" + o.id;
      var row = Q.el("div", { "class": "quiz-answer-option", "data-option-id": String(o.id) });
      var marker = Q.el("span", { "class": "quiz-answer-marker", "aria-hidden": "true" }, String.fromCharCode(65 + i));
      if (many) {
        // Several right answers: checkboxes, then one "send" button.
        var input = Q.el("input", { type: "checkbox", name: "choice", id: id, value: String(o.id) });
        if (state.chosen.indexOf(o.id) >= 0) input.checked = true;
        if (answered) input.disabled = true;
        var label = Q.el("label", { "for": id });
        label.appendChild(marker); label.appendChild(document.createTextNode(" " + o.text));
        row.appendChild(input); row.appendChild(label);
      } else {
        // One answer: a button per option, so arrowing through options never sends one by accident.
        var button = Q.el("button", { type: "button", "class": "quiz-answer-button", "aria-pressed": state.chosen.indexOf(o.id) >= 0 ? "true" : "false" });
        button.appendChild(marker); button.appendChild(document.createTextNode(" " + o.text));
        if (answered) button.disabled = true;
        button.addEventListener("click", function () {
          if (state.answered) return;
          button.setAttribute("aria-pressed", "true");
          sendAnswer([o.id]);
        });
        row.appendChild(button);
      }
      box.appendChild(row);
    });
    $("play-submit").hidden = !many || answered;
    status(answered ? L("sent") : (many ? L("choose-many") : ""));
    if (!answered) $("play-question-text").focus();
    if (q.remaining_ms !== undefined) {
      state.stopTimer = Q.countdown($("play-countdown"), q.remaining_ms, function () {
        if (!state.answered) { status(L("time-up")); disableOptions(); }
      });
    }
  }

  function disableOptions() {
    Array.prototype.forEach.call($("play-options").querySelectorAll("input, button"), function (i) { i.disabled = true; });
    $("play-submit").hidden = true;
  }

  function sendAnswer(choices) {
    if (!state.question || state.answered) return;
    state.chosen = choices;
    if (conn.send({ type: "answer", question_id: state.question.question_id, choices: choices })) {
      state.answered = true; disableOptions(); status(L("sent"));
    }
  }

  $("play-answer-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var chosen = Array.prototype.map.call($("play-options").querySelectorAll("input:checked"), function (i) { return parseInt(i.value, 10); });
    if (chosen.length) sendAnswer(chosen);
  });

  function showReveal(correct, points, kind, learnMore) {
    stopTimer(); disableOptions();
    var mine = state.chosen.slice().sort().join(","), right = correct.slice().sort().join(",");
    if (kind === "poll") status(state.answered ? L("poll") : L("no-answer"));
    else if (!state.chosen.length) status(L("no-answer"));
    else status((mine === right ? L("right") : L("wrong")) + " +" + (points || 0) + " " + L("points"));
    Array.prototype.forEach.call($("play-options").querySelectorAll(".quiz-answer-option"), function (row) {
      if (correct.indexOf(parseInt(row.getAttribute("data-option-id"), 10)) >= 0) {
        row.classList.add("quiz-answer-right");
        var control = row.querySelector("label, button");
        if (control) control.appendChild(Q.el("span", { "class": "visually-hidden" }, " (" + L("right-answer") + ")"));
      }
    });
    var lm = $("play-learn-more"); Q.clear(lm);
    if (learnMore && learnMore.url) {
      lm.appendChild(document.createTextNode(L("learn-more") + ": "));
      lm.appendChild(Q.el("a", { href: learnMore.url, rel: "noopener", target: "_blank" }, learnMore.title || learnMore.url));
      lm.hidden = false;
    }
  }

  function showRank(you) {
    if (you) { setScore(you.score); status(L("rank") + ": " + you.rank + " · " + L("score") + ": " + you.score); }
  }

  function onMessage(msg) {
    switch (msg.type) {
      case "welcome":
        if (msg.status === "finished") { store(null); conn.stop(); $("play-join").hidden = false; $("play-live").hidden = true; break; }
        state.playerId = msg.player_id; showLive();
        $("play-nickname").textContent = msg.nickname; setScore(msg.score);
        if (msg.question && msg.status === "question") renderQuestion(msg.question, msg.answered, msg.choices);
        else if (msg.question && msg.status === "reveal") { renderQuestion(msg.question, true, msg.choices); showReveal(msg.correct || [], msg.points, msg.question.kind, null); }
        else { $("play-question").hidden = true; status(msg.status === "lobby" ? L("waiting") : L("score") + ": " + msg.score); }
        break;
      case "question": renderQuestion(msg, false, []); break;
      case "ack": status(L("sent")); break;
      case "refused":
        if (msg.question_id === undefined) { store(null); status(msg.message); conn.stop(); $("play-join").hidden = false; break; }
        status(msg.message); break;
      case "reveal":
        if (state.question && msg.question_id === state.question.question_id) {
          showReveal(msg.correct, msg.you ? msg.you.points : 0, msg.kind, msg.learn_more);
        }
        break;
      case "leaderboard": $("play-question").hidden = true; showRank(msg.you); break;
      case "finished":
        stopTimer(); $("play-question").hidden = true; showRank(msg.you);
        status(L("finished") + " " + $("play-status").textContent); store(null); break;
      case "player_removed": break;
    }
  }

  var conn = Q.connect("/ws/quiz/play", {
    onOpen: function (send) { send({ type: "hello", token: saved.token }); },
    onMessage: onMessage,
    onLost: function () { status(L("lost")); },
    onEnd: function (code) { if (code === 4403) { store(null); $("play-join").hidden = false; } }
  });
})();
