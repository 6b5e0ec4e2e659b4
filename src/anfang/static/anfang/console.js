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
     after a click or key press on the page: after a reload the wish ("anfang.sound") is remembered,
     but the audio only runs once the operator has clicked or pressed a key here. Until then the
     button says so, and an alarm that could not be heard raises a warning banner.
     --------------------------------------------------------------------------------------------- */
  var Sound = {
    ctx: null,
    wanted: false,
    missed: false, // an alarm arrived while the browser kept us silent
    listeners: [],
    context: function () {
      var AC = window.AudioContext || window.webkitAudioContext;
      if (!AC) return null;
      if (!this.ctx) {
        this.ctx = new AC();
        this.ctx.onstatechange = this.changed.bind(this);
      }
      return this.ctx;
    },
    running: function () {
      return !!this.ctx && this.ctx.state === "running";
    },
    // "off" (not wanted), "on" (wanted and audible) or "blocked" (wanted, but the browser waits for a gesture).
    state: function () {
      if (!this.wanted) return "off";
      return this.running() ? "on" : "blocked";
    },
    changed: function () {
      if (this.running() || !this.wanted) this.missed = false;
      var state = this.state();
      var missed = this.missed;
      this.listeners.forEach(function (fn) { fn(state, missed); });
    },
    onChange: function (fn) {
      this.listeners.push(fn);
      fn(this.state(), this.missed);
    },
    resume: function () {
      var ctx = this.context();
      if (!ctx) return Promise.resolve(false);
      var self = this;
      var done = function () { self.changed(); return self.running(); };
      if (ctx.state === "running") return Promise.resolve(done());
      // Chrome leaves resume() pending while it blocks audio: give up waiting after a moment.
      return new Promise(function (resolve) {
        var settle = function () { resolve(done()); };
        var p = ctx.resume();
        if (p && p.then) p.then(settle, settle);
        setTimeout(settle, 300);
      });
    },
    enable: function () {
      if (!(window.AudioContext || window.webkitAudioContext)) return false;
      this.wanted = true;
      try { localStorage.setItem("anfang.sound", "1"); } catch (e) { /* private mode */ }
      this.resume();
      this.changed();
      return true;
    },
    disable: function () {
      this.wanted = false;
      try { localStorage.removeItem("anfang.sound"); } catch (e) { /* private mode */ }
      this.changed();
    },
    // On page load: a remembered wish is armed; the first click or key anywhere starts the audio
    // (keyboard-only operators included). Clicks on the sound button itself are left to the button.
    arm: function () {
      var remembered = false;
      try { remembered = localStorage.getItem("anfang.sound") === "1"; } catch (e) { /* private mode */ }
      if (!remembered) return;
      this.wanted = true;
      this.resume(); // some browsers (or a page allowed to autoplay) start at once
      var self = this;
      var gesture = function (ev) {
        if (!self.wanted || self.running()) return;
        if (ev.target && ev.target.closest && ev.target.closest("[data-sound-toggle]")) return;
        self.resume();
      };
      ["pointerdown", "pointerup", "keydown", "touchend", "click"].forEach(function (type) {
        document.addEventListener(type, gesture, true);
      });
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
    // Play now if audible; if the browser still blocks it, try to resume (a gesture may have happened
    // meanwhile) and otherwise say so: an alarm must never pass silently without a visible warning.
    play: function (tones) {
      if (!this.wanted) return;
      var self = this;
      var go = function () {
        tones.forEach(function (t) { self.tone(t[0], t[1], t[2], t[3]); });
      };
      if (this.running()) {
        go();
        return;
      }
      this.resume().then(function (ok) {
        if (ok) go();
        else {
          self.missed = true;
          self.changed();
        }
      });
    },
    arrival: function () {
      this.play([[880, 0, 0.18, 0.25], [1175, 0.22, 0.22, 0.25]]);
    },
    escalated: function () {
      var tones = [];
      for (var i = 0; i < 3; i++) {
        tones.push([1320, i * 0.3, 0.2, 0.6]);
        tones.push([990, i * 0.3 + 0.15, 0.12, 0.6]);
      }
      this.play(tones);
    },
  };

  /* The sound button(s) and the "sound blocked" banner of a page. The button carries its three labels
     (data-text-on/-off/-blocked) so the console and the alarm page share it. */
  function soundControls() {
    var buttons = Array.prototype.slice.call(document.querySelectorAll("[data-sound-toggle]"));
    var banners = Array.prototype.slice.call(document.querySelectorAll("[data-sound-blocked]"));
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var state = Sound.state();
        if (state === "on") Sound.disable();
        else if (Sound.enable()) Sound.arrival();
        // Give the keys back to the page: Enter should open the selected alarm, not press this again.
        button.blur();
      });
    });
    banners.forEach(function (banner) {
      var enable = banner.querySelector("[data-sound-enable]");
      if (enable) enable.addEventListener("click", function () { Sound.enable(); });
    });
    Sound.arm();
    Sound.onChange(function (state, missed) {
      buttons.forEach(function (button) {
        var label = button.getAttribute("data-text-" + state);
        if (label) button.textContent = label;
        button.setAttribute("data-sound-state", state);
        button.setAttribute("aria-pressed", state === "on" ? "true" : "false");
        button.classList.toggle("btn-primary", state === "on");
        button.classList.toggle("sound-blocked", state === "blocked");
      });
      banners.forEach(function (banner) { banner.hidden = !(missed && state === "blocked"); });
    });
  }

  // Which sound a change calls for, the same on the console and the alarm page: a beep for an alarm
  // not seen before, the loud one when an alarm is newly escalated.
  function soundFor(before, a, isNew) {
    if (!a.open) return null;
    if (isNew) return "arrival";
    if (a.escalation_level && (!before || !before.escalation_level)) return "escalated";
    return null;
  }

  // Escalated alarms nobody has acknowledged keep sounding (every 4 s) until someone does.
  function repeatEscalated(current) {
    setInterval(function () {
      var alarms = current();
      var pending = Object.keys(alarms).some(function (id) {
        var a = alarms[id];
        return a.open !== false && a.escalation_level && a.state === "new";
      });
      if (pending) Sound.escalated();
    }, 4000);
  }

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
    var more = root.querySelector("[data-more]");
    var moreText = root.querySelector("[data-more-text]");
    var others = root.querySelector("[data-others]");
    var othersText = root.querySelector("[data-others-text]");
    var countLabel = document.querySelector("[data-open-count]");
    var toast = root.querySelector("[data-toast]");
    var help = root.querySelector("[data-help]");
    var several = Object.keys(config.communities).length > 1;
    var handling = {};
    config.handling.forEach(function (code) { handling[code] = true; });
    // Server time minus browser time, so ages are right even when the PC clock is off.
    var skew = Date.parse(config.now) - Date.now();
    var alarms = {}; // id → payload
    var known = {}; // ids seen since the page loaded (to beep only for new ones)
    // The selected alarm is an id, never a position: rows are reordered as alarms arrive, and the
    // keys (a/c/Enter) must act on the alarm the operator chose. It only moves when that alarm leaves
    // the list, then to its neighbour.
    var selectedId = null;
    var order = []; // ids as shown, in order
    var rowKeys = {}; // id → the payload a row was built from (unchanged rows are kept, not rebuilt)
    // While a mouse button is down on the table nothing moves under it; the update follows at once.
    var pointerHeld = false;
    var renderPending = false;
    var source = null;
    var lastEventId = "";
    var wasDown = false;
    var upTimer = null;
    var toastTimer = null;
    var baseTitle = document.title;

    // Rows rendered by the server count as known until the snapshot replaces them.
    tbody.querySelectorAll("tr[data-id]").forEach(function (tr) {
      var id = tr.getAttribute("data-id");
      known[id] = true;
      order.push(id);
    });
    if (order.length) select(order[0]);

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
      form.setAttribute("data-id", String(a.id));
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

    // The alarm to select when the selected one has left the list: the next one below it as it was
    // shown, else the one above, else the top.
    function neighbour(gone, ids) {
      var index = order.indexOf(gone);
      var i;
      for (i = index + 1; index >= 0 && i < order.length; i++) if (ids.indexOf(order[i]) >= 0) return order[i];
      for (i = index - 1; i >= 0; i--) if (ids.indexOf(order[i]) >= 0) return order[i];
      return ids.length ? ids[0] : null;
    }

    // Put the rows in order, rebuilding only those whose alarm changed and moving only what must move.
    function patchRows(visible) {
      var before = null;
      var keys = {};
      visible.forEach(function (a) {
        var id = String(a.id);
        var key = JSON.stringify(a);
        var tr = tbody.querySelector('tr[data-id="' + id + '"]');
        if (!tr || rowKeys[id] !== key) {
          var fresh = row(a);
          if (tr) tr.replaceWith(fresh);
          tr = fresh;
        }
        keys[id] = key;
        var expected = before ? before.nextSibling : tbody.firstChild;
        if (tr !== expected) tbody.insertBefore(tr, expected);
        before = tr;
      });
      while (before ? before.nextSibling : tbody.firstChild) tbody.removeChild(before ? before.nextSibling : tbody.firstChild);
      rowKeys = keys;
    }

    function render() {
      if (pointerHeld) {
        renderPending = true;
        return;
      }
      renderPending = false;
      var list = ordered();
      var visible = list.filter(shown);
      var ids = visible.map(function (a) { return String(a.id); });
      if (selectedId !== null && ids.indexOf(String(selectedId)) < 0) selectedId = neighbour(String(selectedId), ids);
      if (selectedId === null && ids.length) selectedId = ids[0];
      patchRows(visible);
      order = ids;
      empty.hidden = visible.length > 0;
      tbody.closest(".table-wrap").hidden = visible.length === 0;
      if (countLabel) countLabel.textContent = fmt(text.open_count, { n: visible.length });
      document.title = (list.length ? "(" + list.length + ") " : "") + baseTitle;
      if (others) {
        var hidden = list.length - visible.length;
        others.hidden = hidden === 0;
        othersText.textContent = fmt(text.others, { n: hidden });
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
      selectedId = id === null ? null : String(id);
      highlight();
      var tr = tbody.querySelector('tr[data-id="' + id + '"]');
      if (tr && tr.scrollIntoView) tr.scrollIntoView({ block: "nearest" });
    }

    function move(step) {
      var list = rows();
      if (!list.length) return;
      var index = list.findIndex(function (tr) { return tr.getAttribute("data-id") === String(selectedId); });
      index = index < 0 ? 0 : Math.min(list.length - 1, Math.max(0, index + step));
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
      var sound = fromAction ? null : soundFor(before, a, !known[id]);
      if (sound === "arrival") showToast(fmt(text.new_alarm, { type: a.type_label, place: place(a) }));
      if (sound) Sound[sound]();
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
        // The server lists the most urgent CONSOLE_LIMIT open alarms; say how many more there are.
        var notListed = (data.total || 0) - data.alarms.length;
        if (more) {
          more.hidden = notListed <= 0;
          moreText.textContent = fmt(text.more, { n: notListed, limit: data.alarms.length });
        }
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

    // A row's buttons act on their own alarm (the form's data-id), whatever is selected.
    root.addEventListener("submit", function (ev) {
      var form = ev.target.closest("form[data-act]");
      if (!form) return;
      var id = form.getAttribute("data-id");
      if (!id) return; // not ours: a plain POST
      ev.preventDefault();
      select(id);
      act(id, form.getAttribute("data-act"), false);
    });

    tbody.addEventListener("click", function (ev) {
      var tr = ev.target.closest("tr[data-id]");
      if (tr && !ev.target.closest("a, button, form")) select(tr.getAttribute("data-id"));
    });

    function release() {
      if (!pointerHeld) return;
      pointerHeld = false;
      // After the click that follows this pointerup has been delivered to the row it was aimed at.
      setTimeout(function () { if (renderPending) render(); }, 0);
    }
    tbody.addEventListener("pointerdown", function () {
      pointerHeld = true;
      setTimeout(release, 2000); // never hold the list for long
    });
    document.addEventListener("pointerup", release, true);
    document.addEventListener("pointercancel", release, true);

    function communityOf(id) {
      if (id === null) return null;
      if (alarms[id]) return alarms[id].community;
      var tr = tbody.querySelector('tr[data-id="' + id + '"]');
      return tr ? tr.getAttribute("data-community") : null;
    }

    /* Keyboard ---------------------------------------------------------------------------------- */
    function toggleHelp() {
      if (!help) return;
      if (help.open) {
        help.close();
        // The dialog focused its own button; give the keys back to the list at once, so an Enter right
        // after closing opens the selected alarm instead of pressing a hidden button.
        var focused = document.activeElement;
        if (focused && help.contains(focused) && focused.blur) focused.blur();
      } else if (help.showModal) help.showModal();
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
          if (handling[communityOf(selectedId)]) act(selectedId, "acknowledge", false);
          break;
        case "c":
          if (handling[communityOf(selectedId)]) act(selectedId, "claim", false);
          break;
        case "Enter":
          if (target.closest && target.closest("a, button") && !(help && !help.open && help.contains(target))) {
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
    });

    var helpButton = document.querySelector("[data-help-toggle]");
    if (helpButton) {
      helpButton.addEventListener("click", function () {
        helpButton.blur();
        toggleHelp();
      });
    }

    repeatEscalated(function () { return alarms; });

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
    var toasts = document.querySelector("[data-alarm-toasts]");
    if (!window.EventSource) return;
    // While the operator works this alarm, others must still be heard and seen: the same feed as the
    // console, the same sounds, and a toast per new alarm linking to it and to the console.
    var alarms = {};
    var known = {};
    var snapshots = 0;
    var source = null;
    var lastEventId = "";

    function label(name) {
      return toasts ? toasts.getAttribute("data-text-" + name) || "" : "";
    }

    function place(a) {
      var parts = [a.location || a.device_name || ""];
      if (a.title && a.title !== parts[0]) parts.push(a.title);
      return parts.filter(Boolean).join(" · ") || "—";
    }

    function detailUrl(a) {
      return toasts.getAttribute("data-detail")
        .replace("__code__", encodeURIComponent(a.community))
        .replace("/alarms/0/", "/alarms/" + a.id + "/");
    }

    function link(href, text) {
      var node = document.createElement("a");
      node.className = "btn btn-sm";
      node.href = href;
      node.textContent = text;
      return node;
    }

    function dropToast(alarmId) {
      var old = toasts.querySelector('[data-toast-id="' + alarmId + '"]');
      if (old) old.remove();
    }

    function toast(a, kind) {
      if (!toasts) return;
      dropToast(a.id);
      var box = document.createElement("div");
      box.className = "alarm-toast" + (kind === "escalated" ? " alarm-toast-escalated" : "");
      box.setAttribute("data-toast-id", String(a.id));
      box.setAttribute("role", "alert");
      var message = document.createElement("span");
      message.className = "alarm-toast-text";
      message.textContent = fmt(label(kind === "escalated" ? "escalated" : "new"), { type: a.type_label, place: place(a) });
      box.appendChild(message);
      var actions = document.createElement("span");
      actions.className = "alarm-toast-actions";
      actions.appendChild(link(detailUrl(a), label("open")));
      actions.appendChild(link(toasts.getAttribute("data-console-url"), label("console")));
      var close = document.createElement("button");
      close.type = "button";
      close.className = "alarm-toast-close";
      close.setAttribute("aria-label", label("close"));
      close.textContent = "×";
      close.addEventListener("click", function () { box.remove(); });
      actions.appendChild(close);
      box.appendChild(actions);
      toasts.insertBefore(box, toasts.firstChild);
      // A few at most: the console lists them all.
      while (toasts.children.length > 3) toasts.removeChild(toasts.lastChild);
    }

    function apply(a) {
      var key = String(a.id);
      var before = alarms[key];
      if (key === id) {
        if (notice) notice.hidden = false;
      }
      if (!a.open) {
        delete alarms[key];
        known[key] = true;
        if (toasts) dropToast(key);
        return;
      }
      alarms[key] = a;
      var sound = soundFor(before, a, !known[key]);
      known[key] = true;
      if (!sound) return;
      Sound[sound]();
      if (key !== id) toast(a, sound === "arrival" ? "new" : "escalated");
    }

    function connect() {
      var url = root.getAttribute("data-stream");
      if (lastEventId) url += (url.indexOf("?") < 0 ? "?" : "&") + "last_event_id=" + encodeURIComponent(lastEventId);
      source = new EventSource(url);
      source.onerror = function () {
        root.removeAttribute("data-live");
        if (source.readyState === EventSource.CLOSED) {
          source.close();
          setTimeout(connect, 3000);
        }
      };
      source.addEventListener("snapshot", function (ev) {
        if (ev.lastEventId) lastEventId = ev.lastEventId;
        var data = JSON.parse(ev.data);
        var next = {};
        data.alarms.forEach(function (a) {
          var key = String(a.id);
          next[key] = a;
          // After a reconnect, alarms raised meanwhile are new; the first snapshot is what is open now.
          if (snapshots && !known[key] && key !== id) {
            Sound.arrival();
            toast(a, "new");
          }
          known[key] = true;
        });
        alarms = next;
        snapshots += 1;
        root.setAttribute("data-live", "");
      });
      source.addEventListener("alarm", function (ev) {
        if (ev.lastEventId) lastEventId = ev.lastEventId;
        apply(JSON.parse(ev.data));
      });
    }

    repeatEscalated(function () { return alarms; });
    connect();
    window.addEventListener("pagehide", function () { if (source) source.close(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    soundControls();
    var root = document.querySelector("[data-console]");
    if (root && window.EventSource) Console(root);
    var page = document.querySelector("[data-alarm-page]");
    if (page) AlarmPage(page);
  });
})();
