// The report forms work without this script. With it: photo previews, a size check before
// sending, and a progress bar, since photos go up over slow phone connections.
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

  function showResponse(xhr) {
    var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
    document.title = page.title;
    document.body.replaceWith(page.body);
    if (xhr.responseURL && xhr.responseURL !== window.location.href) {
      window.history.replaceState(null, "", xhr.responseURL);
    }
    window.scrollTo(0, 0);
    var focus = document.getElementById("form-errors") || document.querySelector("h1");
    if (focus) {
      if (!focus.hasAttribute("tabindex")) focus.setAttribute("tabindex", "-1");
      focus.focus();
    }
    setUp();
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
        showResponse(xhr);
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
  }

  setUp();
})();
