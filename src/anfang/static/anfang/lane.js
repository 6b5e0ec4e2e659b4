/* The guard's lane screen: polls latest.json every second (a few hundred bytes, one indexed row) and,
   when something changed, swaps in the live part of the page. A passage that needs the guard flashes
   the panel, vibrates a phone and beeps (once sound was switched on: browsers need a tap first).
   While the guard is typing a reason the screen is not swapped under the fingers: a banner says a new
   passage came. Without JavaScript the page still works (reload, plain POST form). */
(function () {
  "use strict";
  var live = document.getElementById("lane-live");
  if (!live) return;
  var latestUrl = live.getAttribute("data-latest-url");
  var fragmentUrl = live.getAttribute("data-fragment-url");
  var stamp = live.getAttribute("data-stamp") || "";
  var baseTitle = document.title;
  var banner = document.querySelector("[data-new-arrival]");
  var offline = document.querySelector("[data-offline]");
  var pending = null; // a changed stamp not shown yet (the guard is typing)
  var busy = false;

  /* Sound: one generated beep, no files. */
  var audio = { ctx: null, on: false };
  try { audio.on = localStorage.getItem("anfang.sound") === "1"; } catch (e) { /* private mode */ }
  function ensureContext() {
    var AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return null;
    if (!audio.ctx) audio.ctx = new AC();
    if (audio.ctx.state === "suspended") audio.ctx.resume();
    return audio.ctx;
  }
  function beep() {
    if (!audio.on) return;
    var ctx = ensureContext();
    if (!ctx || ctx.state !== "running") return;
    [0, 0.28].forEach(function (offset) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.25, ctx.currentTime + offset);
      gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + offset + 0.22);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + offset);
      osc.stop(ctx.currentTime + offset + 0.24);
    });
  }
  var toggle = document.querySelector("[data-sound-toggle]");
  function showSound() {
    if (!toggle) return;
    toggle.textContent = toggle.getAttribute(audio.on ? "data-label-on" : "data-label-off");
    toggle.classList.toggle("btn-primary", audio.on);
  }
  if (toggle) {
    toggle.addEventListener("click", function () {
      audio.on = !audio.on;
      try {
        if (audio.on) localStorage.setItem("anfang.sound", "1");
        else localStorage.removeItem("anfang.sound");
      } catch (e) { /* private mode */ }
      if (audio.on) ensureContext();
      showSound();
    });
    showSound();
  }
  // Any tap on the page lets the remembered sound play (browsers' autoplay rule).
  document.addEventListener("pointerdown", function () { if (audio.on) ensureContext(); }, { once: true });

  function typing() {
    var form = live.querySelector("[data-override-form]");
    if (!form) return false;
    var text = form.querySelector("input[name=reason]");
    var chosen = form.querySelector("input[name=preset]:checked");
    return (text && text.value.trim() !== "") || !!chosen;
  }

  function cue() {
    var current = live.querySelector("[data-needs-guard='1']");
    if (!current) {
      document.title = baseTitle;
      return;
    }
    document.title = "(!) " + (live.getAttribute("data-alert-title") || "") + " · " + baseTitle;
    beep();
    if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
  }

  function swap(next) {
    return fetch(fragmentUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.text();
      })
      .then(function (html) {
        var before = live.querySelector("[data-current]");
        var beforeId = before ? before.getAttribute("data-current") : "";
        live.innerHTML = html;
        live.setAttribute("data-stamp", next);
        stamp = next;
        pending = null;
        if (banner) banner.hidden = true;
        var after = live.querySelector("[data-current]");
        if (after && after.getAttribute("data-current") !== beforeId) cue();
      });
  }

  function poll() {
    if (busy || document.hidden) return;
    busy = true;
    fetch(latestUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (body) {
        if (offline) offline.hidden = true;
        if (body.stamp === stamp) return null;
        if (typing()) {
          pending = body.stamp;
          if (banner) banner.hidden = false;
          return null;
        }
        return swap(body.stamp);
      })
      .catch(function () { if (offline) offline.hidden = false; })
      .then(function () { busy = false; });
  }

  if (banner) {
    var show = banner.querySelector("[data-show-new]");
    if (show) show.addEventListener("click", function () { if (pending) swap(pending); });
  }
  // The page itself may have been rendered for a passage that needs the guard (a reload).
  if (live.querySelector("[data-needs-guard='1']")) document.title = "(!) " + baseTitle;
  window.setInterval(poll, 1000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
})();
