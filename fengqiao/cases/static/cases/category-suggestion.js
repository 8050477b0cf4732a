// The category suggestion on the entry page: its button selects the suggested category. The
// button starts hidden, so without JavaScript staff read the suggestion and pick it themselves.
(function () {
  "use strict";
  function reveal(root) {
    root.querySelectorAll("[data-apply-category]").forEach(function (b) { b.hidden = false; });
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("[data-apply-category]") : null;
    var select = document.getElementById("id_category");
    if (!button || !select) { return; }
    select.value = button.dataset.applyCategory;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    button.textContent = button.dataset.appliedText;
    button.disabled = true;
  });
  document.addEventListener("htmx:afterSwap", function (e) { reveal(e.detail.target); });
  reveal(document);
})();
