// Pulso's page behaviour: draw Vega-Lite charts, sort tables, keep the period picker tidy.
(function () {
  "use strict";
  var ES_NUMBERS = { decimal: ",", thousands: ".", grouping: [3], currency: ["", " €"] };
  var ES_TIME = {
    dateTime: "%A, %e de %B de %Y, %X", date: "%d/%m/%Y", time: "%H:%M:%S", periods: ["AM", "PM"],
    days: ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
    shortDays: ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"],
    months: ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
    shortMonths: ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]
  };

  function drawCharts(root) {
    if (!window.vegaEmbed) return;
    var spanish = document.body.dataset.lang === "es";
    root.querySelectorAll(".chart[data-spec]:not([data-drawn])").forEach(function (el) {
      var source = document.getElementById(el.dataset.spec);
      if (!source) return;
      el.dataset.drawn = "1";
      var options = { actions: false, renderer: "svg", ast: true, defaultStyle: false,
                      tooltip: { disableDefaultStyle: true } };
      if (spanish) { options.formatLocale = ES_NUMBERS; options.timeFormatLocale = ES_TIME; }
      window.vegaEmbed(el, JSON.parse(source.textContent), options).then(function () {
        el.dataset.rendered = "1";
      }).catch(function (err) {
        el.dataset.rendered = "error";
        el.textContent = (spanish ? "No se pudo dibujar el gráfico: " : "The chart could not be drawn: ") + err.message;
      });
    });
  }

  function sortValue(td, numeric) {
    var raw = td.dataset.sort;
    if (!numeric) return (raw || td.textContent).toLowerCase();
    var n = parseFloat(raw);
    return isNaN(n) ? -Infinity : n;
  }

  function sortTable(th) {
    var table = th.closest("table");
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.hasAttribute("data-num");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    th.parentNode.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortValue(a.cells[index], numeric), y = sortValue(b.cells[index], numeric);
      return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  document.addEventListener("click", function (event) {
    var th = event.target.closest("table.sortable th");
    if (th) sortTable(th);
  });
  document.addEventListener("keydown", function (event) {
    var th = event.target.closest && event.target.closest("table.sortable th");
    if (th && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); sortTable(th); }
  });

  function tidyPeriod(root) {
    root.querySelectorAll("form.period").forEach(function (form) {
      var kind = form.querySelector("select[name=period]");
      var sync = function () {
        form.dataset.kind = kind.value;
        form.querySelectorAll(".custom-only input, input.custom-only").forEach(function (i) { i.disabled = kind.value !== "custom"; });
        form.querySelectorAll("input.not-custom").forEach(function (i) { i.disabled = kind.value === "custom"; });
      };
      kind.addEventListener("change", sync);
      sync();
    });
  }

  function ready() { drawCharts(document); tidyPeriod(document); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready); else ready();
  document.addEventListener("htmx:afterSettle", function (e) { drawCharts(e.target); });
})();
