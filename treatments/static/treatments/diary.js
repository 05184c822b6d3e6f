// After htmx swaps an appointment card, the button that was pressed is gone, and focus would fall back
// to the page. Put it on the new card instead (or on the first field of the inline cancel form), so
// keyboard and screen-reader users stay where they were and hear the card's notice.
(function () {
  let swappedId = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    const target = event.detail.target;
    swappedId = target && target.classList.contains("appt-card") ? target.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!swappedId) return;
    const card = document.getElementById(swappedId);
    swappedId = null;
    if (!card) return;
    const firstField = card.querySelector(".appt-cancel-form .is-invalid, .appt-cancel-form input[type=radio]");
    (firstField || card).focus();
  });
})();
