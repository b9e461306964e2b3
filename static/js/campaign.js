// The campaign panel: a Copy button beside each link and code. Without this script the text stays in a
// read-only box, where it can be selected and copied by hand.
(function () {
  "use strict";

  function said(button, ok) {
    var note = document.querySelector('[data-copied-for="' + button.dataset.copy + '"]');
    if (note) {
      note.textContent = ok ? button.dataset.copied : button.dataset.failed;
    }
  }

  function copy(button) {
    var box = document.getElementById(button.dataset.copy);
    box.focus();
    box.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(box.value).then(function () { said(button, true); },
        function () { said(button, document.execCommand("copy")); });
    } else {
      said(button, document.execCommand("copy"));
    }
  }

  var words = document.getElementById("copy-words");
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.dataset.copied = words ? words.dataset.copied : "Copied";
    button.dataset.failed = words ? words.dataset.failed : "Select the text and copy it";
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });
}());
