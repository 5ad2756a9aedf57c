// 指令书 page: an enterprise's checkbox ticks or clears all its hazards.
document.addEventListener("change", function (event) {
  var all = event.target.closest(".pick-all");
  if (!all) return;
  all.closest("tbody").querySelectorAll("input[name=hazard]").forEach(function (box) {
    box.checked = all.checked;
  });
});
