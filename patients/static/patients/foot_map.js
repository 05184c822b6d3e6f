// The foot diagram as a picker. Each region of the drawing toggles the real checkbox of the
// same value in the form's list (click, Enter or Space), and ticking the list updates the
// drawing, so the two never disagree. The form submits only the checkboxes: without this
// script the diagram stays hidden and the list alone does the job.
//
// Also: a range slider beside the severity number, kept in step with it.
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";

  function enhanceFootMap(figure) {
    var form = figure.closest("form") || document;
    var field = figure.getAttribute("data-field") || "spots";
    var boxes = new Map();
    form.querySelectorAll('input[type="checkbox"][name="' + field + '"]').forEach(function (box) {
      boxes.set(box.value, box);
    });
    var svg = figure.querySelector("svg");
    var regions = Array.prototype.filter.call(figure.querySelectorAll("[data-spot][role='checkbox']"), function (r) {
      return boxes.has(r.getAttribute("data-spot"));
    });
    var summary = figure.querySelector("[data-foot-map-summary]");

    // Drawn last so the ring sits above the neighbouring regions rather than under them.
    var ring = document.createElementNS(SVG_NS, "path");
    ring.setAttribute("class", "foot-map__focus-ring");
    ring.setAttribute("aria-hidden", "true");
    svg.appendChild(ring);

    function tickFor(spot) {
      return svg.querySelector('[data-tick-for="' + spot + '"]');
    }

    function show(region) {
      var spot = region.getAttribute("data-spot");
      var on = boxes.get(spot).checked;
      region.setAttribute("aria-checked", on ? "true" : "false");
      region.classList.toggle("is-selected", on);
      var tick = tickFor(spot);
      if (tick) tick.setAttribute("visibility", on ? "visible" : "hidden");
      svg.querySelectorAll('[data-alias-of="' + spot + '"]').forEach(function (alias) {
        alias.classList.toggle("is-selected", on);
      });
    }

    function describe() {
      if (!summary) return;
      var chosen = [];
      boxes.forEach(function (box) {
        if (box.checked) chosen.push(box.getAttribute("data-label") || box.value);
      });
      summary.textContent = chosen.length
        ? "Chosen (" + chosen.length + "): " + chosen.join("; ")
        : "Nothing chosen yet: tap the places where the patient feels it.";
    }

    function toggle(region) {
      var box = boxes.get(region.getAttribute("data-spot"));
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }

    regions.forEach(function (region) {
      region.addEventListener("click", function () {
        toggle(region);
      });
      region.addEventListener("keydown", function (event) {
        if (event.key === " " || event.key === "Enter") {
          event.preventDefault();
          toggle(region);
        }
      });
      region.addEventListener("focus", function () {
        ring.setAttribute("d", region.getAttribute("d"));
      });
      region.addEventListener("blur", function () {
        ring.removeAttribute("d");
      });
    });

    // The toes drawn on the top view are the sole's toes seen from above: a tap there picks
    // them too. Keyboard and screen-reader users have the one "toes" control on the sole.
    svg.querySelectorAll("[data-alias-of]").forEach(function (alias) {
      var region = svg.querySelector('[role="checkbox"][data-spot="' + alias.getAttribute("data-alias-of") + '"]');
      if (!region || regions.indexOf(region) === -1) return;
      alias.classList.add("is-pickable");
      alias.addEventListener("click", function () {
        toggle(region);
      });
    });

    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        regions.forEach(function (region) {
          if (region.getAttribute("data-spot") === box.value) show(region);
        });
        describe();
      });
    });

    // The browser may have restored ticks (back button), so read the list, not the markup.
    regions.forEach(show);
    describe();
    figure.hidden = false;
  }

  function enhanceSeverity(number) {
    var slider = document.querySelector('[data-severity-slider="' + number.id + '"]');
    var chip = document.querySelector('[data-severity-chip="' + number.id + '"]');
    var scaleData = document.getElementById("severity-scale");
    if (!slider) return;
    var scale = scaleData ? JSON.parse(scaleData.textContent) : [];

    function paint() {
      var value = parseInt(number.value, 10);
      var valid = !isNaN(value) && value >= 0 && value <= 10 && String(value) === number.value.trim();
      if (valid) slider.value = String(value);
      if (!chip) return;
      chip.hidden = !valid || !scale[value];
      if (!chip.hidden) {
        chip.style.background = scale[value].fill;
        chip.style.color = scale[value].ink;
        chip.textContent = value + "/10 · " + scale[value].word;
      }
    }

    slider.addEventListener("input", function () {
      number.value = slider.value;
      number.dispatchEvent(new Event("input", { bubbles: true }));
    });
    number.addEventListener("input", paint);
    slider.hidden = false;
    paint();
  }

  function start() {
    document.querySelectorAll("[data-foot-map]").forEach(enhanceFootMap);
    document.querySelectorAll("[data-severity-input]").forEach(enhanceSeverity);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
