// The session form, quicker on a tablet. Everything here is an enhancement: without it the form still
// works (blank rows are offered, "Apply protocol" asks the server, the home-care advice is shown as text).
(function () {
  "use strict";

  const form = document.getElementById("session-form");
  if (!form) return;
  form.classList.add("has-js");
  const ashiCodes = (form.dataset.ashiCodes || "").split(",").filter(Boolean);

  // Buttons that only make sense with this script are hidden in the page until now.
  form.querySelectorAll("[data-add-row], [data-remove-row], [data-insert-snippet]").forEach(function (button) {
    button.hidden = false;
  });

  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // --- rows ------------------------------------------------------------------------------------

  function totalInput(prefix) {
    return form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
  }

  function addRow(prefix) {
    const template = form.querySelector('template[data-row-template="' + prefix + '"]');
    const total = totalInput(prefix);
    const maximum = parseInt(form.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]').value, 10);
    const index = parseInt(total.value, 10);
    if (index >= maximum) return null;
    const html = template.innerHTML.replace(/__prefix__/g, String(index)).replace(/\bnew\b/g, String(index + 1));
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const row = holder.firstElementChild;
    row.querySelectorAll("[data-remove-row]").forEach(function (button) { button.hidden = false; });
    form.querySelector('[data-rows="' + prefix + '"]').appendChild(row);
    total.value = String(index + 1);
    wireRow(row);
    return row;
  }

  function clearRow(row) {
    row.querySelectorAll("input, select, textarea").forEach(function (field) {
      // A side goes back to its default, "both"; everything else is emptied, so the server skips the row.
      if (field.type === "radio") field.checked = field.value === "both";
      else field.value = "";
    });
  }

  function wireRow(row) {
    const select = row.querySelector(".row-point select");
    const ashi = row.querySelector("[data-ashi]");
    if (select && ashi) {
      const update = function () {
        const input = ashi.querySelector("input");
        const needed = ashiCodes.indexOf(select.value) !== -1;
        ashi.hidden = !(needed || (input && input.value) || ashi.querySelector(".invalid-feedback"));
      };
      select.addEventListener("change", update);
      update();
    }
  }

  form.querySelectorAll("[data-row]").forEach(wireRow);

  form.addEventListener("click", function (event) {
    const add = event.target.closest("[data-add-row]");
    if (add) {
      const row = addRow(add.dataset.addRow);
      if (row) row.querySelector("select, input:not([type=hidden])").focus();
      return;
    }
    const remove = event.target.closest("[data-remove-row]");
    if (remove) {
      const row = remove.closest("[data-row]");
      const rows = row.parentElement;
      clearRow(row);
      row.hidden = true;
      const next = Array.from(rows.querySelectorAll("[data-row]")).find(function (r) { return !r.hidden; });
      const addButton = form.querySelector('[data-add-row="' + rows.dataset.rows + '"]');
      (next ? next.querySelector("select, input:not([type=hidden])") : addButton).focus();
    }
  });

  // --- protocols: fill the point rows at once --------------------------------------------------

  const dataNode = document.getElementById("protocol-data");
  const protocols = dataNode ? JSON.parse(dataNode.textContent) : {};
  const applyButton = form.querySelector("[data-apply-protocol]");
  const status = form.querySelector("[data-protocol-status]");

  function pointRows() {
    return Array.from(form.querySelectorAll('[data-rows="points"] [data-row]')).filter(function (row) {
      return !row.hidden;
    });
  }

  if (applyButton) {
    applyButton.addEventListener("click", function (event) {
      event.preventDefault();
      const choice = form.querySelector("#protocol-select").value;
      const protocol = protocols[choice];
      if (!protocol) {
        status.textContent = "Choose a protocol first.";
        return;
      }
      const present = new Set(pointRows().map(function (row) {
        return row.querySelector(".row-point select").value;
      }).filter(Boolean));
      let added = 0;
      protocol.points.forEach(function (point) {
        if (present.has(point.code)) return;
        let row = pointRows().find(function (r) { return !r.querySelector(".row-point select").value; });
        if (!row) row = addRow("points");
        if (!row) return;
        const select = row.querySelector(".row-point select");
        select.value = point.code;
        select.dispatchEvent(new Event("change"));
        const side = row.querySelector('input[type=radio][value="' + point.side + '"]');
        if (side) side.checked = true;
        present.add(point.code);
        added += 1;
      });
      status.textContent = "Added " + added + " point" + (added === 1 ? "" : "s") + " of “" + protocol.name +
        "”. Adjust them, then save: nothing is saved yet.";
    });
  }

  // --- home care: insert the standard advice ---------------------------------------------------

  const homeCare = form.querySelector('textarea[name="home_care"]');
  form.querySelectorAll("[data-insert-snippet]").forEach(function (button) {
    button.addEventListener("click", function () {
      const text = button.dataset.insertSnippet;
      if (homeCare.value.indexOf(text) === -1) {
        homeCare.value = homeCare.value.trim() ? homeCare.value.replace(/\s+$/, "") + "\n" + text : text;
      }
      homeCare.focus();
    });
  });

  // --- a reminder when the needles stay in unusually long or short -----------------------------

  const retention = form.querySelector('input[name="retention_minutes"]');
  const warning = form.querySelector("[data-retention-warning]");
  if (retention && warning) {
    retention.addEventListener("input", function () {
      const minutes = parseInt(retention.value, 10);
      const low = parseInt(retention.dataset.typicalLow, 10);
      const high = parseInt(retention.dataset.typicalHigh, 10);
      warning.hidden = isNaN(minutes) || (minutes >= low && minutes <= high);
    });
  }
})();
