// While an export is being made, check every two seconds and show what became of it in place,
// announced to screen readers; the page itself is not reloaded under the reader. Without
// JavaScript, the page has a link to check again.
(function () {
  "use strict";
  var box = document.getElementById("export-progress");
  if (!box || !box.dataset.check || !window.fetch || !window.DOMParser) { return; }
  var address = box.dataset.check;

  function later() { window.setTimeout(check, 2000); }

  function check() {
    fetch(address, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.ok && type.indexOf("text/html") !== 0) {
          // the public address answers with the file itself once it is made: fetch it for real
          if (response.body) { response.body.cancel(); }
          var heading = document.createElement("h1");
          heading.textContent = box.dataset.readyHeading;
          var line = document.createElement("p");
          var link = document.createElement("a");
          link.className = "button";
          link.href = address;
          link.textContent = box.dataset.downloadLabel;
          line.appendChild(link);
          box.replaceChildren(heading, line);
          window.location.assign(address);
          return;
        }
        return response.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById("export-progress");
          if (!fresh) { later(); return; }
          if (fresh.dataset.check) { later(); return; }
          box.innerHTML = fresh.innerHTML;
          delete box.dataset.check;
          document.title = page.title;
        });
      })
      .catch(later);
  }

  later();
}());
