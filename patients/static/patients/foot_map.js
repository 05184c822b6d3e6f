// Makes the foot diagram a picker: each region toggles the matching checkbox in the list,
// by click, Enter or Space, and the two stay in step. Without this script the list alone works.
(function () {
  function enhance(root) {
    const boxes = new Map();
    root.querySelectorAll('input[type="checkbox"][name="spots"]').forEach(function (box) {
      boxes.set(box.value, box);
    });
    const regions = root.querySelectorAll(".foot-map__region[data-spot]");

    function sync() {
      regions.forEach(function (region) {
        const box = boxes.get(region.dataset.spot);
        const on = Boolean(box && box.checked);
        region.setAttribute("aria-checked", on ? "true" : "false");
        region.classList.toggle("is-selected", on);
      });
    }

    function toggle(region) {
      const box = boxes.get(region.dataset.spot);
      if (!box) return;
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }

    regions.forEach(function (region) {
      if (!boxes.has(region.dataset.spot)) return;
      region.setAttribute("role", "checkbox");
      region.setAttribute("tabindex", "0");
      region.setAttribute("aria-label", region.dataset.label + ", on the diagram");
      region.addEventListener("click", function () { toggle(region); });
      region.addEventListener("keydown", function (event) {
        if (event.key === " " || event.key === "Enter") {
          event.preventDefault();
          toggle(region);
        }
      });
    });
    boxes.forEach(function (box) { box.addEventListener("change", sync); });
    sync();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-foot-picker]").forEach(enhance);
  });
})();
