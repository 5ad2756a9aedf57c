// 核对: keyboard first. In the value field Enter submits (empty: confirm, typed: correct), Tab skips to the
// next flagged field; Alt+R goes to the reason, Alt+1… puts a common reason in it.
(function () {
  "use strict";
  var value = document.getElementById("value");
  if (!value) return;
  var reason = document.getElementById("reason");
  var chips = document.querySelectorAll("button[data-reason]");
  value.addEventListener("keydown", function (e) {
    if (e.key === "Tab" && !e.shiftKey && !e.altKey && !e.ctrlKey) {
      e.preventDefault();
      window.location.href = value.dataset.skip;
    }
  });
  chips.forEach(function (chip) {
    chip.addEventListener("click", function () { reason.value = chip.dataset.reason; value.focus(); });
  });
  document.addEventListener("keydown", function (e) {
    if (!e.altKey) return;
    if (e.key === "r" || e.key === "R") { e.preventDefault(); reason.focus(); return; }
    var n = parseInt(e.key, 10);
    if (n >= 1 && n <= chips.length) { e.preventDefault(); reason.value = chips[n - 1].dataset.reason; }
  });
})();
