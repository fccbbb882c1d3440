/*
 * Tribunal: the shared form enhancements (templates/macros/forms.html). Every form works
 * without this file; with it:
 *  - a form's error summary takes the focus when the page opens with it, so the reader
 *    (and a screen reader) starts at the problems; its links focus the field they name;
 *  - a field with a limit (data-counter, maxlength) shows "123 / 2000" as it is typed, and
 *    tells screen readers the same in words once the typing pauses;
 *  - a form that succeeded redirected here, and the browser kept the fragment that would
 *    have opened its error summary (a redirect keeps the posted URL's fragment): it is
 *    dropped from the address.
 * Pages whose body is replaced by a script (static/js/upload.js) send
 * "tribunal:page-replaced", and are enhanced again.
 * Loaded from a static file only: the Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";

  function enhance(root) {
    root.querySelectorAll("[data-counter]").forEach(enhanceCounter);
    root.querySelectorAll(".error-summary a[href^='#']").forEach(enhanceSummaryLink);
    var summary = root.querySelector(".error-summary");
    if (summary) {
      summary.focus();
    }
  }

  // The error summary's links: to the field itself, its label in view

  function enhanceSummaryLink(link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) {
        return;
      }
      event.preventDefault();
      var label = document.querySelector("label[for='" + target.id + "']") || target;
      label.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
  }

  // Character counter

  var counterId = 0;

  function enhanceCounter(control) {
    if (control.hasAttribute("data-counting")) {
      return;
    }
    control.setAttribute("data-counting", "");
    var shown = document.createElement("small");
    shown.className = "char-counter";
    shown.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("span");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    spoken.id = "char-counter-" + (++counterId);
    control.insertAdjacentElement("afterend", shown);
    shown.insertAdjacentElement("afterend", spoken);
    var pause = null;
    var update = function (announce) {
      var max = control.maxLength > 0 ? control.maxLength : 0;
      var count = control.value.replace(/\r\n/g, "\n").length;
      shown.textContent = max ? count + " / " + max : String(count);
      shown.classList.toggle("over-limit", max > 0 && count > max);
      window.clearTimeout(pause);
      if (announce) {
        pause = window.setTimeout(function () {
          spoken.textContent = control.getAttribute("data-counter")
            .replace("{count}", String(count))
            .replace("{max}", max ? String(max) : "—");
        }, 1000);
      }
    };
    control.addEventListener("input", function () { update(true); });
    control.addEventListener("tribunal:limit", function () { update(false); });
    update(false);
  }

  function forgetSummaryFragment() {
    var id = window.location.hash.slice(1);
    if (/-problems$/.test(id) && !document.getElementById(id) && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
  }

  function start() {
    forgetSummaryFragment();
    enhance(document);
  }

  document.addEventListener("tribunal:page-replaced", start);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
