/*
 * Tribunal: the phone's menu is a <details> disclosure that works without this file; with it,
 * Escape closes the open menu and puts the focus back on its button, and a click or tap
 * outside the menu closes it.
 * Loaded from a static file only: the Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";

  function openMenus() {
    return document.querySelectorAll("details.site-menu[open]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    openMenus().forEach(function (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    });
  });

  document.addEventListener("click", function (event) {
    openMenus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
})();
