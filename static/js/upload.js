/*
 * Tribunal: progressive enhancements for the case forms. Every form works without this file;
 * with it:
 *  - forms marked data-upload-progress send their files with XMLHttpRequest and show a
 *    progress bar; the page the server answers with (the case page after the redirect, or
 *    the form again with its errors) then replaces the current one;
 *  - blocks marked data-depends-on="field" data-values="a b" are shown (and their inputs
 *    enabled) only while that field's value is one of the values.
 * Loaded from a static file only: the Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";

  function enhance(root) {
    root.querySelectorAll("form[data-upload-progress]").forEach(enhanceUpload);
    root.querySelectorAll("[data-depends-on]").forEach(enhanceDependent);
  }

  // Upload progress

  function enhanceUpload(form) {
    if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) {
      return;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) {
        data.append(event.submitter.name, event.submitter.value);
      }
      var action = form.action || window.location.href;
      var status = progressFor(form);
      setBusy(form, true);

      var xhr = new XMLHttpRequest();
      xhr.open("POST", action);
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          showProgress(form, status, Math.round((e.loaded * 100) / e.total));
        }
      });
      xhr.addEventListener("load", function () {
        var type = xhr.getResponseHeader("Content-Type") || "";
        if (type.indexOf("text/html") !== 0) {
          fallBack(form, status);
          return;
        }
        replacePage(xhr.responseText, xhr.responseURL, action);
      });
      xhr.addEventListener("error", function () { fallBack(form, status); });
      xhr.addEventListener("abort", function () { fallBack(form, status); });
      showProgress(form, status, 0);
      xhr.send(data);
    });
  }

  function progressFor(form) {
    var box = form.querySelector(".upload-progress");
    if (!box) {
      box = document.createElement("div");
      box.className = "upload-progress";
      box.setAttribute("role", "status");
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      var text = document.createElement("small");
      box.appendChild(bar);
      box.appendChild(text);
      var button = form.querySelector("button[type=submit], input[type=submit]");
      form.insertBefore(box, button || null);
    }
    box.hidden = false;
    return box;
  }

  function showProgress(form, box, percent) {
    box.querySelector("progress").value = percent;
    var template = form.getAttribute("data-upload-progress") || "{percent}%";
    box.querySelector("small").textContent = template.replace("{percent}", String(percent));
  }

  function setBusy(form, busy) {
    form.setAttribute("aria-busy", busy ? "true" : "false");
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
      b.disabled = busy;
    });
  }

  function fallBack(form, box) {
    // The enhanced path failed: send the form the ordinary way.
    box.hidden = true;
    setBusy(form, false);
    HTMLFormElement.prototype.submit.call(form);
  }

  function replacePage(html, responseURL, action) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var redirected = responseURL && absolute(responseURL) !== absolute(action);
    if (redirected && window.history && window.history.replaceState) {
      window.history.replaceState(null, "", responseURL);
    }
    document.title = doc.title;
    document.body.replaceWith(document.adoptNode(doc.body));
    enhance(document);
    if (!document.querySelector(".error-summary")) {
      window.scrollTo(0, 0);
    }
    // static/js/forms.js enhances the new page's forms and focuses its error summary
    document.dispatchEvent(new Event("tribunal:page-replaced"));
  }

  function absolute(url) {
    var a = document.createElement("a");
    a.href = url;
    return a.href;
  }

  // Fields that depend on another field's value

  function enhanceDependent(box) {
    var form = box.closest("form");
    if (!form) {
      return;
    }
    var control = form.elements.namedItem(box.getAttribute("data-depends-on"));
    if (!control) {
      return;
    }
    var values = (box.getAttribute("data-values") || "").split(" ");
    var update = function () {
      var shown = values.indexOf(control.value) !== -1;
      box.hidden = !shown;
      box.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
      applyLimits(box, control.value);
    };
    control.addEventListener("change", update);
    update();
  }

  function applyLimits(box, value) {
    // A textarea whose limit depends on the chosen kind (data-limits='{"kind": n}')
    box.querySelectorAll("textarea[data-limits]").forEach(function (area) {
      var limits;
      try {
        limits = JSON.parse(area.getAttribute("data-limits"));
      } catch (e) {
        return;
      }
      if (limits[value]) {
        area.maxLength = limits[value];
      } else {
        area.removeAttribute("maxlength");
      }
      area.dispatchEvent(new Event("tribunal:limit"));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
})();
