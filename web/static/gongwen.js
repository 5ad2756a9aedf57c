// 公文 page: findings jump to their page and paragraph; attachment rows refresh the preview.
(function () {
  function refreshPreview() {
    document.body.dispatchEvent(new CustomEvent("gw-refresh"));
  }

  document.addEventListener("click", function (event) {
    var finding = event.target.closest(".gw-finding");
    if (finding) {
      event.preventDefault();
      var page = finding.dataset.page && document.getElementById("page-" + finding.dataset.page);
      var para = finding.dataset.para && document.getElementById("para-" + finding.dataset.para);
      document.querySelectorAll(".gw-current").forEach(function (el) { el.classList.remove("gw-current"); });
      if (page) { page.classList.add("gw-current"); page.scrollIntoView({block: "start"}); }
      if (para) { para.classList.add("gw-current"); para.scrollIntoView({block: "center"}); }
      return;
    }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      remove.closest("tr").remove();
      refreshPreview();
    }
  });

  // a new attachment row (added or uploaded) changes the document
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.closest && event.target.closest("#gw-attachments")) {
      refreshPreview();
    }
  });

  // an upload refused: its Chinese reason beside the button instead of a silent failure
  document.addEventListener("htmx:responseError", function (event) {
    var status = document.getElementById("gw-attach-status");
    if (!status || event.detail.elt.id !== "attach-upload") { return; }
    var page = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
    var message = page.querySelector(".card.error p");
    status.textContent = message ? message.textContent : "上传失败";
    status.hidden = false;
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt.id === "attach-upload") {
      event.detail.elt.reset();
      if (event.detail.successful) { document.getElementById("gw-attach-status").hidden = true; }
    }
  });
})();
