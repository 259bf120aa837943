/* Shared by the quiz's host and player screens: a WebSocket that reconnects with backoff, and small DOM helpers. */
(function () {
  "use strict";
  var QUIZ = (window.EventsQuiz = window.EventsQuiz || {});

  QUIZ.socketUrl = function (path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  };

  /* Calls onOpen(send) after each (re)connect and onMessage(msg) per JSON message. Application close codes
     4000-4999 (run finished, refused) stop reconnecting. */
  QUIZ.connect = function (path, handlers) {
    var delay = 500, socket = null, stopped = false;
    function open() {
      socket = new WebSocket(QUIZ.socketUrl(path));
      socket.onopen = function () { delay = 500; if (handlers.onOpen) handlers.onOpen(send); };
      socket.onmessage = function (event) {
        var msg;
        try { msg = JSON.parse(event.data); } catch (e) { return; }
        handlers.onMessage(msg);
      };
      socket.onclose = function (event) {
        if (stopped || (event.code >= 4000 && event.code < 5000)) { if (handlers.onEnd) handlers.onEnd(event.code); return; }
        if (handlers.onLost) handlers.onLost();
        setTimeout(open, delay + Math.random() * 250);
        delay = Math.min(delay * 2, 8000);
      };
    }
    function send(obj) {
      if (socket && socket.readyState === 1) { socket.send(JSON.stringify(obj)); return true; }
      return false;
    }
    open();
    return { send: send, stop: function () { stopped = true; if (socket) socket.close(); } };
  };

  QUIZ.el = function (tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  };

  QUIZ.clear = function (node) { while (node.firstChild) node.removeChild(node.firstChild); };

  QUIZ.format = function (template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key] !== undefined ? values[key] : ""; });
  };

  /* A countdown driven by the server's remaining_ms, counted from when the message arrived (no clock skew). */
  QUIZ.countdown = function (node, remainingMs, onZero) {
    var end = Date.now() + remainingMs, timer = null, fired = false;
    function tick() {
      var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
      node.textContent = String(left);
      if (left <= 0) { clearInterval(timer); if (!fired) { fired = true; if (onZero) onZero(); } }
    }
    tick();
    timer = setInterval(tick, 250);
    return function () { clearInterval(timer); };
  };
})();
