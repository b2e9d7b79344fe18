// The review workspace works without this script: the preview then shows the saved case.
// With it, the preview and the list of what publication still needs follow what staff type.
"use strict";

(function () {
  var WAIT_MS = 400;

  function setUp() {
    var workspace = document.querySelector(".workspace[data-preview-url]");
    if (!workspace) return;
    var form = workspace.closest("form");
    var frame = workspace.querySelector(".workspace-preview iframe");
    var timer = null;
    var latest = 0;

    function refresh() {
      var asked = ++latest;
      fetch(workspace.dataset.previewUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: {"X-Requested-With": "fetch"},
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) {
          if (!answer || asked !== latest) return;  // a later edit's answer is on its way
          frame.srcdoc = answer.page;
          var checklist = document.getElementById("publication-checklist");
          var fresh = document.createElement("div");
          fresh.innerHTML = answer.checklist;  // rendered and escaped by the server
          checklist.replaceWith(fresh.firstElementChild);
        })
        .catch(function () {});  // the saved preview stays; saving still works
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, WAIT_MS);
    }

    form.addEventListener("input", later);
    form.addEventListener("change", later);
    // The autocomplete (select2, through jQuery) announces a choice only through jQuery.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(form).on("select2:select select2:clear", later);
    }
  }

  // select2's box is a textbox with no name of its own: give it its field's label.
  function nameAutocompletes() {
    document.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach(function (box) {
      var select = box.closest(".related-widget-wrapper, .form-row, div").querySelector("select");
      var label = select && document.querySelector("label[for='" + select.id + "']");
      if (label && !box.hasAttribute("aria-label")) {
        box.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
      }
    });
  }

  document.addEventListener("DOMContentLoaded", setUp);
  // Django's autocomplete builds its boxes in a jQuery ready handler, registered before this
  // deferred script ran; a ready handler of ours runs after it, whatever "load" waits for.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(nameAutocompletes);
  }
  window.addEventListener("load", nameAutocompletes);
  document.addEventListener("formset:added", function () { window.setTimeout(nameAutocompletes); });
})();
