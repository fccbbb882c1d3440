// The browser's time zone as a default: fills every hidden field marked
// data-browser-time-zone, and picks it in such a list while nothing is chosen there.
// The server checks the name; without this script the reader's language decides.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) {
    return;
  }
  function fill() {
    var fields = document.querySelectorAll("[data-browser-time-zone]");
    Array.prototype.forEach.call(fields, function (field) {
      if (field.tagName === "SELECT") {
        var known = Array.prototype.some.call(field.options, function (option) {
          return option.value === zone;
        });
        if (field.value === "" && known) {
          field.value = zone;
        }
      } else {
        field.value = zone;
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fill);
  } else {
    fill();
  }
})();
