/*
 * Tribunal: a photo's thumbnail is a link to the full image, which works without this file;
 * with it, the full image opens in a modal <dialog> over the page instead. Escape, the close
 * button or a click beside the photo closes it, and the focus goes back to the thumbnail.
 * Loaded from a static file only: the Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";

  var dialog = null;
  var opener = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "lightbox-close";
    close.addEventListener("click", function () { dialog.close(); });
    var image = document.createElement("img");
    dialog.append(close, image);
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (opener) opener.focus();
    });
    document.body.append(dialog);
  }

  function open(link) {
    if (!dialog) build();
    opener = link;
    var thumbnail = link.querySelector("img");
    var image = dialog.querySelector("img");
    image.src = link.href;
    image.alt = thumbnail ? thumbnail.alt : link.textContent.trim();
    var close = dialog.querySelector(".lightbox-close");
    close.textContent = link.dataset.closeLabel || "×";
    dialog.showModal();
    close.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-lightbox]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    open(link);
  });
})();
