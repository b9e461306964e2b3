// Comment on selected words: select text in the statement and a button offers to comment on it.
// Without JavaScript, each paragraph has its own Comment link.
(function () {
  "use strict";
  var article = document.getElementById("statement-text");
  if (!article || !window.getSelection) { return; }
  var button = document.createElement("a");
  button.className = "button button-small selection-comment";
  button.textContent = article.dataset.selectionLabel;
  button.hidden = true;
  article.insertBefore(button, article.firstChild);

  function selectedWords() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) { return ""; }
    var range = selection.getRangeAt(0);
    if (!article.contains(range.commonAncestorContainer)) { return ""; }
    // the words alone: not the paragraphs' own Comment links, whatever language they are in
    var words = range.cloneContents();
    Array.prototype.forEach.call(words.querySelectorAll(".block-comment, .selection-comment"),
                                 function (link) { link.remove(); });
    Array.prototype.forEach.call(words.querySelectorAll("p, li, h1, h2, h3, h4, h5, h6, blockquote, td, th"),
                                 function (block) { block.append(" "); });
    return words.textContent.replace(/\s+/g, " ").trim();
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
