// The report forms work without this script. With it: photo previews, a size check before
// sending, a progress bar, since photos go up over slow phone connections, and after an error
// the photos already chosen stay chosen and the first error takes the focus.
"use strict";

(function () {
  function setUpPhotoRow(row, form) {
    var input = row.querySelector("input[type=file]");
    var preview = row.querySelector("[data-preview]");
    if (!input || !preview) return;
    input.addEventListener("change", function () {
      preview.replaceChildren();
      preview.hidden = true;
      input.setCustomValidity("");
      var file = input.files && input.files[0];
      if (!file) return;
      if (file.size > Number(form.dataset.maxBytes)) {
        input.setCustomValidity(form.dataset.tooLarge || "");
        input.reportValidity();
        return;
      }
      var image = document.createElement("img");
      image.alt = "";
      image.src = URL.createObjectURL(file);
      image.addEventListener("error", function () { preview.hidden = true; });
      preview.appendChild(image);
      preview.hidden = false;
    });
  }

  function chosenFiles(form) {
    var chosen = {};
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      if (input.files && input.files.length) chosen[input.name] = input.files;
    });
    return chosen;
  }

  // The server never keeps a photo from a form with errors; the browser still has the files,
  // so they go back into their boxes, except where the photo itself was refused.
  function restoreFiles(chosen) {
    if (!window.DataTransfer) return;
    var restored = 0;
    Object.keys(chosen).forEach(function (name) {
      var input = document.querySelector("input[type=file][name='" + name + "']");
      if (!input || input.classList.contains("is-invalid")) return;
      var transfer = new DataTransfer();
      Array.prototype.forEach.call(chosen[name], function (file) { transfer.items.add(file); });
      input.files = transfer.files;
      input.dispatchEvent(new Event("change"));
      restored += 1;
    });
    var notice = document.querySelector("[data-photos-not-kept]");
    if (notice && restored === Object.keys(chosen).length) notice.hidden = true;
  }

  function focusFirstError() {
    var field = document.querySelector(
      "form [aria-invalid=true], form input.is-invalid, form select.is-invalid, form textarea.is-invalid"
    );
    var target = field || document.getElementById("form-errors") ||
      document.getElementById("form-problem") || document.querySelector("h1");
    if (!target) return;
    if (!field && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  function showResponse(xhr, chosen) {
    var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
    document.title = page.title;
    document.body.replaceWith(page.body);
    if (xhr.responseURL && xhr.responseURL !== window.location.href) {
      window.history.replaceState(null, "", xhr.responseURL);
    }
    window.scrollTo(0, 0);
    setUp();
    restoreFiles(chosen);
    focusFirstError();
  }

  // The page that came back holds fresh tokens for sending again; the photos stay chosen here,
  // so its request to choose them again does not apply.
  function showProblem(form, page) {
    var problem = page.querySelector("[data-form-problem]");
    if (!problem) {
      var main = page.querySelector("main") || page.body;
      window.alert(main.innerText.trim());
      return;
    }
    ["csrfmiddlewaretoken", "started"].forEach(function (name) {
      var fresh = page.querySelector("input[name=" + name + "]");
      var mine = form.querySelector("input[name=" + name + "]");
      if (fresh && mine) mine.value = fresh.value;
    });
    problem.querySelectorAll("[data-photos-not-kept]").forEach(function (p) { p.remove(); });
    var old = form.querySelector("[data-form-problem]");
    if (old) old.remove();
    form.insertBefore(document.adoptNode(problem), form.firstChild);
    problem.focus();
  }

  function sendWithProgress(form, event) {
    if (!window.FormData || !window.XMLHttpRequest) return;
    event.preventDefault();
    var box = form.querySelector("[data-progress]");
    var bar = box && box.querySelector("progress");
    var button = form.querySelector("button[type=submit]");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (bar && e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.addEventListener("load", function () {
      if (xhr.status === 200) {
        showResponse(xhr, chosenFiles(form));
        return;
      }
      // Not sent (an expired form, too many reports, a form sent twice): keep this page, with
      // the photos still chosen, and show why.
      if (box) box.hidden = true;
      if (button) button.disabled = false;
      showProblem(form, new DOMParser().parseFromString(xhr.responseText, "text/html"));
    });
    xhr.addEventListener("error", function () {
      if (box) box.hidden = true;
      if (button) button.disabled = false;
      window.alert(form.dataset.sendFailed || "");
    });
    if (box) box.hidden = false;
    if (button) button.disabled = true;
    xhr.send(new FormData(form));
  }

  function setUp() {
    document.querySelectorAll("form[data-upload-form]").forEach(function (form) {
      form.querySelectorAll("[data-photo-row]").forEach(function (row) { setUpPhotoRow(row, form); });
      form.addEventListener("submit", function (event) { sendWithProgress(form, event); });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("[data-print-item]").forEach(function (item) { item.hidden = false; });
  }

  setUp();
})();
