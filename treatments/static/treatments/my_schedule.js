// My schedule: the calendar-feed link's copy button (templates/treatments/my_schedule.html).
(function () {
  // Progressive enhancement: without JavaScript the link can still be selected and copied by hand.
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.dataset.copyTarget);
    var status = document.querySelector("[data-copy-status]");
    button.hidden = false;
    function selectForCopy() {
      input.focus();
      input.select();
      status.textContent = document.execCommand && document.execCommand("copy")
        ? "Link copied." : "The link is selected: press Ctrl+C (or ⌘C) to copy it.";
    }
    button.addEventListener("click", function () {
      // The Clipboard API needs HTTPS (or localhost); elsewhere, fall back to selecting the text.
      if (!navigator.clipboard) { selectForCopy(); return; }
      navigator.clipboard.writeText(input.value).then(function () {
        status.textContent = "Link copied.";
      }, selectForCopy);
    });
  });
  document.querySelectorAll(".feed-url").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
})();
