/**
 * The console's one script, served from Marshal's origin at CONSOLE_SCRIPT_PATH (the CSP allows no inline
 * code). It only enhances: every page reads correctly without it, the server having written each countdown
 * as of the moment it rendered. It does three things:
 * - counts `<time datetime data-countdown>` down every second ("in 4m 05s", "overdue by 12s");
 * - listens to the page's server-sent events (an incident's, or My pages') and, when something changed (the
 *   number it is told differs from the one the page was rendered with), fetches the page again and
 *   swaps in the `[data-live]` parts — never a form being typed into, so no half-written update is lost;
 * - keyboard shortcuts named by `data-shortcut` attributes (a: acknowledge, u: write an update), ignored
 *   while typing in a field or with a modifier held.
 * Plain ES2017 so that any current browser runs it without a build step.
 */
export const CONSOLE_SCRIPT_PATH = '/console/assets/console.js';

export const CONSOLE_SCRIPT = `'use strict';
(function () {
  function pad(n) { return n < 10 ? '0' + n : String(n); }
  function span(ms) {
    var s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    s = s % 60;
    if (d > 0) return d + 'd ' + h + 'h ' + pad(m) + 'm';
    if (h > 0) return h + 'h ' + pad(m) + 'm ' + pad(s) + 's';
    if (m > 0) return m + 'm ' + pad(s) + 's';
    return s + 's';
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll('time[data-countdown]').forEach(function (el) {
      var due = Date.parse(el.getAttribute('datetime'));
      if (isNaN(due)) return;
      var left = due - now;
      el.textContent = left > 0 ? 'in ' + span(left) : 'overdue by ' + span(left);
      var item = el.closest('[data-due]');
      if (item) item.classList.toggle('overdue', left <= 0);
    });
  }
  tick();
  setInterval(tick, 1000);

  var live = document.querySelector('[data-events]');
  if (live && window.EventSource && window.DOMParser) {
    var seq = Number(live.getAttribute('data-seq')) || 0;
    var source = new EventSource(live.getAttribute('data-events'));
    var refreshing = false;
    var refresh = function () {
      if (refreshing) return;
      refreshing = true;
      fetch(location.pathname, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
        .then(function (response) {
          if (!response.ok || response.redirected) throw new Error('not refreshed');
          return response.text();
        })
        .then(function (text) {
          var fresh = new DOMParser().parseFromString(text, 'text/html');
          document.querySelectorAll('[data-live]').forEach(function (old) {
            var next = fresh.getElementById(old.id);
            if (next && !old.contains(document.activeElement)) old.replaceWith(document.importNode(next, true));
          });
          var note = document.getElementById('live-note');
          if (note) note.textContent = 'Updated ' + new Date().toLocaleTimeString() + '.';
          tick();
        })
        .catch(function () {
          var note = document.getElementById('live-note');
          if (note) note.textContent = 'This incident changed. Reload the page to see it.';
        })
        .then(function () { refreshing = false; });
    };
    source.addEventListener('changed', function (message) {
      var data = {};
      try { data = JSON.parse(message.data); } catch (e) { return; }
      if (typeof data.seq === 'number' && data.seq !== seq) { seq = data.seq; refresh(); }
    });
    // Signed out or the session expired: the server ends the stream; stop rather than retry for ever.
    source.addEventListener('ended', function () { source.close(); });
    source.addEventListener('error', function () { if (source.readyState === EventSource.CLOSED) source.close(); });
    window.addEventListener('pagehide', function () { source.close(); });
  }

  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(target.tagName))) return;
    if (!/^[a-z]$/.test(event.key)) return;
    var el = document.querySelector('[data-shortcut="' + event.key + '"]');
    if (!el) return;
    event.preventDefault();
    if (el.tagName === 'BUTTON') el.click();
    else { el.focus(); el.scrollIntoView({ block: 'center' }); }
  });
})();
`;
