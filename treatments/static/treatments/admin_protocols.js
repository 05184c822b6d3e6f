"use strict";
// Select2 (the admin's searchable picker) leaves an empty point picker's text box without a name,
// so a screen reader announces nothing. Name every picker's box "Point"; its text stays the value.
// Pickers appear when the admin's scripts run and whenever a row is added, so watch for them.
(function () {
    function namePickers() {
        document
            .querySelectorAll(".field-point .select2-selection__rendered:not([aria-label])")
            .forEach(function (box) {
                box.setAttribute("aria-label", "Point");
            });
    }
    new MutationObserver(namePickers).observe(document.documentElement, { childList: true, subtree: true });
})();
