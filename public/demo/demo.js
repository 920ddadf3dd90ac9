// The demo merchant's own page script: hands the server-signed data to the
// snippet, exactly as a merchant's page would.
(function () {
  var el = document.getElementById("holdfast-data");
  if (!el) return;
  var data = JSON.parse(el.textContent);
  function go() {
    if (window.Brightback) window.Brightback.handleData(data);
  }
  if (window.Brightback) go();
  else document.querySelector('script[src="/js/holdfast.js"]').addEventListener("load", go);
})();
