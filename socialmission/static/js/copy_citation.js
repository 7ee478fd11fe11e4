// "Copy citation" on a resource page (interop/resource_citation.html). The button is hidden
// until this script runs, so without JavaScript (or without a clipboard) nobody meets a button
// that does nothing; the citation text stays selectable either way.
(function () {
  function setUp() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      if (!navigator.clipboard || !window.isSecureContext) return;
      const target = document.querySelector(button.getAttribute("data-copy-target"));
      const status = document.querySelector(button.getAttribute("data-copy-status"));
      if (!target || !status) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(target.innerText.trim()).then(
          function () { status.textContent = button.getAttribute("data-copied"); },
          function () { status.textContent = button.getAttribute("data-failed"); }
        );
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
