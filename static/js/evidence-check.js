// "Check a file against our records": with this script the browser computes the file's SHA-256
// and sends only that; the file itself never leaves the computer. Without it (or without
// SubtleCrypto, which browsers give only over HTTPS), the form sends the file and the server
// hashes it without keeping it.
"use strict";

(function () {
  function hex(buffer) {
    return Array.prototype.map
      .call(new Uint8Array(buffer), function (byte) { return byte.toString(16).padStart(2, "0"); })
      .join("");
  }

  function setUp() {
    var form = document.getElementById("file-check");
    if (!form || !window.crypto || !window.crypto.subtle) return;
    var input = form.querySelector("input[type=file]");
    var fingerprint = form.querySelector("input[name=fingerprint]");
    var status = document.getElementById("file-check-status");

    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      if (!file) return;  // a pasted fingerprint goes as typed
      event.preventDefault();
      if (file.size > Number(form.dataset.maxBytes)) {
        status.textContent = form.dataset.tooLarge;
        return;
      }
      status.textContent = form.dataset.hashing;
      file.arrayBuffer()
        .then(function (bytes) { return window.crypto.subtle.digest("SHA-256", bytes); })
        .then(function (digest) {
          fingerprint.value = hex(digest);
          input.value = "";  // only the fingerprint is sent
          form.submit();
        })
        .catch(function () {
          status.textContent = "";
          form.submit();  // the server hashes it instead
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
