// Comment on selected words: select text in the statement and a button offers to comment on it.
// Without JavaScript, each paragraph has its own Comment link.
(function () {
  "use strict";
  var article = document.getElementById("statement-text");
  if (!article || !window.getSelection) { return; }
  var button = document.createElement("a");
  button.className = "button button-small selection-comment";
  button.textContent = "Comment on the selected words";
  button.hidden = true;
  article.insertBefore(button, article.firstChild);

  function selectedWords() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) { return ""; }
    var range = selection.getRangeAt(0);
    if (!article.contains(range.commonAncestorContainer)) { return ""; }
    return selection.toString().replace(/\s+/g, " ").replace(/Comment on this passage:.*$/, "").trim();
  }

  function update() {
    var words = selectedWords();
    if (!words || words.length > 2000) { button.hidden = true; return; }
    var url = new URL(article.dataset.newThreadUrl, window.location.href);
    url.searchParams.set("quote", words);
    button.href = url.toString();
    button.hidden = false;
  }

  document.addEventListener("selectionchange", function () { window.requestAnimationFrame(update); });
}());
