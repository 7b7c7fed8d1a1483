// The goal and alert forms' pickers (templates/pickers.html). Without this file every field works:
// the KPI picker is a plain select, and every kind's parameters are shown under their own heading.
// With it: a search box filters the KPI select by name (accents and case ignored), the unit beside
// a figure follows the KPI picked, and the rule form shows only the chosen kind's parameters.
(function () {
  "use strict";
  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function searchable(box) {
    var select = document.getElementById(box.dataset.filterFor);
    if (!select) return;
    box.hidden = false;
    box.addEventListener("input", function () {
      var words = plain(box.value).split(/\s+/).filter(Boolean);
      var first = null;
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
        var any = false;
        Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
          var text = plain(option.textContent);
          var match = words.every(function (w) { return text.indexOf(w) >= 0; });
          option.hidden = !match;
          if (match) { any = true; if (!first) first = option; }
        });
        group.hidden = !any;
      });
      var current = select.options[select.selectedIndex];
      if (first && (!current || current.hidden)) {
        select.value = first.value;
        select.dispatchEvent(new Event("change"));
      }
    });
  }
  function unitFollows(select) {
    var target = document.getElementById(select.dataset.unitTarget);
    if (!target) return;
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      target.textContent = option ? (option.dataset.unit || "") : "";
    });
  }
  function kindShows(form) {
    var kind = form.querySelector("[data-kind-select]");
    if (!kind) return;
    function show() {
      Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-kind]"), function (set) {
        var on = set.dataset.kind === kind.value;
        set.hidden = !on;
        set.disabled = !on; // only the chosen kind's parameters are sent
      });
    }
    kind.addEventListener("change", show);
    show();
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-filter-for]"), searchable);
    Array.prototype.forEach.call(document.querySelectorAll("select[data-unit-target]"), unitFollows);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-kind-form]"), kindShows);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
