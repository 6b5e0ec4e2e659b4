/* anfang alarm console: live rows over Server-Sent Events, ages counting, a generated beep on arrival,
   keyboard shortcuts, claim/acknowledge from the row. Plain JS, no dependencies. The page works
   without it (server-rendered rows, plain POST forms); this adds the live part.
   Also on the alarm page: checklist boxes save on change, and a notice when someone else changes it. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  /* ---------------------------------------------------------------------------------------------
     Sound: a beep generated with the Web Audio API (no audio files). Browsers allow sound only
     after a click or key press on the page, hence the "enable sound" button.
     --------------------------------------------------------------------------------------------- */
  var Sound = {
    ctx: null,
    wanted: false,
    enable: function () {
      var AC = window.AudioContext || window.webkitAudioContext;
      if (!AC) return false;
      if (!this.ctx) this.ctx = new AC();
      if (this.ctx.state === "suspended") this.ctx.resume();
      this.wanted = true;
      try { localStorage.setItem("anfang.sound", "1"); } catch (e) { /* private mode */ }
      return true;
    },
    disable: function () {
      this.wanted = false;
      try { localStorage.removeItem("anfang.sound"); } catch (e) { /* private mode */ }
    },
    on: function () {
      return this.wanted && this.ctx && this.ctx.state === "running";
    },
    tone: function (freq, start, length, volume) {
      var ctx = this.ctx;
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.type = "square";
      osc.frequency.value = freq;
      var t = ctx.currentTime + start;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(volume, t + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + length);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + length + 0.02);
    },
    arrival: function () {
      if (!this.on()) return;
      this.tone(880, 0, 0.18, 0.25);
      this.tone(1175, 0.22, 0.22, 0.25);
    },
    escalated: function () {
      if (!this.on()) return;
      for (var i = 0; i < 3; i++) {
        this.tone(1320, i * 0.3, 0.2, 0.6);
        this.tone(990, i * 0.3 + 0.15, 0.12, 0.6);
      }
    },
  };

  /* ---------------------------------------------------------------------------------------------
     The console
     --------------------------------------------------------------------------------------------- */
  function Console(root) {
    var config = JSON.parse(document.getElementById("console-config").textContent);
    var text = config.text;
    var tbody = root.querySelector("[data-rows]");
    var empty = root.querySelector("[data-empty]");
    var bannerDown = root.querySelector("[data-banner-down]");
    var bannerUp = root.querySelector("[data-banner-up]");
    var liveLabel = root.querySelector("[data-live-label]");
    var liveState = root.querySelector("[data-live-state]");
    var others = root.querySelector("[data-others]");
    var othersText = root.querySelector("[data-others-text]");
    var countLabel = document.querySelector("[data-open-count]");
    var toast = root.querySelector("[data-toast]");
    var help = root.querySelector("[data-help]");
    var soundButton = document.querySelector("[data-sound-toggle]");
    var several = Object.keys(config.communities).length > 1;
    var handling = {};
    config.handling.forEach(function (code) { handling[code] = true; });
    // Server time minus browser time, so ages are right even when the PC clock is off.
    var skew = Date.parse(config.now) - Date.now();
    var alarms = {}; // id → payload
    var known = {}; // ids seen since the page loaded (to beep only for new ones)
    var selectedId = null;
    // Until the operator picks a row, the selection follows the most urgent alarm.
    var userSelected = false;
    var source = null;
    var lastEventId = "";
    var wasDown = false;
    var upTimer = null;
    var toastTimer = null;
    var baseTitle = document.title;

    // Rows rendered by the server count as known until the snapshot replaces them.
    tbody.querySelectorAll("tr[data-id]").forEach(function (tr) { known[tr.getAttribute("data-id")] = true; });
    var first = tbody.querySelector("tr[data-id]");
    if (first) select(first.getAttribute("data-id"));

    function place(a) {
      var parts = [a.location || a.device_name || ""];
      if (a.title && a.title !== parts[0]) parts.push(a.title);
      var joined = parts.filter(Boolean).join(" · ");
      return joined || "—";
    }

    function ageSeconds(a) {
      return Math.max(0, Math.floor((Date.now() + skew - Date.parse(a.created_at)) / 1000));
    }

    function ageText(s) {
      if (s < 60) return fmt(text.seconds, { s: s });
      if (s < 3600) return fmt(text.minutes, { m: Math.floor(s / 60), s: s % 60 });
      return fmt(text.hours, { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
    }

    function ageClass(s) {
      return s >= 120 ? "age-old" : s >= 30 ? "age-warn" : "age-fresh";
    }

    function el(tag, cls, content) {
      var node = document.createElement(tag);
      if (cls) node.className = cls;
      if (content !== undefined && content !== null) node.textContent = content;
      return node;
    }

    function badge(colour, label) {
      return el("span", "badge badge-" + (colour || "grey"), label);
    }

    function detailUrl(a) {
      return config.detail.replace("__code__", encodeURIComponent(a.community)).replace("__id__", a.id);
    }

    function actButton(a, action, label, primary) {
      var form = el("form", "inline");
      form.method = "post";
      form.action = detailUrl(a) + action + "/";
      form.setAttribute("data-act", action);
      var token = el("input");
      token.type = "hidden";
      token.name = "csrfmiddlewaretoken";
      token.value = csrfToken();
      var button = el("button", "btn btn-sm" + (primary ? " btn-primary" : ""), label);
      button.type = "submit";
      form.appendChild(token);
      form.appendChild(button);
      return form;
    }

    function row(a) {
      var s = ageSeconds(a);
      var tr = el("tr", "alarm-row " + ageClass(s) + (a.escalation_level ? " escalated" : ""));
      tr.setAttribute("data-id", a.id);
      tr.setAttribute("data-community", a.community);
      tr.setAttribute("data-state", a.state);
      tr.setAttribute("data-claimed", a.claimed_by_id || "");
      var td = el("td", "c-priority");
      td.appendChild(badge(config.priority_badges[a.priority], a.priority_label));
      tr.appendChild(td);
      td = el("td", "alarm-type", a.type_label);
      if (a.escalation_level) {
        td.appendChild(document.createTextNode(" "));
        td.appendChild(badge("dark", text.escalated));
      }
      tr.appendChild(td);
      tr.appendChild(el("td", "c-place", place(a)));
      if (several) tr.appendChild(el("td", "c-community", config.communities[a.community] || a.community));
      var age = el("td", "num nowrap c-age", ageText(s));
      age.setAttribute("data-age", "");
      tr.appendChild(age);
      td = el("td", "num c-count", String(a.event_count));
      td.setAttribute("data-label", text.events);
      tr.appendChild(td);
      td = el("td", "c-claimed", a.claimed_by || "—");
      td.setAttribute("data-label", text.handler);
      tr.appendChild(td);
      td = el("td", "c-state");
      td.appendChild(badge(config.state_badges[a.state], a.state_label));
      tr.appendChild(td);
      td = el("td", "row-actions nowrap");
      if (handling[a.community]) {
        if (!a.claimed_by_id) td.appendChild(actButton(a, "claim", text.claim, false));
        if (a.state === "new") td.appendChild(actButton(a, "acknowledge", text.acknowledge, true));
      }
      var open = el("a", "btn btn-sm", text.open);
      open.href = detailUrl(a);
      open.setAttribute("data-open", "");
      td.appendChild(open);
      tr.appendChild(td);
      if (String(a.id) === String(selectedId)) tr.classList.add("selected");
      return tr;
    }

    function ordered() {
      return Object.keys(alarms)
        .map(function (id) { return alarms[id]; })
        .sort(function (x, y) {
          return x.priority - y.priority || Date.parse(x.created_at) - Date.parse(y.created_at) || x.id - y.id;
        });
    }

    function shown(a) {
      return !config.community || a.community === config.community;
    }

    function render() {
      var list = ordered();
      var visible = list.filter(shown);
      var frag = document.createDocumentFragment();
      visible.forEach(function (a) { frag.appendChild(row(a)); });
      tbody.replaceChildren(frag);
      empty.hidden = visible.length > 0;
      tbody.closest(".table-wrap").hidden = visible.length === 0;
      if (countLabel) countLabel.textContent = fmt(text.open_count, { n: visible.length });
      document.title = (list.length ? "(" + list.length + ") " : "") + baseTitle;
      if (others) {
        var hidden = list.length - visible.length;
        others.hidden = hidden === 0;
        othersText.textContent = fmt(text.others, { n: hidden });
      }
      if (!userSelected || selectedId === null || !alarms[selectedId] || !shown(alarms[selectedId])) {
        selectedId = visible.length ? visible[0].id : null;
        userSelected = false;
      }
      highlight();
    }

    function rows() {
      return Array.prototype.slice.call(tbody.querySelectorAll("tr[data-id]"));
    }

    function highlight() {
      rows().forEach(function (tr) {
        tr.classList.toggle("selected", tr.getAttribute("data-id") === String(selectedId));
      });
    }

    function select(id) {
      selectedId = id;
      highlight();
      var tr = tbody.querySelector('tr[data-id="' + id + '"]');
      if (tr && tr.scrollIntoView) tr.scrollIntoView({ block: "nearest" });
    }

    function move(step) {
      var list = rows();
      if (!list.length) return;
      var index = list.findIndex(function (tr) { return tr.getAttribute("data-id") === String(selectedId); });
      index = index < 0 ? 0 : Math.min(list.length - 1, Math.max(0, index + step));
      userSelected = true;
      select(list[index].getAttribute("data-id"));
    }

    function tick() {
      rows().forEach(function (tr) {
        var a = alarms[tr.getAttribute("data-id")];
        if (!a) {
          // Server-rendered row before the snapshot: count from its data-created.
          a = { created_at: tr.getAttribute("data-created") };
          if (!a.created_at) return;
        }
        var s = ageSeconds(a);
        tr.querySelector("[data-age]").textContent = ageText(s);
        tr.classList.remove("age-fresh", "age-warn", "age-old");
        tr.classList.add(ageClass(s));
      });
    }

    function showToast(message) {
      toast.textContent = message;
      toast.hidden = false;
      clearTimeout(toastTimer);
      toastTimer = setTimeout(function () { toast.hidden = true; }, 5000);
    }

    function apply(a, fromAction) {
      var id = String(a.id);
      var before = alarms[id];
      if (!a.open) {
        delete alarms[id];
        return;
      }
      alarms[id] = a;
      if (!fromAction && !known[id]) {
        known[id] = true;
        Sound.arrival();
        showToast(fmt(text.new_alarm, { type: a.type_label, place: place(a) }));
      } else if (!fromAction && a.escalation_level && (!before || !before.escalation_level)) {
        Sound.escalated();
      }
      known[id] = true;
    }

    /* Live connection --------------------------------------------------------------------------- */
    // A stream the server ends on purpose (every hour) is back within the 2 s retry: only a
    // connection still down after the grace period is announced.
    var downTimer = null;
    var DOWN_GRACE_MS = 4000;

    function connectionLost() {
      if (downTimer !== null || wasDown) return;
      downTimer = setTimeout(function () {
        downTimer = null;
        setLive(false);
      }, DOWN_GRACE_MS);
    }

    function connectionUp() {
      clearTimeout(downTimer);
      downTimer = null;
      setLive(true);
    }

    function setLive(up) {
      liveState.classList.toggle("is-live", up);
      liveState.classList.toggle("is-down", !up);
      liveLabel.textContent = up ? text.live : text.down;
      bannerDown.hidden = up;
      if (!up) {
        wasDown = true;
        bannerUp.hidden = true;
      } else if (wasDown) {
        wasDown = false;
        bannerUp.hidden = false;
        clearTimeout(upTimer);
        upTimer = setTimeout(function () { bannerUp.hidden = true; }, 4000);
      }
    }

    function connect() {
      var url = config.stream;
      // A new EventSource does not send Last-Event-ID itself: pass the cursor so nothing is missed.
      if (lastEventId) url += (url.indexOf("?") < 0 ? "?" : "&") + "last_event_id=" + encodeURIComponent(lastEventId);
      source = new EventSource(url);
      source.onopen = connectionUp;
      source.onerror = function () {
        connectionLost();
        if (source.readyState === EventSource.CLOSED) {
          // The server refused (or the network is gone for good): try again ourselves.
          source.close();
          setTimeout(connect, 3000);
        }
      };
      source.addEventListener("snapshot", function (ev) {
        if (ev.lastEventId) lastEventId = ev.lastEventId;
        var data = JSON.parse(ev.data);
        var next = {};
        data.alarms.forEach(function (a) { next[String(a.id)] = a; });
        var fresh = data.alarms.filter(function (a) { return !known[String(a.id)]; });
        alarms = next;
        data.alarms.forEach(function (a) { known[String(a.id)] = true; });
        if (fresh.length && firstSnapshotDone) Sound.arrival();
        firstSnapshotDone = true;
        connectionUp();
        render();
      });
      source.addEventListener("alarm", function (ev) {
        if (ev.lastEventId) lastEventId = ev.lastEventId;
        apply(JSON.parse(ev.data), false);
        render();
      });
    }
    var firstSnapshotDone = false;

    /* Actions ----------------------------------------------------------------------------------- */
    function act(id, action, takeOver) {
      var a = alarms[id];
      var body = takeOver ? { take_over: true } : {};
      return fetch(config.api + encodeURIComponent(id) + "/" + action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
        body: JSON.stringify(body),
      }).then(function (response) {
        return response.json().then(function (data) {
          if (response.ok) {
            apply(data, true);
            render();
            return;
          }
          if (data.error === "claimed" && !takeOver) {
            var name = a && a.claimed_by ? a.claimed_by : "";
            if (window.confirm(fmt(text.take_over, { name: name }))) return act(id, action, true);
            return;
          }
          showToast(text.failed + (data.detail || data.error));
        });
      }, function () {
        showToast(text.failed + text.down);
      });
    }

    root.addEventListener("submit", function (ev) {
      var form = ev.target.closest("form[data-act]");
      if (!form) return;
      ev.preventDefault();
      var tr = form.closest("tr[data-id]");
      userSelected = true;
      select(tr.getAttribute("data-id"));
      act(tr.getAttribute("data-id"), form.getAttribute("data-act"), false);
    });

    tbody.addEventListener("click", function (ev) {
      var tr = ev.target.closest("tr[data-id]");
      if (tr && !ev.target.closest("a, button, form")) {
        userSelected = true;
        select(tr.getAttribute("data-id"));
      }
    });

    /* Keyboard ---------------------------------------------------------------------------------- */
    function toggleHelp() {
      if (!help) return;
      if (help.open) help.close();
      else if (help.showModal) help.showModal();
      else help.setAttribute("open", "");
    }

    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var target = ev.target;
      if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
      if (help && help.open && ev.key !== "?" && ev.key !== "Escape") return;
      var handled = true;
      switch (ev.key) {
        case "j":
        case "ArrowDown":
          move(1);
          break;
        case "k":
        case "ArrowUp":
          move(-1);
          break;
        case "a":
          if (selectedId !== null && handling[(alarms[selectedId] || {}).community]) act(selectedId, "acknowledge", false);
          break;
        case "c":
          if (selectedId !== null && handling[(alarms[selectedId] || {}).community]) act(selectedId, "claim", false);
          break;
        case "Enter":
          if (target.closest && target.closest("a, button")) {
            handled = false;
            break;
          }
          if (selectedId !== null && alarms[selectedId]) window.location.href = detailUrl(alarms[selectedId]);
          else {
            var link = tbody.querySelector('tr[data-id="' + selectedId + '"] [data-open]');
            if (link) window.location.href = link.href;
          }
          break;
        case "?":
          toggleHelp();
          break;
        default:
          handled = false;
      }
      if (handled) ev.preventDefault();
      // Any key press counts as the gesture browsers want before playing sound.
      if (Sound.wanted && Sound.ctx && Sound.ctx.state === "suspended") Sound.ctx.resume();
    });

    var helpButton = document.querySelector("[data-help-toggle]");
    if (helpButton) {
      helpButton.addEventListener("click", function () {
        helpButton.blur();
        toggleHelp();
      });
    }

    /* Sound button ------------------------------------------------------------------------------ */
    function soundLabel() {
      var on = Sound.wanted;
      soundButton.textContent = on ? text.sound_on : text.sound_off;
      soundButton.setAttribute("aria-pressed", on ? "true" : "false");
      soundButton.classList.toggle("btn-primary", on);
    }
    if (soundButton) {
      soundButton.addEventListener("click", function () {
        if (Sound.wanted) Sound.disable();
        else if (Sound.enable()) Sound.arrival();
        soundLabel();
        // Give the keys back to the console: Enter should open the selected alarm, not press this again.
        soundButton.blur();
      });
      try {
        if (localStorage.getItem("anfang.sound") === "1") {
          // Remembered: arm it, the first click or key on the page starts the audio.
          Sound.wanted = true;
          var resume = function () {
            Sound.enable();
            document.removeEventListener("pointerdown", resume, true);
          };
          document.addEventListener("pointerdown", resume, true);
        }
      } catch (e) { /* private mode */ }
      soundLabel();
    }

    // Escalated, unacknowledged alarms keep sounding until someone acknowledges them.
    setInterval(function () {
      var pending = Object.keys(alarms).some(function (id) {
        var a = alarms[id];
        return a.escalation_level && a.state === "new";
      });
      if (pending) Sound.escalated();
    }, 4000);

    setInterval(tick, 1000);
    liveLabel.textContent = text.connecting;
    connect();
    // Leaving the page: close the stream now rather than when the server next writes.
    window.addEventListener("pagehide", function () { if (source) source.close(); });
    window.anfangConsole = { alarms: function () { return alarms; }, select: select };
  }

  /* ---------------------------------------------------------------------------------------------
     The alarm page
     --------------------------------------------------------------------------------------------- */
  function AlarmPage(root) {
    root.addEventListener("change", function (ev) {
      var form = ev.target.closest("form[data-autosubmit-check]");
      if (form) form.submit();
    });
    var id = root.getAttribute("data-id");
    var notice = root.querySelector("[data-changed]");
    if (!window.EventSource || !notice) return;
    var source = new EventSource(root.getAttribute("data-stream"));
    source.addEventListener("alarm", function (ev) {
      var a = JSON.parse(ev.data);
      if (String(a.id) === id) notice.hidden = false;
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-console]");
    if (root && window.EventSource) Console(root);
    var page = document.querySelector("[data-alarm-page]");
    if (page) AlarmPage(page);
  });
})();
