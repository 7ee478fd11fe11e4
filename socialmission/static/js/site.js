// Behaviour that would otherwise be inline script (the Content-Security-Policy forbids it).
// Search form (library/search.html): after an in-place update that removed the focused element,
// move the focus to the new results' summary; when the in-place request fails, load the same
// address as a page so the reader sees the result or a real error page.
document.addEventListener("htmx:afterSettle", function (event) {
  if (!event.target.closest || !event.target.closest("#search-form")) return;
  if (!document.activeElement || document.activeElement === document.body) {
    const summary = document.getElementById("results-count");
    if (summary) {
      summary.focus({ preventScroll: true });
      summary.scrollIntoView({ block: "nearest" });
    }
  }
});

function loadAsPage(event) {
  if (!event.target.closest || !event.target.closest("#search-form")) return;
  window.location.assign(event.detail.pathInfo.finalRequestPath);
}
document.addEventListener("htmx:responseError", loadAsPage);
document.addEventListener("htmx:sendError", loadAsPage);
