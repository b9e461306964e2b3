// Live preview for the statement editor. Without JavaScript the Preview button does the same
// by sending the form; with it, the preview follows typing.
(function () {
  "use strict";
  var form = document.getElementById("edit-form");
  if (!form || !window.fetch) { return; }
  var textarea = form.querySelector("textarea[name=text]");
  var section = document.getElementById("preview-section");
  var target = document.getElementById("preview");
  var token = document.querySelector("meta[name=csrf-token]").content;
  var timer = null;

  function refresh() {
    var body = new URLSearchParams();
    body.set("text", textarea.value);
    body.set("csrf_token", token);
    fetch(form.dataset.previewUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        target.innerHTML = html; // server-rendered and sanitized Markdown
        section.hidden = false;
      })
      .catch(function () { /* the Preview button still works */ });
  }

  textarea.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  });
  refresh();
}());
