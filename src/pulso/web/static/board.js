// The deal board (/deals/board): drag a card onto another column to move the deal. An open stage
// submits the card's own form (its stage select set to the column: the same POST as the keyboard
// way); won and lost open the close dialog for the reason and the close date first.
(function () {
  "use strict";
  // "Ver N más": the column's page (?column=) is fetched and its cards put in place of these;
  // without a script, or when the fetch fails, the link simply opens that page.
  document.querySelectorAll("a.bd-more").forEach(function (link) {
    link.addEventListener("click", function (e) {
      var column = link.closest(".bd-column");
      if (!window.fetch || !window.DOMParser || !column) return;
      e.preventDefault();
      fetch(link.href, { credentials: "same-origin", headers: { Accept: "text/html" } }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.text();
      }).then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var cards = page.querySelector("#" + CSS.escape(column.id) + " ol.bd-cards");
        if (!cards) throw new Error("no cards");
        column.querySelector("ol.bd-cards").replaceWith(document.importNode(cards, true));
        link.remove();
      }).catch(function () { window.location.href = link.href; });
    });
  });
  var board = document.querySelector(".bd-board[data-can-move=true]");
  if (!board) return;
  var dragged = null;

  function moveTo(card, column) {
    var form = card.querySelector("form.bd-move");
    if (!form || column.dataset.stage === form.elements.stage_id.value) return;
    if (column.dataset.kind === "open") {
      form.elements.stage_id.value = column.dataset.stage;
      form.submit();
      return;
    }
    var dialog = document.getElementById("bd-close");
    var closing = dialog.querySelector("form");
    closing.elements.deal_id.value = card.dataset.deal;
    closing.elements.stage_id.value = column.dataset.stage;
    closing.elements.reason.required = column.dataset.kind === "lost";
    dialog.showModal();
    closing.elements.reason.focus();
  }

  board.addEventListener("dragstart", function (e) {
    var card = e.target.closest(".bd-card");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", card.dataset.deal);
  });
  board.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    board.querySelectorAll(".bd-column.over").forEach(function (c) { c.classList.remove("over"); });
    dragged = null;
  });
  board.addEventListener("dragover", function (e) {
    var column = e.target.closest(".bd-column");
    if (!column || !dragged) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
    column.classList.add("over");
  });
  board.addEventListener("dragleave", function (e) {
    var column = e.target.closest(".bd-column");
    if (column && !column.contains(e.relatedTarget)) column.classList.remove("over");
  });
  board.addEventListener("drop", function (e) {
    var column = e.target.closest(".bd-column");
    if (!column || !dragged) return;
    e.preventDefault();
    column.classList.remove("over");
    moveTo(dragged, column);
  });
  var dialog = document.getElementById("bd-close");
  if (dialog) {
    dialog.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
  }
})();
