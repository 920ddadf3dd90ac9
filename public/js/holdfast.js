/* Holdfast snippet: a drop-in for brightback.js. Exposes only
 * window.Holdfast and window.Brightback. Fails open: if anything goes wrong,
 * the cancel link's own href still works. */
(function (w, d) {
  if (w.Holdfast) return;
  var script = d.currentScript;
  var host = script && script.src ? new URL(script.src, d.baseURI).origin : w.location.origin;
  var url = null;
  var pending = null;
  var bound = false;

  function context() {
    // Queries and fragments often carry tokens: only the page's address
    // goes, unless the merchant passes context.url itself.
    var c = { user_agent: navigator.userAgent, url: w.location.origin + w.location.pathname, referrer: d.referrer.split(/[?#]/)[0] };
    try {
      c.locale = navigator.language;
      c.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {}
    return c;
  }

  function handleDataPromise(data) {
    var body = {};
    for (var k in data) if (Object.prototype.hasOwnProperty.call(data, k)) body[k] = data[k];
    body.context = Object.assign(context(), body.context || {});
    return (pending = fetch(host + "/precancel", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit"
    })
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        url = answer && answer.valid && answer.url ? answer.url : null;
        return answer;
      })
      .catch(function (e) {
        url = null;
        return { valid: false, message: String(e && e.message || e) };
      }));
  }

  // A click while the session is still being made waits for it (3 s at
  // most), then goes to the cancel page, or to the link's own href.
  function onClick(ev, el) {
    if (!(url || pending) || ev.defaultPrevented || ev.button > 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
    ev.preventDefault();
    var gone = false;
    function go() {
      if (!gone) w.location.href = url || el.href;
      gone = true;
    }
    if (url) return go();
    pending.then(go);
    setTimeout(go, 3000);
  }

  function bind() {
    if (bound) return;
    bound = true;
    d.addEventListener("click", function (ev) {
      var el = ev.target && ev.target.closest && ev.target.closest("#bb-cancel,[data-holdfast-cancel]");
      if (el) onClick(ev, el);
    });
  }

  function handleData(data) {
    bind();
    handleDataPromise(data);
  }

  var api = { handleData: handleData, handleDataPromise: handleDataPromise };
  w.Holdfast = api;
  if (!w.Brightback) w.Brightback = api;
})(window, document);
