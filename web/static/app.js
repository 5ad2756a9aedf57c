// Small progressive enhancements; every page works without them.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  // one submission per click: the button says the form is on its way
  form.querySelectorAll("button[type=submit]").forEach(function (button) {
    button.disabled = true;
    button.textContent = "提交中…";
  });
});
