// Comment on selected words, or suggest new wording for them: select text in the statement and buttons
// offer to. Their words come translated in the article's data attributes.
// Without JavaScript, each paragraph has its own Comment and Suggest links.
(function () {
  "use strict";
  var article = document.getElementById("statement-text");
  if (!article || !window.getSelection) { return; }
  var actions = document.createElement("div");
  actions.className = "selection-actions";
  actions.hidden = true;

  function addButton(label, url) {
    var button = document.createElement("a");
    button.className = "button button-small selection-comment";
    button.textContent = label;
    button.dataset.url = url;
    actions.appendChild(button);
    return button;
  }

  var buttons = [addButton(article.dataset.selectionLabel, article.dataset.newThreadUrl)];
  if (article.dataset.newSuggestionUrl) {  // present only where the reader may suggest and the text can change
    buttons.push(addButton(article.dataset.suggestionLabel, article.dataset.newSuggestionUrl));
    buttons[1].classList.add("button-secondary", "selection-suggest");
  }
  article.insertBefore(actions, article.firstChild);

  function selectedWords() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) { return ""; }
    var range = selection.getRangeAt(0);
    if (!article.contains(range.commonAncestorContainer)) { return ""; }
    // the words alone: not the paragraphs' own Comment and Suggest links, whatever language they are in
    var words = range.cloneContents();
    Array.prototype.forEach.call(words.querySelectorAll(".block-comment, .selection-comment, .selection-actions"),
                                 function (link) { link.remove(); });
    Array.prototype.forEach.call(words.querySelectorAll("p, li, h1, h2, h3, h4, h5, h6, blockquote, td, th"),
                                 function (block) { block.append(" "); });
    return words.textContent.replace(/\s+/g, " ").trim();
  }

  function update() {
    var words = selectedWords();
    if (!words || words.length > 2000) { actions.hidden = true; return; }
    buttons.forEach(function (button) {
      var url = new URL(button.dataset.url, window.location.href);
      url.searchParams.set("quote", words);
      button.href = url.toString();
    });
    actions.hidden = false;
  }

  document.addEventListener("selectionchange", function () { window.requestAnimationFrame(update); });
}());
