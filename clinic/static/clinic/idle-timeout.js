// Warn a minute before an idle session ends, and leave the page when it has.
// The server keeps the real clock (clinic/middleware_auth.py); <body> says how long this session has left.
(() => {
  const body = document.body;
  const left = Number.parseInt(body.dataset.idleSecondsLeft, 10);
  const full = Number.parseInt(body.dataset.idleTimeoutSeconds, 10);
  if (!Number.isFinite(left) || !Number.isFinite(full)) return;

  const WARN_BEFORE_MS = 60 * 1000;
  // A moment past the end, so the server is sure the session is over and says why on the sign-in page.
  const GRACE_MS = 2000;
  let warningTimer;
  let endTimer;
  let warning;

  function csrfToken() {
    try {
      return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch {
      return "";
    }
  }

  function hideWarning() {
    if (warning) warning.remove();
    warning = null;
  }

  function showWarning() {
    hideWarning();
    warning = document.createElement("div");
    warning.className = "alert alert-warning shadow position-fixed bottom-0 end-0 m-3 z-3 idle-warning";
    warning.setAttribute("role", "alert");
    warning.dataset.testid = "idle-warning";
    const text = document.createElement("p");
    text.className = "mb-2";
    text.textContent = "You will be signed out in 1 minute because nothing has happened on this page.";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-primary btn-sm";
    button.textContent = "Stay signed in";
    button.addEventListener("click", staySignedIn);
    warning.append(text, button);
    document.body.append(warning);
    button.focus();
  }

  function leave() {
    // Asking for this page again lets the server end the session and send us to sign in with the reason.
    window.location.assign(window.location.pathname + window.location.search);
  }

  function schedule(secondsLeft) {
    clearTimeout(warningTimer);
    clearTimeout(endTimer);
    const ms = secondsLeft * 1000;
    warningTimer = setTimeout(showWarning, Math.max(0, ms - WARN_BEFORE_MS));
    endTimer = setTimeout(leave, ms + GRACE_MS);
  }

  async function staySignedIn() {
    try {
      const response = await fetch(body.dataset.keepAliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
      if (response.status !== 204) throw new Error(`keep-alive answered ${response.status}`);
      hideWarning();
      schedule(full);
    } catch {
      leave();
    }
  }

  schedule(left);
})();
